// Answers to retransmitted requests: the final response of each recent server transaction,
// resent as is (RFC 3261 §17.2.2), so a retransmitted REGISTER is neither counted nor
// verified twice.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/clock.hpp"
#include "sip/message.hpp"

namespace tollgate::switch_ {

/// The server transaction key of a request (sip::server_transaction_key), or nullopt when
/// the request lacks what the key needs.
std::optional<std::string> transaction_key_of(const sip::message& request);

/// Invariant: `order_` lists every key of `entries_` once, oldest first, so expiry and the
/// size bound drop the oldest transactions first.
class response_cache {
public:
  explicit response_cache(std::size_t capacity = 65536, base::millis lifetime = base::millis{32000})
      : capacity_(capacity), lifetime_(lifetime) {}

  /// The response kept for `key`, if the transaction is still remembered at `now`.
  const std::string* find(const std::string& key, base::timestamp now) const;
  void put(std::string key, std::string response, base::timestamp now);
  void prune(base::timestamp now);
  std::size_t size() const { return entries_.size(); }

private:
  struct entry {
    std::string response;
    base::timestamp expires;
  };
  std::size_t capacity_;
  base::millis lifetime_;
  std::unordered_map<std::string, entry> entries_;
  std::deque<std::string> order_;
};

}  // namespace tollgate::switch_
