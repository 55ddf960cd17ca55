// Digest challenges: the value of a WWW-Authenticate or Proxy-Authenticate header
// (RFC 3261 §22.1, RFC 2617 §3.2.1, RFC 7616 §3.3), parsed and formatted.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "sip/digest_error.hpp"
#include "sip/digest_hash.hpp"

namespace tollgate::sip {

struct digest_challenge {
  std::string realm;
  std::string nonce;
  std::string opaque;
  bool opaque_given = false;
  digest_algorithm algorithm = digest_algorithm::md5;
  bool algorithm_given = false;
  bool qop_auth = false;       // "auth" among the offered qop values
  bool qop_offered = false;    // a qop param was present at all (perhaps only auth-int)
  bool stale = false;
};

/// Parses one challenge header value. realm and nonce are required; an unknown algorithm
/// is an error (digest_errc::unsupported_algorithm) so the caller can try the next header.
std::variant<digest_challenge, digest_parse_error> parse_digest_challenge(std::string_view value);

/// `Digest realm="r", nonce="n", [opaque="o", ]algorithm=MD5, qop="auth"[, stale=true]`.
std::string format_digest_challenge(const digest_challenge& c);

}  // namespace tollgate::sip
