// IPv4 and IPv6 addresses and prefixes: inet_pton/inet_ntop do the text, we do the bits.
#include "base/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace tollgate::base {

std::optional<ip_address> ip_address::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN + 1];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  std::array<std::uint8_t, 16> bytes{};
  if (::inet_pton(AF_INET, buffer, bytes.data()) == 1) {
    return v4({bytes[0], bytes[1], bytes[2], bytes[3]});
  }
  if (::inet_pton(AF_INET6, buffer, bytes.data()) == 1) return v6(bytes);
  return std::nullopt;
}

ip_address ip_address::v4(std::array<std::uint8_t, 4> bytes) {
  ip_address a;
  a.family_ = ip_family::v4;
  std::copy(bytes.begin(), bytes.end(), a.bytes_.begin());
  return a;
}

ip_address ip_address::v6(std::array<std::uint8_t, 16> bytes) {
  ip_address a;
  a.family_ = ip_family::v6;
  a.bytes_ = bytes;
  return a;
}

ip_address ip_address::unmapped() const {
  static constexpr std::array<std::uint8_t, 12> mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (is_v4() || !std::equal(mapped_prefix.begin(), mapped_prefix.end(), bytes_.begin())) return *this;
  return v4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

ip_address ip_address::masked(unsigned length) const {
  ip_address out = *this;
  const unsigned bits = std::min(length, bit_length());
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned first_bit = i * 8;
    if (first_bit >= bits) {
      out.bytes_[i] = 0;
    } else if (bits - first_bit < 8) {
      out.bytes_[i] &= static_cast<std::uint8_t>(0xff << (8 - (bits - first_bit)));
    }
  }
  return out;
}

std::string ip_address::to_string() const {
  char buffer[INET6_ADDRSTRLEN];
  ::inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buffer, sizeof buffer);
  return buffer;
}

std::optional<ip_prefix> ip_prefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = ip_address::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  if (slash == std::string_view::npos) return host(*address);
  const std::string_view length_text = text.substr(slash + 1);
  unsigned length = 0;
  const auto [end, ec] = std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (ec != std::errc{} || end != length_text.data() + length_text.size() || length_text.empty()) return std::nullopt;
  if (length > address->bit_length()) return std::nullopt;
  if (address->masked(length) != *address) return std::nullopt;
  return of(*address, length);
}

ip_prefix ip_prefix::of(const ip_address& address, unsigned length) {
  ip_prefix p;
  p.length_ = static_cast<std::uint8_t>(std::min(length, address.bit_length()));
  p.address_ = address.masked(p.length_);
  return p;
}

bool ip_prefix::contains(const ip_address& address) const {
  const ip_address a = address.unmapped();
  return a.family() == family() && a.masked(length_) == address_;
}

bool ip_prefix::contains(const ip_prefix& other) const {
  return other.family() == family() && other.length_ >= length_ && contains(other.address_);
}

ip_address ip_prefix::last() const {
  std::array<std::uint8_t, 16> bytes = address_.bytes();
  const unsigned total = address_.bit_length();
  for (unsigned bit = length_; bit < total; ++bit) bytes[bit / 8] |= static_cast<std::uint8_t>(0x80 >> (bit % 8));
  if (address_.is_v4()) return ip_address::v4({bytes[0], bytes[1], bytes[2], bytes[3]});
  return ip_address::v6(bytes);
}

std::string ip_prefix::to_string() const {
  return address_.to_string() + "/" + std::to_string(length_);
}

}  // namespace tollgate::base

namespace {
std::size_t hash_bytes(const std::array<std::uint8_t, 16>& bytes, std::size_t seed) noexcept {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  std::memcpy(&hi, bytes.data(), 8);
  std::memcpy(&lo, bytes.data() + 8, 8);
  std::uint64_t h = seed ^ (hi * 0x9e3779b97f4a7c15ULL);
  h ^= (lo + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2));
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 29;
  return static_cast<std::size_t>(h);
}
}  // namespace

std::size_t std::hash<tollgate::base::ip_address>::operator()(const tollgate::base::ip_address& a) const noexcept {
  return hash_bytes(a.bytes(), static_cast<std::size_t>(a.family()));
}

std::size_t std::hash<tollgate::base::ip_prefix>::operator()(const tollgate::base::ip_prefix& p) const noexcept {
  return hash_bytes(p.address().bytes(), static_cast<std::size_t>(p.family()) * 256 + p.length());
}
