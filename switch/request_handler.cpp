// The SIP core: parse, answer retransmissions, route REGISTER to the registrar, answer the
// rest, 400 for malformed requests, scanner sightings.
#include "switch/request_handler.hpp"

#include "sip/error.hpp"
#include "switch/call_dispatcher.hpp"

namespace tollgate::switch_ {
namespace {

constexpr std::size_t max_scanner_sources = 4096;
constexpr base::millis scanner_report_interval{60000};

bool looks_like_response(std::string_view raw) {
  while (raw.starts_with("\r\n")) raw.remove_prefix(2);
  return raw.starts_with("SIP/");
}

}  // namespace

request_handler::request_handler(registrar& reg, sip::digest_server& digest, policy::scanner_match scanners)
    : registrar_(reg), digest_(digest), scanners_(std::move(scanners)) {}

std::optional<outbound> request_handler::on_datagram(std::string_view datagram, const peer& from,
                                                     base::timestamp now) {
  if (datagram.find_first_not_of("\r\n") == std::string_view::npos) return std::nullopt;  // keep-alive
  auto parsed = sip::parse(datagram);
  if (!parsed.ok()) return on_malformed(datagram, parsed.error, from);
  return on_message(*parsed.msg, from, now);
}

std::optional<outbound> request_handler::on_stream_message(const sip::message& m, const peer& from,
                                                           base::timestamp now) {
  if (const auto error = sip::validate(m)) {
    ++counters_.malformed;
    return answer_malformed(m, m.raw().size(), *error, from);
  }
  return on_message(m, from, now);
}

std::optional<outbound> request_handler::on_malformed(std::string_view raw, const sip::parse_error& error,
                                                      const peer& from) {
  ++counters_.malformed;
  if (looks_like_response(raw)) {
    ++counters_.malformed_unanswered;
    return std::nullopt;
  }
  // Parse again without validation to find what a response needs (Via, From, To...).
  sip::parse_options lenient;
  lenient.validate = false;
  auto loose = sip::parse(raw, lenient);
  if (!loose.ok()) {
    ++counters_.malformed_unanswered;
    return std::nullopt;
  }
  return answer_malformed(*loose.msg, raw.size(), error, from);
}

std::optional<outbound> request_handler::answer_malformed(const sip::message& loose, std::size_t request_size,
                                                          const sip::parse_error& error, const peer& from) {
  if (loose.is_response() || !loose.top_via()) {
    ++counters_.malformed_unanswered;
    return std::nullopt;
  }
  const bool version = error.code == sip::errc::unsupported_version;
  const int status = version ? 505 : 400;
  std::string reason = "Version Not Supported";
  if (!version) {
    reason = "Bad Request (" + error.error_code().message();
    if (error.header != sip::header_id::other) reason += " in " + std::string(sip::canonical_name(error.header));
    reason += ")";
  }
  std::string response = reply(loose, from, status, reason).build();
  if (response.size() > request_size) {
    ++counters_.malformed_unanswered;
    return std::nullopt;
  }
  // Back to where it came from: a malformed Via is no address to trust.
  return outbound{std::move(response), from.ip, from.port};
}

void request_handler::route_calls(call_dispatcher& calls,
                                  std::function<std::shared_ptr<const config::config>()> current) {
  calls_ = &calls;
  current_config_ = std::move(current);
}

std::optional<outbound> request_handler::on_message(const sip::message& m, const peer& from, base::timestamp now) {
  if (m.is_response()) {
    if (calls_ != nullptr) {
      (void)calls_->on_message(m, from, *current_config_(), now);
    } else {
      ++counters_.responses_ignored;
    }
    return std::nullopt;
  }
  ++counters_.requests;
  watch_user_agent(m, from, now);
  if (calls_ != nullptr && calls_->on_message(m, from, *current_config_(), now)) return std::nullopt;
  if (m.method() == sip::method::ack) return std::nullopt;
  auto key = transaction_key_of(m);
  if (key) {
    if (const std::string* cached = cache_.find(*key, now)) {
      ++counters_.retransmissions;
      return addressed(*cached, m, from);
    }
  }
  sip_outcome outcome =
      m.method() == sip::method::register_ ? registrar_.on_register(m, from, now) : on_other_request(m, from, now);
  for (auto& r : outcome.reports) reports_.push_back(std::move(r));
  if (outcome.response.empty()) return std::nullopt;
  if (key) cache_.put(std::move(*key), outcome.response, now);
  return addressed(std::move(outcome.response), m, from);
}

sip_outcome request_handler::on_other_request(const sip::message& m, const peer& from, base::timestamp now) {
  sip_outcome out;
  switch (m.method()) {
    case sip::method::options:
      out.response = reply(m, from, 200)
                         .header("Allow", calls_ != nullptr ? "INVITE, ACK, CANCEL, BYE, UPDATE, INFO, OPTIONS, REGISTER"
                                                            : "REGISTER, OPTIONS, ACK")
                         .build();
      return out;
    case sip::method::cancel:
      out.response = reply(m, from, 481).build();
      return out;
    default:
      break;
  }
  // Every other method is authenticated as product.md §4 says before it is refused: an
  // out-of-dialog request that is no call (MESSAGE, SUBSCRIBE...) gets 501 once authenticated.
  // (INVITEs reach this only when no call dispatcher is attached.)
  const auto credentials = credentials_of(m);
  const auto challenge = [&](bool stale) {
    const auto from_header = m.from();
    const std::string user = from_header ? std::string(from_header->address.user) : std::string();
    out.response =
        challenge_response(m, from, digest_.challenge(registrar_.settings().mode, m.method_text(), from.ip, now, stale, user));
    return out;
  };
  if (credentials.empty()) return challenge(false);
  const auto v = digest_.verify_all(credentials, m.method_text(), from.ip, now);
  if (v.verdict == sip::digest_verdict::ok) {
    out.response = reply(m, from, 501).build();
    return out;
  }
  if (v.counts_as_failure()) {
    out.response = reply(m, from, 403).build();
    if (m.method() == sip::method::invite) {
      auto r = make_report(policy::report_type::call_auth_failed, m, from, now, v.username);
      if (const auto to = m.to()) r.callee = std::string(to->address.user);
      out.reports.push_back(std::move(r));
    }
    return out;
  }
  return challenge(v.verdict == sip::digest_verdict::stale_nonce);
}

void request_handler::watch_user_agent(const sip::message& m, const peer& from, base::timestamp now) {
  const std::string_view ua = m.user_agent();
  if (ua.empty() || scanners_.match(ua).empty()) return;
  ++counters_.scanners;
  const base::ip_address ip = from.ip.unmapped();
  if (const auto it = scanner_reported_.find(ip); it != scanner_reported_.end() && now - it->second < scanner_report_interval) {
    return;
  }
  if (scanner_reported_.size() >= max_scanner_sources) scanner_reported_.clear();
  scanner_reported_[ip] = now;
  auto r = make_report(policy::report_type::scanner_seen, m, from, now, claimed_endpoint(m, credentials_of(m)));
  reports_.push_back(std::move(r));
}

outbound request_handler::addressed(std::string bytes, const sip::message& request, const peer& from) const {
  outbound out{std::move(bytes), from.ip, from.port};
  if (from.transport != config::transport::udp) return out;
  // RFC 3261 §18.2.2 and RFC 3581 §4: to the source address; to the source port only when
  // the client asked with rport, else to the port in sent-by.
  const auto via = request.top_via();
  if (via && !via->has_rport()) out.port = via->port_or_default();
  return out;
}

void request_handler::prune(base::timestamp now) {
  cache_.prune(now);
  std::erase_if(scanner_reported_, [now](const auto& e) { return now - e.second >= scanner_report_interval; });
}

}  // namespace tollgate::switch_
