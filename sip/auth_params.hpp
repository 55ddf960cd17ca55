// Generic parsing of Authorization / WWW-Authenticate style values: a scheme and auth-params.
//
// `Digest username="alice", realm="example.com", nc=00000001, qop=auth` parses into the
// scheme "Digest" and the pairs (username, alice, quoted), (realm, example.com, quoted),
// (nc, 00000001), (qop, auth). Names are tokens and compared case-insensitively by find();
// values are tokens or quoted-strings (quotes stripped, quoted-pairs kept: use unquote()).
// LWS around '=' and ',' is allowed, empty list elements are skipped (RFC 7235 #rule).
// What the parameters mean (digest, nonce, qop) is for the digest code to decide.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::sip {

struct auth_param {
  std::string_view name;
  std::string_view value;
  bool quoted = false;
};

struct auth_value {
  std::string_view scheme;
  std::vector<auth_param> params;

  /// The first parameter named `name` (case-insensitive).
  const auth_param* find(std::string_view name) const;
};

/// Maximum number of auth-params accepted in one value; more is treated as hostile.
inline constexpr std::size_t max_auth_params = 64;

/// Parses "scheme param=value, param="quoted", ..."; nullopt when malformed. The views point
/// into `value`.
std::optional<auth_value> parse_auth_value(std::string_view value);
/// Resolves quoted-pairs: `a\"b` becomes `a"b`.
std::string unquote(std::string_view quoted_content);

}  // namespace tollgate::sip
