// The registrations table: the switch's bindings, persisted so a restart keeps them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "store/database.hpp"

namespace tollgate::store {

/// One binding of an endpoint to a contact (RFC 3261 section 10), keyed by both.
struct binding_row {
  std::string endpoint;
  std::string contact;  // the Contact URI
  base::ip_address source_ip;
  std::uint16_t source_port = 0;
  std::string transport;  // "udp", "tcp"
  base::timestamp expires_at;
  std::string user_agent;
  std::string call_id;
  std::uint32_t cseq = 0;

  friend bool operator==(const binding_row&, const binding_row&) = default;
};

class binding_store {
public:
  explicit binding_store(database& db) : db_(db) {}
  /// Adds or refreshes the binding of (endpoint, contact).
  result<void> upsert(const binding_row& row);
  result<bool> erase(const std::string& endpoint, const std::string& contact);
  /// Removes every binding of `endpoint` (`Contact: *`); returns how many.
  result<std::int64_t> erase_endpoint(const std::string& endpoint);
  /// Every binding, by endpoint then contact.
  result<std::vector<binding_row>> load_all();
  /// Removes bindings whose expiry is at or before `now`; returns how many.
  result<std::int64_t> erase_expired(base::timestamp now);

private:
  database& db_;
};

}  // namespace tollgate::store
