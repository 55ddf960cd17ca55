// Message validation: what an element checks before acting on a parsed message.
#include "sip/parser.hpp"

#include "sip/params.hpp"
#include "sip/text.hpp"

namespace tollgate::sip {
namespace {

parse_error at(const message& m, const header_field& h, errc code) {
  return parse_error{code, m.offset_of(h.value), h.line, h.id};
}

bool valid_call_id(std::string_view v) {
  // callid = word [ "@" word ]; word is printable ASCII without whitespace.
  if (v.empty()) return false;
  for (char c : v) {
    const auto uc = static_cast<unsigned char>(c);
    if (uc <= 0x20 || uc >= 0x7f) return false;
  }
  return true;
}

bool valid_name_addr_list(std::string_view value) {
  text::list_splitter split(value);
  while (auto element = split.next()) {
    if (!name_addr::parse(*element)) return false;
  }
  return !split.failed();
}

bool valid_via_list(std::string_view value) {
  text::list_splitter split(value);
  while (auto element = split.next()) {
    const auto v = via::parse(*element);
    if (!v || !text::iequals(v->protocol, "SIP") || v->version != "2.0") return false;
  }
  return !split.failed();
}

}  // namespace

std::optional<parse_error> validate(const message& m) {
  const header_field* first[5] = {};  // via, from, to, call_id, cseq
  auto slot = [](header_id id) -> int {
    switch (id) {
      case header_id::via: return 0;
      case header_id::from: return 1;
      case header_id::to: return 2;
      case header_id::call_id: return 3;
      case header_id::cseq: return 4;
      default: return -1;
    }
  };
  const header_field* max_forwards = nullptr;

  for (const header_field& h : m.headers()) {
    const int s = slot(h.id);
    if (s > 0 && first[s]) return at(m, h, errc::duplicate_header);  // all but Via are single
    if (s >= 0 && !first[s]) first[s] = &h;
    switch (h.id) {
      case header_id::via:
        if (!valid_via_list(h.value)) return at(m, h, errc::bad_via);
        break;
      case header_id::from:
      case header_id::to: {
        // tag-param = "tag" EQUAL token: a bare or quoted tag would make "has a tag" ambiguous.
        const auto na = name_addr::parse(h.value);
        if (!na) return at(m, h, errc::bad_name_addr);
        const auto tag = find_param(na->params, "tag");
        if (tag && (!tag->has_value || tag->quoted)) return at(m, h, errc::bad_name_addr);
        break;
      }
      case header_id::call_id:
        if (!valid_call_id(h.value)) return at(m, h, errc::bad_call_id);
        break;
      case header_id::cseq: {
        const auto c = cseq::parse(h.value);
        if (!c) return at(m, h, errc::bad_cseq);
        if (m.is_request() && c->method != m.method_text()) return at(m, h, errc::cseq_method_mismatch);
        break;
      }
      case header_id::contact:
        if (text::trim(h.value) != "*" && !valid_name_addr_list(h.value)) return at(m, h, errc::bad_name_addr);
        break;
      case header_id::route:
      case header_id::record_route:
        if (!valid_name_addr_list(h.value)) return at(m, h, errc::bad_name_addr);
        break;
      case header_id::max_forwards:
        if (max_forwards) return at(m, h, errc::duplicate_header);
        max_forwards = &h;
        if (!text::parse_uint(h.value, 255)) return at(m, h, errc::bad_max_forwards);
        break;
      default:
        break;
    }
  }
  constexpr header_id required[5] = {header_id::via, header_id::from, header_id::to, header_id::call_id,
                                     header_id::cseq};
  for (int i = 0; i < 5; ++i) {
    if (!first[i]) return parse_error{errc::missing_header, m.offset_of(m.body()), 0, required[i]};
  }
  if (m.is_request()) {
    const auto u = m.request_uri();
    // Headers are not allowed in a Request-URI (RFC 3261 §19.1.1 table; RFC 4475 escruri).
    if (!u || (u->is_sip() && !u->headers.empty())) {
      return parse_error{errc::bad_request_uri, m.offset_of(m.request_uri_text()), 1, header_id::other};
    }
  }
  return std::nullopt;
}

}  // namespace tollgate::sip
