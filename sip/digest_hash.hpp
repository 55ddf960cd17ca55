// Digest hashes: HA1, HA2 and the response of RFC 2617 §3.2.2 / RFC 7616 §3.4.1, MD5 and SHA-256.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::sip {

enum class digest_algorithm : std::uint8_t { md5, sha256 };

/// "MD5" / "SHA-256", as written in the algorithm param.
std::string_view to_string(digest_algorithm a);
/// Case-insensitive; nullopt for anything else (MD5-sess, SHA-512-256, ...).
std::optional<digest_algorithm> parse_digest_algorithm(std::string_view text);
/// Each name parse_digest_algorithm knows, in order; the others are left out.
std::vector<digest_algorithm> parse_digest_algorithms(std::span<const std::string> names);
/// Hex characters of the algorithm's digest: 32 or 64.
std::size_t hex_length(digest_algorithm a);

/// A lowercase hex digest held by value (no allocation).
class hex_digest {
public:
  hex_digest() = default;
  /// Takes hex text of 32 or 64 characters (either case, stored lowercase); nullopt otherwise.
  static std::optional<hex_digest> from_hex(std::string_view text);
  static hex_digest of_bytes(const unsigned char* bytes, std::size_t count);

  std::string_view view() const { return {chars_.data(), size_}; }
  bool empty() const { return size_ == 0; }
  /// Constant-time for equal lengths (CRYPTO_memcmp); a length mismatch is not secret.
  bool equals(std::string_view hex) const;
  friend bool operator==(const hex_digest& a, const hex_digest& b) { return a.equals(b.view()); }

private:
  std::array<char, 64> chars_{};
  std::uint8_t size_ = 0;
};

/// HA1 = H(username ":" realm ":" password).
hex_digest compute_ha1(digest_algorithm a, std::string_view username, std::string_view realm,
                       std::string_view password);

/// What the response covers besides HA1. With qop, nc (8 hex digits as sent) and cnonce
/// take part (RFC 2617 §3.2.2.1); without qop, the RFC 2069 form H(HA1:nonce:HA2).
struct digest_response_input {
  std::string_view method;
  std::string_view uri;
  std::string_view nonce;
  bool qop_auth = false;
  std::string_view nc;
  std::string_view cnonce;
};

/// response = H(HA1 ":" nonce [":" nc ":" cnonce ":" "auth"] ":" H(method ":" uri)).
hex_digest compute_response(digest_algorithm a, std::string_view ha1, const digest_response_input& in);

}  // namespace tollgate::sip
