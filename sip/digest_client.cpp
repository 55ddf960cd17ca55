// The digest client: challenge choice, nc bookkeeping and the credentials value.
#include "sip/digest_client.hpp"

#include <optional>

#include "sip/digest_challenge.hpp"
#include "sip/digest_credentials.hpp"

namespace tollgate::sip {
namespace {

std::string hex(std::uint64_t value, std::size_t digits) {
  std::string out;
  for (std::size_t i = digits; i-- > 0;) out += "0123456789abcdef"[(value >> (4 * i)) & 0xf];
  return out;
}

}  // namespace

std::string_view credentials_header_for(int status) {
  return status == 401 ? "Authorization" : "Proxy-Authorization";
}

std::variant<digest_answer, digest_parse_error> digest_client::answer(
    int status, std::span<const std::string_view> challenges, std::string_view method, std::string_view uri,
    std::string_view username, std::string_view password) {
  std::optional<digest_parse_error> first_error;
  for (std::string_view value : challenges) {
    auto parsed = parse_digest_challenge(value);
    if (auto* error = std::get_if<digest_parse_error>(&parsed)) {
      if (!first_error) first_error = std::move(*error);
      continue;
    }
    const digest_challenge& ch = std::get<digest_challenge>(parsed);
    if (ch.qop_offered && !ch.qop_auth) {
      if (!first_error) first_error = digest_parse_error{make_error_code(digest_errc::unsupported_qop), 0, "qop"};
      continue;
    }

    if (ch.nonce != last_nonce_) {
      last_nonce_ = ch.nonce;
      nc_ = 0;
    }
    digest_credentials c;
    c.username = std::string(username);
    c.realm = ch.realm;
    c.nonce = ch.nonce;
    c.uri = std::string(uri);
    c.algorithm = ch.algorithm;
    c.algorithm_given = ch.algorithm_given;
    c.opaque = ch.opaque;
    c.opaque_given = ch.opaque_given;
    if (ch.qop_auth) {
      c.qop_auth = true;
      c.nc_value = ++nc_;
      c.nc = hex(c.nc_value, 8);
      c.cnonce = hex(random_(), 16);
    }
    const hex_digest ha1 = compute_ha1(c.algorithm, username, c.realm, password);
    c.response = std::string(
        compute_response(c.algorithm, ha1.view(), {method, c.uri, c.nonce, c.qop_auth, c.nc, c.cnonce}).view());
    return digest_answer{credentials_header_for(status), format_digest_credentials(c)};
  }
  if (first_error) return std::move(*first_error);
  return digest_parse_error{make_error_code(digest_errc::empty), 0, {}};
}

}  // namespace tollgate::sip
