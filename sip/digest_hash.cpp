// Digest hashes over OpenSSL's EVP interface, with the message digests fetched once.
#include "sip/digest_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cassert>
#include <memory>

#include "sip/digest_params.hpp"

namespace tollgate::sip {
namespace {

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct md_deleter {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;
using md_ptr = std::unique_ptr<EVP_MD, md_deleter>;

// Explicit fetches avoid OpenSSL 3's per-call implicit lookup, which dominates short hashes.
const EVP_MD* message_digest(digest_algorithm a) {
  static const md_ptr md5{EVP_MD_fetch(nullptr, "MD5", nullptr)};
  static const md_ptr sha256{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  const EVP_MD* md = a == digest_algorithm::md5 ? md5.get() : sha256.get();
  assert(md != nullptr && "OpenSSL lacks MD5 or SHA-256");
  return md;
}

// One hash over parts joined by ':'; a thread-local context keeps it allocation-free.
template <std::size_t N>
hex_digest hash_joined(digest_algorithm a, const std::array<std::string_view, N>& parts) {
  thread_local md_ctx_ptr ctx{EVP_MD_CTX_new()};
  if (!ctx || EVP_DigestInit_ex(ctx.get(), message_digest(a), nullptr) != 1) std::abort();
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) EVP_DigestUpdate(ctx.get(), ":", 1);
    EVP_DigestUpdate(ctx.get(), parts[i].data(), parts[i].size());
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out, &length) != 1) std::abort();
  return hex_digest::of_bytes(out, length);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view to_string(digest_algorithm a) { return a == digest_algorithm::md5 ? "MD5" : "SHA-256"; }

std::optional<digest_algorithm> parse_digest_algorithm(std::string_view text) {
  if (iequals(text, "MD5")) return digest_algorithm::md5;
  if (iequals(text, "SHA-256")) return digest_algorithm::sha256;
  return std::nullopt;
}

std::vector<digest_algorithm> parse_digest_algorithms(std::span<const std::string> names) {
  std::vector<digest_algorithm> out;
  for (const auto& name : names) {
    if (const auto a = parse_digest_algorithm(name)) out.push_back(*a);
  }
  return out;
}

std::size_t hex_length(digest_algorithm a) { return a == digest_algorithm::md5 ? 32 : 64; }

std::optional<hex_digest> hex_digest::from_hex(std::string_view text) {
  if (text.size() != 32 && text.size() != 64) return std::nullopt;
  hex_digest d;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int v = hex_value(text[i]);
    if (v < 0) return std::nullopt;
    d.chars_[i] = "0123456789abcdef"[v];
  }
  d.size_ = static_cast<std::uint8_t>(text.size());
  return d;
}

hex_digest hex_digest::of_bytes(const unsigned char* bytes, std::size_t count) {
  assert(count <= 32);
  hex_digest d;
  for (std::size_t i = 0; i < count; ++i) {
    d.chars_[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
    d.chars_[2 * i + 1] = "0123456789abcdef"[bytes[i] & 0x0f];
  }
  d.size_ = static_cast<std::uint8_t>(2 * count);
  return d;
}

bool hex_digest::equals(std::string_view hex) const {
  if (hex.size() != size_) return false;
  // Clients may send uppercase hex: compare a lowercased copy, still in constant time.
  std::array<char, 64> lowered{};
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const char c = hex[i];
    lowered[i] = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return CRYPTO_memcmp(lowered.data(), chars_.data(), size_) == 0;
}

hex_digest compute_ha1(digest_algorithm a, std::string_view username, std::string_view realm,
                       std::string_view password) {
  return hash_joined<3>(a, {username, realm, password});
}

hex_digest compute_response(digest_algorithm a, std::string_view ha1, const digest_response_input& in) {
  const hex_digest ha2 = hash_joined<2>(a, {in.method, in.uri});
  if (in.qop_auth) return hash_joined<6>(a, {ha1, in.nonce, in.nc, in.cnonce, "auth", ha2.view()});
  return hash_joined<3>(a, {ha1, in.nonce, ha2.view()});
}

}  // namespace tollgate::sip
