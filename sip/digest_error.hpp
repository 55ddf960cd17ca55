// Digest errors: why a credentials or challenge header value could not be parsed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace tollgate::sip {

enum class digest_errc {
  empty = 1,               // nothing but whitespace
  too_long,                // header value over the length limit
  not_digest,              // scheme other than "Digest"
  expected_param_name,     // a token was expected
  expected_equals,         // "name" not followed by "="
  expected_value,          // "=" not followed by a token or quoted-string
  unterminated_quote,      // quoted-string without its closing quote
  bad_escape,              // backslash at the end or before a control character
  control_character,       // raw control character inside a value
  expected_comma,          // something other than "," between two params
  too_many_params,         // more params than the parser keeps
  duplicate_param,         // the same param twice
  missing_param,           // a required param is absent
  empty_param,             // a required param is present but empty
  unsupported_algorithm,   // algorithm other than MD5 / SHA-256
  unsupported_qop,         // qop other than "auth" in credentials
  bad_nc,                  // nc not exactly 8 hex digits
  bad_response,            // response not lower/upper hex of the algorithm's length
  bad_stale,               // stale other than true/false
  secret_file_size,        // the nonce secret file does not hold exactly 32 bytes
  secret_file_permissions, // the nonce secret file is readable by group or others
  random_failure,          // the system random generator failed
};

const std::error_category& digest_category();
std::error_code make_error_code(digest_errc e);

/// A parse failure with the place it was found: the byte offset into the header value and
/// the auth-param concerned (empty when none).
struct digest_parse_error {
  std::error_code code;
  std::size_t offset = 0;
  std::string param;

  /// "duplicate parameter (param nonce, offset 42)".
  std::string message() const;
};

}  // namespace tollgate::sip

template <>
struct std::is_error_code_enum<tollgate::sip::digest_errc> : std::true_type {};
