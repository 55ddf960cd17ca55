// Auth-params: the "scheme name=value, name="quoted value"" syntax of SIP authentication
// headers (RFC 3261 §25.1 challenge / credentials, RFC 7235 §2.1).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "sip/digest_error.hpp"

namespace tollgate::sip {

/// Limits on what the parser accepts from the wire; anything larger is an error, never
/// a silent truncation.
inline constexpr std::size_t max_auth_header_length = 4096;
inline constexpr std::size_t max_auth_params = 24;

struct auth_param {
  std::string_view name;    // as on the wire (compare case-insensitively)
  std::string_view raw;     // token, or quoted-string content between the quotes, escapes kept
  bool quoted = false;
  std::size_t offset = 0;   // of the name, in the header value

  /// The value with quoted-pairs resolved ("a\"b" -> a"b).
  std::string value() const;
};

/// One parsed header value. Invariant: names are pairwise distinct (case-insensitively)
/// and every view points into the string given to parse_auth_params.
struct auth_params {
  std::string_view scheme;
  std::array<auth_param, max_auth_params> items{};
  std::size_t count = 0;

  const auth_param* find(std::string_view name) const;
  const auth_param* begin() const { return items.data(); }
  const auth_param* end() const { return items.data() + count; }
};

/// Parses `scheme 1*LWS auth-param *(COMMA auth-param)`. LWS includes folded line breaks.
/// Returns the params or an error naming what was wrong and where.
std::variant<auth_params, digest_parse_error> parse_auth_params(std::string_view value);

/// As parse_auth_params, for a value whose scheme must be Digest (challenges and
/// credentials): any other scheme is digest_errc::not_digest at the scheme's offset.
std::variant<auth_params, digest_parse_error> parse_digest_params(std::string_view value);

/// The leading token of a header value (its auth-scheme), without parsing the rest: a
/// scheme such as Basic carries token68, not auth-params.
std::string_view auth_scheme(std::string_view value);

/// ASCII case-insensitive equality, as SIP compares tokens.
bool iequals(std::string_view a, std::string_view b);

/// Appends `text` as a quoted-string, escaping '"' and '\'.
void append_quoted(std::string& out, std::string_view text);

}  // namespace tollgate::sip
