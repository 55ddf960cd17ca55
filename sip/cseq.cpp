// CSeq parsing.
#include "sip/cseq.hpp"

#include "sip/text.hpp"

namespace tollgate::sip {

std::optional<cseq> cseq::parse(std::string_view value) {
  const std::string_view s = text::trim(value);
  std::size_t i = 0;
  while (i < s.size() && text::is_digit(s[i])) ++i;
  const auto number = text::parse_uint(s.substr(0, i), 0x7fffffff);
  if (!number) return std::nullopt;
  const std::string_view rest = s.substr(i);
  if (rest.empty() || !text::is_ws(rest[0])) return std::nullopt;
  const std::string_view method = text::trim_left(rest);
  if (!text::is_token(method)) return std::nullopt;
  return cseq{static_cast<std::uint32_t>(*number), method};
}

}  // namespace tollgate::sip
