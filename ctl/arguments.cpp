// Command-line values of tollgatectl checked before anything is sent.
#include "ctl/arguments.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace tollgate::ctl {
namespace {

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

std::variant<base::ip_prefix, std::string> parse_address_argument(const std::string& text) {
  if (auto prefix = base::ip_prefix::parse(text)) return *prefix;
  const auto slash = text.find('/');
  if (slash != std::string::npos) {
    const auto address = base::ip_address::parse(text.substr(0, slash));
    unsigned length = 0;
    const std::string length_text = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    if (address && ec == std::errc{} && end == length_text.data() + length_text.size() &&
        length <= address->bit_length()) {
      return quoted(text) + " has host bits set (the network is " +
             base::ip_prefix::of(*address, length).to_string() + ")";
    }
  }
  return quoted(text) + " is not an IPv4 or IPv6 address or CIDR";
}

std::variant<std::chrono::seconds, std::string> parse_duration_argument(const std::string& text) {
  const auto duration = base::parse_duration(text);
  if (!duration || duration->count() == 0) {
    return quoted(text) + " is not a duration (examples: 90s, 30m, 1h, 7d, 2w)";
  }
  return *duration;
}

std::variant<base::timestamp, std::string> parse_since_argument(const std::string& text, base::timestamp now) {
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  // A bare number this large is a Unix time; "90" alone would be read as a duration.
  if (ec == std::errc{} && end == text.data() + text.size() && seconds >= 1e8 && seconds < 1e11) {
    return base::from_unix_seconds(seconds);
  }
  if (const auto ago = base::parse_duration(text)) return now - std::chrono::duration_cast<base::millis>(*ago);
  return quoted(text) + " is neither Unix seconds nor a duration before now (examples: 1764158400, 1h, 7d)";
}

std::variant<std::int64_t, std::string> parse_parameter_value(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc{} && end == text.data() + text.size()) return value;
  const std::string word = lowercase(text);
  if (word == "on" || word == "true" || word == "yes") return std::int64_t{1};
  if (word == "off" || word == "false" || word == "no") return std::int64_t{0};
  if (const auto duration = base::parse_duration(text)) return static_cast<std::int64_t>(duration->count());
  return quoted(text) + " is not an integer, on/off, or a duration";
}

}  // namespace tollgate::ctl
