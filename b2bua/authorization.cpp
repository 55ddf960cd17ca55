// INVITE authorization: address first, then digest, else illegal.
#include "b2bua/authorization.hpp"

#include "b2bua/cdr_builder.hpp"
#include "sip/builder.hpp"
#include "sip/digest_reply.hpp"

namespace tollgate::b2bua {

std::string_view to_string(authorization_outcome o) {
  switch (o) {
    case authorization_outcome::exempt: return "exempt";
    case authorization_outcome::authorized: return "authorized";
    case authorization_outcome::challenge: return "challenge";
    case authorization_outcome::refused: return "refused";
    case authorization_outcome::illegal: return "illegal";
  }
  return "unknown";
}

namespace {

}  // namespace

const config::mapping_gateway* mapping_gateway_of(const authorization_accounts& accounts, const source_address& s) {
  const base::ip_address ip = s.ip.unmapped();
  for (const auto& g : accounts.mapping_gateways) {
    if (g.auth != config::gateway_auth::ip) continue;
    for (const auto& net : g.networks) {
      if (net.contains(ip)) return &g;
    }
  }
  for (const auto& g : accounts.mapping_gateways) {
    if (g.auth != config::gateway_auth::ip_port) continue;
    for (const auto& a : g.addresses) {
      if (a.address == ip && a.port == s.port) return &g;
    }
  }
  return nullptr;
}

namespace {

store::billing_mode gateway_mode(int configured) {
  switch (configured) {
    case -1: return store::billing_mode::none;
    case 0: return store::billing_mode::endpoint;
    default: return store::billing_mode::gateway;
  }
}

bool allowed_from(const config::endpoint& e, const base::ip_address& ip) {
  if (e.allow.empty()) return true;
  for (const auto& net : e.allow) {
    if (net.contains(ip)) return true;
  }
  return false;
}

policy::report call_report(policy::report_type type, const authorization_request& r, base::timestamp now) {
  policy::report rep;
  rep.type = type;
  rep.time = now;
  rep.ip = r.source.ip.unmapped();
  rep.port = r.source.port;
  rep.transport = std::string(config::to_string(r.source.transport));
  rep.user_agent = std::string(r.request.user_agent());
  rep.call_id = std::string(r.request.call_id());
  rep.caller = caller_of(r.request);
  rep.callee = callee_of(r.request);
  rep.endpoint = r.credentials.username.empty() ? rep.callee : r.credentials.username;
  rep.verified = r.credentials.answered_our_nonce();
  return rep;
}

authorization illegal(const authorization_request& r, const policy::parameter_set& p, base::timestamp now) {
  authorization a;
  a.outcome = authorization_outcome::illegal;
  a.mode = store::billing_mode::illegal;
  a.status = p.enabled(policy::parameter::SS_REPLY_UNAUTHORIZED) ? 403 : 0;
  if (p.enabled(policy::parameter::SERVER_BILLING_RECORD_ILLEGAL_CALL)) {
    a.cdr = illegal_call_cdr(r.request, r.source, now);
  }
  a.report = call_report(policy::report_type::illegal_call, r, now);
  return a;
}

}  // namespace

authorization authorize(const authorization_request& r, const authorization_accounts& accounts,
                        const policy::parameter_set& p, base::timestamp now) {
  authorization a;
  const sip::method m = r.request.method();
  if (m == sip::method::ack || m == sip::method::cancel) {
    a.outcome = authorization_outcome::exempt;
    return a;
  }
  if (const auto* g = mapping_gateway_of(accounts, r.source)) {
    a.outcome = authorization_outcome::authorized;
    a.account = g->name;
    a.gateway = g;
    a.mode = gateway_mode(g->billing_mode);
    return a;
  }
  const auto& c = r.credentials;
  if (c.verdict == sip::digest_verdict::ok) {
    for (const auto& g : accounts.mapping_gateways) {
      if (g.auth == config::gateway_auth::password && g.username == c.username) {
        a.outcome = authorization_outcome::authorized;
        a.account = g.name;
        a.gateway = &g;
        a.mode = gateway_mode(g.billing_mode);
        return a;
      }
    }
    for (const auto& e : accounts.endpoints) {
      if (e.name != c.username) continue;
      if (!allowed_from(e, r.source.ip.unmapped())) break;  // treated as a failed authentication
      a.outcome = authorization_outcome::authorized;
      a.account = e.name;
      a.mode = store::billing_mode::endpoint;
      return a;
    }
    a.outcome = authorization_outcome::refused;
    a.status = 403;
    a.report = call_report(policy::report_type::call_auth_failed, r, now);
    a.report->reason = policy::failure_reason::not_allowed_from_address;
    return a;
  }
  if (c.counts_as_failure()) {
    a.outcome = authorization_outcome::refused;
    a.status = 403;
    a.report = call_report(policy::report_type::call_auth_failed, r, now);
    a.report->reason = c.verdict == sip::digest_verdict::unknown_user ? policy::failure_reason::unknown_user
                                                                        : policy::failure_reason::wrong_password;
    return a;
  }
  if (r.source_registered) {
    a.outcome = authorization_outcome::challenge;
    a.challenge = static_cast<sip::challenge_mode>(p.get(policy::parameter::SS_AUTHCHALLENGEMODE));
    a.status = a.challenge == sip::challenge_mode::www_authenticate ? 401 : 407;  // never REGISTER here
    a.stale = c.verdict == sip::digest_verdict::stale_nonce;
    return a;
  }
  return illegal(r, p, now);
}

std::vector<std::string_view> credential_values(const sip::message& request) { return sip::credential_values(request); }

std::string challenge_response(const sip::message& request, const source_address& source,
                               const sip::digest_challenges& challenges) {
  return sip::challenge_reply(request, source.ip, source.port, challenges);
}

std::string plain_response(const sip::message& request, const source_address& source, int status) {
  return sip::response_builder(request, status).source(source.ip, source.port).build();
}

}  // namespace tollgate::b2bua
