// Classifying queued packets: headers, then "is it SIP", then the parser, then fingerprints.
#include "agent/inspector.hpp"

#include "agent/packet_headers.hpp"
#include "sip/parser.hpp"
#include "sip/text.hpp"

namespace tollgate::agent {
namespace {

constexpr std::size_t max_method_length = 32;
constexpr std::size_t max_start_line_scan = 1024;
constexpr std::size_t max_kept_field = 256;  // user agent and call id copied into a report

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// A header value as reports and `status` carry it: bounded, printable ASCII only.
std::string kept(std::string_view field) {
  std::string out(field.substr(0, max_kept_field));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

inspection finish(inspection i, inspect_reason reason) {
  i.reason = reason;
  i.verdict = verdict_of(reason);
  return i;
}

}  // namespace

std::string_view to_string(inspect_reason reason) {
  switch (reason) {
    case inspect_reason::clean: return "clean";
    case inspect_reason::not_sip: return "not_sip";
    case inspect_reason::fragment: return "fragment";
    case inspect_reason::not_udp: return "not_udp";
    case inspect_reason::unchecked: return "unchecked";
    case inspect_reason::malformed_sip: return "malformed_sip";
    case inspect_reason::scanner_user_agent: return "scanner_user_agent";
    case inspect_reason::scanner_tag: return "scanner_tag";
  }
  return "unknown";
}

bool looks_like_sip(std::string_view payload) {
  while (payload.size() >= 2 && payload[0] == '\r' && payload[1] == '\n') payload.remove_prefix(2);
  if (payload.starts_with("SIP/")) return true;
  std::size_t i = 0;
  while (i < payload.size() && i <= max_method_length && sip::text::is_token_char(payload[i])) ++i;
  if (i == 0 || i > max_method_length || i >= payload.size() || payload[i] != ' ') return false;
  const auto line = payload.substr(0, std::min(payload.size(), max_start_line_scan));
  const auto end = line.find('\n');
  return line.substr(0, end).find(" SIP/") != std::string_view::npos;
}

bool is_sipvicious_tag(std::string_view tag) {
  // Decoded: one or more printable characters, 0x01, one or more digits, nothing else.
  if (tag.size() < 6 || tag.size() % 2 != 0) return false;
  bool separator = false;
  std::size_t text = 0;
  std::size_t digits = 0;
  for (std::size_t i = 0; i < tag.size(); i += 2) {
    const int high = hex_value(tag[i]);
    const int low = hex_value(tag[i + 1]);
    if (high < 0 || low < 0) return false;
    const int byte = high * 16 + low;
    if (!separator) {
      if (byte == 0x01) {
        separator = true;
      } else if (byte >= 0x20 && byte < 0x7f) {
        ++text;
      } else {
        return false;
      }
    } else if (byte >= '0' && byte <= '9') {
      ++digits;
    } else {
      return false;
    }
  }
  return separator && text > 0 && digits > 0;
}

inspector::inspector(std::vector<std::string> scanner_user_agents) : scanners_(std::move(scanner_user_agents)) {}

inspection inspector::classify(std::span<const std::uint8_t> packet) const {
  const udp_datagram d = read_udp(packet);
  inspection i;
  switch (d.kind) {
    case packet_kind::fragment: return finish(std::move(i), inspect_reason::fragment);
    case packet_kind::not_udp:
    case packet_kind::truncated: return finish(std::move(i), inspect_reason::not_udp);
    case packet_kind::udp: break;
  }
  i.source = d.source;
  i.source_port = d.source_port;
  return classify_payload({reinterpret_cast<const char*>(d.payload.data()), d.payload.size()}, std::move(i));
}

inspection inspector::classify_payload(std::string_view payload, inspection i) const {
  if (!looks_like_sip(payload)) return finish(std::move(i), inspect_reason::not_sip);
  const auto parsed = sip::parse(payload);
  if (!parsed.ok()) {
    i.detail = parsed.error.describe();
    return finish(std::move(i), inspect_reason::malformed_sip);
  }
  const sip::message& m = *parsed.msg;
  i.user_agent = kept(m.user_agent());
  i.call_id = kept(m.call_id());
  if (const auto fingerprint = scanners_.match(m.user_agent()); !fingerprint.empty()) {
    i.detail = std::string(fingerprint);
    return finish(std::move(i), inspect_reason::scanner_user_agent);
  }
  if (m.is_request()) {
    if (const auto from = m.from(); from && is_sipvicious_tag(from->tag())) {
      i.detail = "from tag " + kept(from->tag());
      return finish(std::move(i), inspect_reason::scanner_tag);
    }
  }
  return finish(std::move(i), inspect_reason::clean);
}

}  // namespace tollgate::agent
