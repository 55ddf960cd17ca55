// Response and report helpers for the request handlers.
#include "switch/replies.hpp"

#include <variant>

#include "sip/digest_credentials.hpp"
#include "sip/digest_reply.hpp"

namespace tollgate::switch_ {

sip::response_builder reply(const sip::message& request, const peer& from, int status, std::string_view reason) {
  sip::response_builder b(request, status, reason);
  b.source(from.ip, from.port);
  return b;
}

std::string challenge_response(const sip::message& request, const peer& from, const sip::digest_challenges& challenges) {
  return sip::challenge_reply(request, from.ip, from.port, challenges);
}

std::vector<std::string_view> credentials_of(const sip::message& request) { return sip::credential_values(request); }

std::string claimed_endpoint(const sip::message& request, const std::vector<std::string_view>& credentials) {
  for (const auto value : credentials) {
    auto parsed = sip::parse_digest_credentials(value);
    if (auto* c = std::get_if<sip::digest_credentials>(&parsed); c != nullptr && !c->username.empty()) {
      return std::move(c->username);
    }
  }
  if (const auto to = request.to()) return std::string(to->address.user);
  return {};
}

policy::report make_report(policy::report_type type, const sip::message& request, const peer& from,
                           base::timestamp now, std::string endpoint) {
  policy::report r;
  r.type = type;
  r.time = now;
  r.ip = from.ip.unmapped();
  r.port = from.port;
  r.transport = std::string(from.transport_name());
  r.endpoint = std::move(endpoint);
  r.user_agent = std::string(request.user_agent());
  r.call_id = std::string(request.call_id());
  return r;
}

}  // namespace tollgate::switch_
