// Digest credentials: the value of an Authorization or Proxy-Authorization header (RFC 3261 §22.4,
// RFC 2617 §3.2.2, RFC 7616 §3.4), parsed with precise errors and formatted for sending.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "sip/digest_error.hpp"
#include "sip/digest_hash.hpp"

namespace tollgate::sip {

/// Invariant after parsing: username, realm, nonce, uri and response are present (may be
/// empty only where noted), response is hex of the algorithm's length, and qop_auth implies
/// nc (8 hex digits, nc_value > 0 not enforced) and a non-empty cnonce.
struct digest_credentials {
  std::string username;   // may be empty (a client probing with no user)
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  digest_algorithm algorithm = digest_algorithm::md5;
  bool algorithm_given = false;
  bool qop_auth = false;
  std::string nc;         // exactly as sent, for the hash
  std::uint32_t nc_value = 0;
  std::string cnonce;
  std::string opaque;
  bool opaque_given = false;
};

/// Parses one credentials header value ("Digest username="...", ...").
std::variant<digest_credentials, digest_parse_error> parse_digest_credentials(std::string_view value);

/// Formats credentials as a header value; parse_digest_credentials(format(c)) == c.
std::string format_digest_credentials(const digest_credentials& c);

bool operator==(const digest_credentials& a, const digest_credentials& b);

}  // namespace tollgate::sip
