// IPv4 and IPv6 addresses and prefixes (CIDRs): parsing, masking, containment, text.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::base {

enum class ip_family : std::uint8_t { v4 = 4, v6 = 6 };

/// An IPv4 or IPv6 address as a value. IPv4 occupies the first four bytes; the rest are zero.
class ip_address {
public:
  ip_address() = default;
  /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text ("[::1]" brackets accepted).
  static std::optional<ip_address> parse(std::string_view text);
  static ip_address v4(std::array<std::uint8_t, 4> bytes);
  static ip_address v6(std::array<std::uint8_t, 16> bytes);

  ip_family family() const { return family_; }
  bool is_v4() const { return family_ == ip_family::v4; }
  /// 32 or 128.
  unsigned bit_length() const { return is_v4() ? 32 : 128; }
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  /// An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as dual-stack sockets report v4 peers)
  /// becomes the plain IPv4 address; any other address is returned unchanged.
  ip_address unmapped() const;
  /// This address with every bit past `length` cleared.
  ip_address masked(unsigned length) const;
  std::string to_string() const;

  friend auto operator<=>(const ip_address&, const ip_address&) = default;

private:
  ip_family family_ = ip_family::v4;
  std::array<std::uint8_t, 16> bytes_{};
};

/// A network: an address with its host bits cleared and a prefix length.
class ip_prefix {
public:
  ip_prefix() = default;
  /// "a.b.c.d/len", "x::/len", or a bare address (a host prefix). Host bits set in the
  /// text are rejected: "10.0.0.1/8" is almost always a typo for a host or a network.
  static std::optional<ip_prefix> parse(std::string_view text);
  /// The prefix of `length` bits that contains `address` (host bits cleared).
  static ip_prefix of(const ip_address& address, unsigned length);
  static ip_prefix host(const ip_address& address) { return of(address, address.bit_length()); }

  const ip_address& address() const { return address_; }
  unsigned length() const { return length_; }
  ip_family family() const { return address_.family(); }
  bool contains(const ip_address& address) const;
  bool contains(const ip_prefix& other) const;
  /// The last address of the network (all host bits set), for interval sets.
  ip_address last() const;
  /// "203.0.113.9/32", "2001:db8::/64".
  std::string to_string() const;

  friend auto operator<=>(const ip_prefix&, const ip_prefix&) = default;

private:
  ip_address address_;
  std::uint8_t length_ = 0;
};

}  // namespace tollgate::base

template <>
struct std::hash<tollgate::base::ip_address> {
  std::size_t operator()(const tollgate::base::ip_address& a) const noexcept;
};
template <>
struct std::hash<tollgate::base::ip_prefix> {
  std::size_t operator()(const tollgate::base::ip_prefix& p) const noexcept;
};
