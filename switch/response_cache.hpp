// Answers to retransmitted requests: the final response of each recent server transaction,
// resent as is (RFC 3261 §17.2.2), so a retransmitted REGISTER is neither counted nor
// verified twice.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "base/clock.hpp"
#include "base/expiring_cache.hpp"
#include "sip/message.hpp"

namespace tollgate::switch_ {

/// The server transaction key of a request (sip::server_transaction_key), or nullopt when
/// the request lacks what the key needs.
std::optional<std::string> transaction_key_of(const sip::message& request);

/// The final response of each recent server transaction, by transaction key; 32 s (64*T1),
/// as long as the client may retransmit.
class response_cache : public base::expiring_cache<std::string> {
public:
  explicit response_cache(std::size_t capacity = 65536, base::millis lifetime = base::millis{32000})
      : expiring_cache(capacity, lifetime) {}
};

}  // namespace tollgate::switch_
