// CSeq: sequence number and method (RFC 3261 §20.16).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tollgate::sip {

struct cseq {
  std::uint32_t number = 0;  // < 2^31 (RFC 3261 §8.1.1.5)
  std::string_view method;

  /// "1*DIGIT LWS Method"; leading zeros allowed, numbers of 2^31 or more rejected.
  static std::optional<cseq> parse(std::string_view value);
};

}  // namespace tollgate::sip
