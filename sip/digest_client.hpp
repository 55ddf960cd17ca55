// The digest client: answers a carrier's 401 (WWW-Authenticate) or 407 (Proxy-Authenticate)
// with an Authorization or Proxy-Authorization value (RFC 3261 §22.2-22.3).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "sip/digest_error.hpp"

namespace tollgate::sip {

struct digest_answer {
  std::string_view header_name;  // "Authorization" for 401, "Proxy-Authorization" for 407
  std::string value;
};

/// Header carrying the answer to a challenge with this status (401 -> Authorization,
/// anything else -> Proxy-Authorization).
std::string_view credentials_header_for(int status);

/// One client per account and peer. It remembers the last nonce so that nc counts up while
/// the carrier reuses it; cnonce comes from the injected random source.
class digest_client {
public:
  explicit digest_client(std::function<std::uint64_t()> random) : random_(std::move(random)) {}

  /// Answers the first challenge among `challenges` (the WWW-Authenticate values of a 401 or
  /// the Proxy-Authenticate values of a 407) whose algorithm is supported. With qop=auth
  /// offered it answers with qop=auth, nc and cnonce; without qop in the RFC 2069 form.
  /// The caller resends the request with CSeq incremented. Errors: the first challenge's
  /// parse error when none is usable; digest_errc::unsupported_qop for auth-int only.
  std::variant<digest_answer, digest_parse_error> answer(int status, std::span<const std::string_view> challenges,
                                                         std::string_view method, std::string_view uri,
                                                         std::string_view username, std::string_view password);

private:
  std::function<std::uint64_t()> random_;
  std::string last_nonce_;
  std::uint32_t nc_ = 0;
};

}  // namespace tollgate::sip
