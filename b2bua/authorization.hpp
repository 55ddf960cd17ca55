// Who may place a call: an INVITE is authorized by a mapping gateway's address, by digest as
// an endpoint or password gateway, or it is illegal (product.md sections 3 and 4).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "b2bua/effect.hpp"
#include "config/config.hpp"
#include "policy/parameters.hpp"
#include "policy/report.hpp"
#include "sip/digest_server.hpp"
#include "sip/message.hpp"
#include "store/cdr.hpp"

namespace tollgate::b2bua {

/// What the switch knows about one out-of-dialog request before deciding.
struct authorization_request {
  const sip::message& request;
  source_address source;
  /// digest_server::verify_all over every Authorization and Proxy-Authorization value
  /// (no_credentials when there were none).
  sip::digest_verification credentials;
  /// A live registration (endpoint or password gateway) exists from this source address:
  /// only such sources are challenged; any other unauthenticated INVITE is illegal.
  bool source_registered = false;
};

enum class authorization_outcome : std::uint8_t {
  exempt,      // ACK or CANCEL: never challenged; matched to their transaction instead
  authorized,  // place the call
  challenge,   // answer with `status` (401 or 407) and the digest server's challenges
  refused,     // wrong digest answer: `status` 403 and a call_auth_failed report
  illegal,     // `status` 403 or 0 (silence), maybe an illegal CDR, an illegal_call report
};
std::string_view to_string(authorization_outcome o);

struct authorization {
  authorization_outcome outcome = authorization_outcome::illegal;
  std::string account;  // endpoint or gateway name when authorized
  /// The mapping gateway when authorized as one (a view into the configuration).
  const config::mapping_gateway* gateway = nullptr;
  store::billing_mode mode = store::billing_mode::none;
  int status = 0;                                                // response to send; 0: none
  sip::challenge_mode challenge = sip::challenge_mode::proxy_authenticate;  // for `challenge`
  bool stale = false;                                            // challenge with stale=true
  std::optional<store::cdr_record> cdr;
  std::optional<policy::report> report;
};

/// The gateways and endpoints authorization looks at. Views into the configuration, which
/// must outlive every call of authorize().
struct authorization_accounts {
  std::span<const config::mapping_gateway> mapping_gateways;
  std::span<const config::endpoint> endpoints;
};

/// Decides for one out-of-dialog request. In order: ACK/CANCEL exempt; a mapping gateway
/// by IP, then by IP and port (a known IP from another port matches nothing); digest
/// credentials that verified (a password gateway's username, else an endpoint's name, from
/// an allowed address); a wrong answer -> refused; a registered source -> challenge
/// (SS_AUTHCHALLENGEMODE; stale=true for a stale nonce); anything else illegal (403 unless
/// SS_REPLY_UNAUTHORIZED = 0; a CDR when SERVER_BILLING_RECORD_ILLEGAL_CALL = 1).
authorization authorize(const authorization_request& request, const authorization_accounts& accounts,
                        const policy::parameter_set& parameters, base::timestamp now);

/// The mapping gateway `source` matches by address (IP, then IP and port), or nullptr.
const config::mapping_gateway* mapping_gateway_of(const authorization_accounts& accounts, const source_address& source);

/// Every Authorization and Proxy-Authorization value of `request`, in order: credentials
/// are accepted in either header whatever the challenge was (digest_server::verify_all).
std::vector<std::string_view> credential_values(const sip::message& request);

/// The 401/407 response carrying `challenges` (from digest_server::challenge).
std::string challenge_response(const sip::message& request, const source_address& source,
                               const sip::digest_challenges& challenges);
/// A response without body (403, 404...) to `request`.
std::string plain_response(const sip::message& request, const source_address& source, int status);

}  // namespace tollgate::b2bua
