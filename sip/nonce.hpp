// Stateless nonces: HMAC-SHA256 over issue time, source address (without port) and realm, so
// that a server restart or a second worker can check a nonce without shared state.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "base/ip_address.hpp"

namespace tollgate::sip {

inline constexpr std::size_t nonce_secret_size = 32;
struct nonce_secret {
  std::array<std::uint8_t, nonce_secret_size> bytes{};
};

enum class nonce_status : std::uint8_t {
  valid,     // issued by us to this address for this realm, within its lifetime
  expired,   // issued by us, lifetime over
  not_ours,  // malformed, forged, for another address or realm, or from another secret
};

struct nonce_check {
  nonce_status status = nonce_status::not_ours;
  base::timestamp issued{};
};

/// Text form: 16 hex digits of the issue time (Unix ms), 8 hex digits of salt, 32 hex digits
/// of HMAC-SHA256(secret, time | salt | address family and bytes | realm) truncated to 128
/// bits. The salt (a counter) makes two nonces issued in the same millisecond differ, so nc
/// tracking per nonce never mixes two clients behind one address.
class nonce_authority {
public:
  static constexpr std::size_t text_length = 56;

  nonce_authority(const nonce_secret& secret, std::chrono::seconds lifetime, std::uint32_t first_salt = 0);

  std::string issue(base::timestamp now, const base::ip_address& source, std::string_view realm);
  /// Constant-time MAC comparison. A nonce whose MAC checks is ours even if its time lies
  /// in the future (the clock was stepped back); it expires `lifetime` after its time.
  nonce_check check(std::string_view nonce, base::timestamp now, const base::ip_address& source,
                    std::string_view realm) const;

  std::chrono::seconds lifetime() const { return lifetime_; }

private:
  void mac(std::int64_t issued_ms, std::uint32_t salt, const base::ip_address& source, std::string_view realm,
           unsigned char out[32]) const;

  nonce_secret secret_;
  std::chrono::seconds lifetime_;
  std::uint32_t salt_;
};

}  // namespace tollgate::sip
