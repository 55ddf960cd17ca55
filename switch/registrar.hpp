// The registrar (RFC 3261 §10.3) with digest authentication and suspend enforcement
// (product.md §3): REGISTER in, response and reports out, bindings changed.
#pragma once

#include <chrono>

#include "base/clock.hpp"
#include "sip/digest_server.hpp"
#include "sip/message.hpp"
#include "switch/bindings.hpp"
#include "switch/endpoint_directory.hpp"
#include "switch/peer.hpp"
#include "switch/replies.hpp"
#include "switch/suspensions.hpp"

namespace tollgate::switch_ {

struct registrar_settings {
  sip::challenge_mode mode = sip::challenge_mode::proxy_authenticate;  // SS_AUTHCHALLENGEMODE
  std::chrono::seconds min_expires{60};
  std::chrono::seconds default_expires{3600};
  std::chrono::seconds max_expires{7200};
};

/// Handles validated REGISTER requests. Does no I/O: the caller sends the response, hands
/// the reports to the agent link and writes the binding table's changes to switch.db.
///
/// Order of checks, each ending the request: a suspended endpoint gets 403 at once (no
/// digest work, reported as `suspended`); no usable credentials get a challenge; a wrong
/// answer to our nonce gets 403 and a verified failure report (known and unknown users
/// alike: same challenge, same 403); a disallowed source gets 403 (`not_allowed_from_address`);
/// then the bindings are changed as RFC 3261 §10.3 steps 6-8 say.
class registrar {
public:
  registrar(const endpoint_directory& directory, sip::digest_server& digest, const suspension_table& suspensions,
            binding_table& bindings, registrar_settings settings);

  sip_outcome on_register(const sip::message& request, const peer& from, base::timestamp now);

  const registrar_settings& settings() const { return settings_; }
  /// A reload's new settings, for the requests that follow.
  void set_settings(registrar_settings settings) { settings_ = settings; }

private:
  sip_outcome refuse(const sip::message& request, const peer& from, base::timestamp now, std::string endpoint,
                     policy::failure_reason reason, bool verified);
  sip_outcome bind(const sip::message& request, const peer& from, base::timestamp now, const config::endpoint& ep);

  const endpoint_directory& directory_;
  sip::digest_server& digest_;
  const suspension_table& suspensions_;
  binding_table& bindings_;
  registrar_settings settings_;
};

}  // namespace tollgate::switch_
