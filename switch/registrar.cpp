// The registrar: authentication, suspend enforcement and RFC 3261 §10.3 binding updates.
#include "switch/registrar.hpp"

#include <algorithm>

namespace tollgate::switch_ {
namespace {

std::int64_t seconds_between(base::timestamp from, base::timestamp to) {
  return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

}  // namespace

registrar::registrar(const endpoint_directory& directory, sip::digest_server& digest,
                     const suspension_table& suspensions, binding_table& bindings, registrar_settings settings)
    : directory_(directory), digest_(digest), suspensions_(suspensions), bindings_(bindings), settings_(settings) {}

sip_outcome registrar::refuse(const sip::message& request, const peer& from, base::timestamp now,
                              std::string endpoint, policy::failure_reason reason, bool verified) {
  sip_outcome out;
  out.response = reply(request, from, 403).build();
  auto r = make_report(policy::report_type::register_failed, request, from, now, std::move(endpoint));
  r.reason = reason;
  r.verified = verified;
  out.reports.push_back(std::move(r));
  return out;
}

sip_outcome registrar::on_register(const sip::message& request, const peer& from, base::timestamp now) {
  const auto credentials = credentials_of(request);
  std::string endpoint = claimed_endpoint(request, credentials);
  if (suspensions_.is_suspended(endpoint, now)) {
    return refuse(request, from, now, std::move(endpoint), policy::failure_reason::suspended, false);
  }
  const auto challenge = [&](bool stale) {
    sip_outcome out;
    out.response = challenge_response(request, from, digest_.challenge(settings_.mode, "REGISTER", from.ip, now, stale, endpoint));
    return out;
  };
  if (credentials.empty()) return challenge(false);

  const auto v = digest_.verify_all(credentials, request.method_text(), from.ip, now);
  switch (v.verdict) {
    case sip::digest_verdict::ok:
      break;
    case sip::digest_verdict::wrong_password:
      return refuse(request, from, now, v.username, policy::failure_reason::wrong_password, true);
    case sip::digest_verdict::unknown_user:
      return refuse(request, from, now, v.username, policy::failure_reason::unknown_user, true);
    case sip::digest_verdict::stale_nonce:
      return challenge(true);
    default:  // not our nonce, a replayed nc, malformed or foreign-realm credentials
      return challenge(false);
  }
  // A digest username may be suspended while the To user was not (both are names of it).
  if (v.username != endpoint && suspensions_.is_suspended(v.username, now)) {
    return refuse(request, from, now, v.username, policy::failure_reason::suspended, false);
  }
  const config::endpoint* ep = directory_.find(v.username);
  if (ep == nullptr) return refuse(request, from, now, v.username, policy::failure_reason::unknown_user, true);
  if (!endpoint_directory::allowed_from(*ep, from.ip)) {
    return refuse(request, from, now, v.username, policy::failure_reason::not_allowed_from_address, true);
  }
  // RFC 3261 §10.3 step 4: the authenticated user may change only its own bindings.
  const auto to = request.to();
  if (!to || to->address.user != v.username) {
    sip_outcome out;
    out.response = reply(request, from, 403, "Not Your Address-of-Record").build();
    return out;
  }
  return bind(request, from, now, *ep);
}

sip_outcome registrar::bind(const sip::message& request, const peer& from, base::timestamp now,
                            const config::endpoint& ep) {
  sip_outcome out;
  const auto contacts = request.contacts();
  const auto header_expires = request.expires();
  const std::string call_id(request.call_id());
  const std::uint32_t cseq = request.cseq() ? request.cseq()->number : 0;

  if (contacts && contacts->star) {
    // RFC 3261 §10.3 step 6: "*" only alone and only with Expires: 0.
    if (!contacts->contacts.empty() || header_expires != std::optional<std::uint32_t>(0)) {
      out.response = reply(request, from, 400, "Invalid Contact *").build();
      return out;
    }
    bindings_.erase_endpoint(ep.name);
  } else if (contacts) {
    struct wanted {
      std::string contact;
      std::int64_t seconds;
    };
    std::vector<wanted> changes;
    std::size_t added = 0;
    for (const auto& c : contacts->contacts) {
      std::int64_t seconds = c.expires().value_or(header_expires.value_or(
          static_cast<std::uint32_t>(settings_.default_expires.count())));
      if (seconds > 0 && seconds < settings_.min_expires.count()) {
        out.response = reply(request, from, 423)
                           .header("Min-Expires", std::to_string(settings_.min_expires.count()))
                           .build();
        return out;
      }
      seconds = std::min<std::int64_t>(seconds, settings_.max_expires.count());
      std::string contact(c.address.text);
      const auto* existing = bindings_.find(ep.name, contact);
      // Step 7: a request older than the binding it would change is out of order.
      if (existing != nullptr && existing->call_id == call_id && cseq <= existing->cseq) {
        out.response = reply(request, from, 500, "Out Of Order Request").header("Retry-After", "1").build();
        return out;
      }
      if (existing == nullptr && seconds > 0) ++added;
      changes.push_back({std::move(contact), seconds});
    }
    if (bindings_.find(ep.name).size() + added > ep.max_bindings) {
      out.response = reply(request, from, 403, "Too Many Bindings").build();
      return out;
    }
    for (auto& change : changes) {
      if (change.seconds == 0) {
        bindings_.erase(ep.name, change.contact);
        continue;
      }
      store::binding_row row;
      row.endpoint = ep.name;
      row.contact = std::move(change.contact);
      row.source_ip = from.ip.unmapped();
      row.source_port = from.port;
      row.transport = std::string(from.transport_name());
      row.expires_at = now + std::chrono::seconds(change.seconds);
      row.user_agent = std::string(request.user_agent());
      row.call_id = call_id;
      row.cseq = cseq;
      bindings_.put(std::move(row));
    }
  }

  // Step 8: 200 with every current binding and its remaining time.
  auto ok = reply(request, from, 200);
  std::int64_t longest = 0;
  for (const auto& row : bindings_.find(ep.name)) {
    const auto remaining = std::max<std::int64_t>(seconds_between(now, row.expires_at), 0);
    longest = std::max(longest, remaining);
    ok.header("Contact", "<" + row.contact + ">;expires=" + std::to_string(remaining));
  }
  out.response = ok.build();
  auto r = make_report(policy::report_type::register_ok, request, from, now, ep.name);
  r.expires = longest;
  out.reports.push_back(std::move(r));
  return out;
}

}  // namespace tollgate::switch_
