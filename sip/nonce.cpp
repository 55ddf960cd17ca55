// Stateless nonces: minting and checking with OpenSSL's one-shot HMAC.
#include "sip/nonce.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

namespace tollgate::sip {
namespace {

constexpr std::size_t time_digits = 16;
constexpr std::size_t salt_digits = 8;
constexpr std::size_t mac_bytes = 16;

void put_hex(std::string& out, std::uint64_t value, std::size_t digits) {
  for (std::size_t i = digits; i-- > 0;) out += "0123456789abcdef"[(value >> (4 * i)) & 0xf];
}

bool read_hex(std::string_view text, std::uint64_t& value) {
  value = 0;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else return false;
    value = (value << 4) | static_cast<std::uint64_t>(v);
  }
  return true;
}

}  // namespace

nonce_authority::nonce_authority(const nonce_secret& secret, std::chrono::seconds lifetime, std::uint32_t first_salt)
    : secret_(secret), lifetime_(lifetime), salt_(first_salt) {}

void nonce_authority::mac(std::int64_t issued_ms, std::uint32_t salt, const base::ip_address& source,
                          std::string_view realm, unsigned char out[32]) const {
  // Fixed-size prefix, then the realm: the layout cannot be ambiguous.
  std::array<unsigned char, 8 + 4 + 1 + 16> fixed{};
  const auto ms = static_cast<std::uint64_t>(issued_ms);
  for (int i = 0; i < 8; ++i) fixed[static_cast<std::size_t>(i)] = static_cast<unsigned char>(ms >> (56 - 8 * i));
  for (int i = 0; i < 4; ++i) fixed[static_cast<std::size_t>(8 + i)] = static_cast<unsigned char>(salt >> (24 - 8 * i));
  const base::ip_address address = source.unmapped();
  fixed[12] = static_cast<unsigned char>(address.family());
  for (std::size_t i = 0; i < 16; ++i) fixed[13 + i] = address.bytes()[i];

  std::string data(reinterpret_cast<const char*>(fixed.data()), fixed.size());
  data.append(realm);
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret_.bytes.data(), static_cast<int>(secret_.bytes.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length) == nullptr ||
      length != 32) {
    std::abort();  // HMAC-SHA256 over memory cannot fail unless OpenSSL is broken
  }
}

std::string nonce_authority::issue(base::timestamp now, const base::ip_address& source, std::string_view realm) {
  const std::int64_t ms = now.time_since_epoch().count();
  const std::uint32_t salt = salt_++;
  unsigned char digest[32];
  mac(ms, salt, source, realm, digest);
  std::string out;
  out.reserve(text_length);
  put_hex(out, static_cast<std::uint64_t>(ms), time_digits);
  put_hex(out, salt, salt_digits);
  for (std::size_t i = 0; i < mac_bytes; ++i) put_hex(out, digest[i], 2);
  return out;
}

nonce_check nonce_authority::check(std::string_view nonce, base::timestamp now, const base::ip_address& source,
                                   std::string_view realm) const {
  nonce_check result;
  if (nonce.size() != text_length) return result;
  std::uint64_t ms = 0;
  std::uint64_t salt = 0;
  if (!read_hex(nonce.substr(0, time_digits), ms) || !read_hex(nonce.substr(time_digits, salt_digits), salt)) {
    return result;
  }
  std::array<unsigned char, mac_bytes> sent{};
  for (std::size_t i = 0; i < mac_bytes; ++i) {
    std::uint64_t byte = 0;
    if (!read_hex(nonce.substr(time_digits + salt_digits + 2 * i, 2), byte)) return result;
    sent[i] = static_cast<unsigned char>(byte);
  }
  unsigned char expected[32];
  mac(static_cast<std::int64_t>(ms), static_cast<std::uint32_t>(salt), source, realm, expected);
  if (CRYPTO_memcmp(sent.data(), expected, mac_bytes) != 0) return result;

  result.issued = base::timestamp{base::millis{static_cast<std::int64_t>(ms)}};
  result.status = now - result.issued > lifetime_ ? nonce_status::expired : nonce_status::valid;
  return result;
}

}  // namespace tollgate::sip
