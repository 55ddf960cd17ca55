// Command-line values of tollgatectl checked before anything is sent.
#include "ctl/arguments.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

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

namespace {

/// Reads exactly `digits` decimal digits at `at`, advancing it.
std::optional<int> fixed_digits(std::string_view text, std::size_t& at, std::size_t digits) {
  if (at + digits > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  at += digits;
  return value;
}

bool expect(std::string_view text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

/// "YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|(+|-)HH:MM]"; no zone means UTC.
std::optional<base::timestamp> parse_iso8601(std::string_view text) {
  using namespace std::chrono;
  std::size_t at = 0;
  const auto y = fixed_digits(text, at, 4);
  if (!y || !expect(text, at, '-')) return std::nullopt;
  const auto mo = fixed_digits(text, at, 2);
  if (!mo || !expect(text, at, '-')) return std::nullopt;
  const auto d = fixed_digits(text, at, 2);
  if (!d) return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  base::millis time_of_day{0};
  if (at < text.size() && (text[at] == 'T' || text[at] == 't' || text[at] == ' ')) {
    ++at;
    const auto h = fixed_digits(text, at, 2);
    if (!h || !expect(text, at, ':')) return std::nullopt;
    const auto mi = fixed_digits(text, at, 2);
    if (!mi) return std::nullopt;
    int s = 0;
    int ms = 0;
    if (expect(text, at, ':')) {
      const auto sec = fixed_digits(text, at, 2);
      if (!sec) return std::nullopt;
      s = *sec;
      if (expect(text, at, '.')) {
        int scale = 100;
        const std::size_t first = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
          ms += (text[at] - '0') * scale;
          scale /= 10;
          ++at;
        }
        if (at == first) return std::nullopt;
      }
    }
    if (*h > 23 || *mi > 59 || s > 60) return std::nullopt;
    time_of_day = hours{*h} + minutes{*mi} + seconds{s} + base::millis{ms};
  }
  minutes offset{0};
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int sign = text[at] == '-' ? -1 : 1;
    ++at;
    const auto oh = fixed_digits(text, at, 2);
    if (!oh) return std::nullopt;
    expect(text, at, ':');
    const auto om = fixed_digits(text, at, 2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    offset = minutes{sign * (*oh * 60 + *om)};
  }
  if (at != text.size()) return std::nullopt;
  return base::timestamp{sys_days{date}.time_since_epoch()} + time_of_day - offset;
}

}  // namespace

std::variant<base::timestamp, std::string> parse_time_argument(const std::string& text, base::timestamp now) {
  if (const auto iso = parse_iso8601(text)) return *iso;
  auto since = parse_since_argument(text, now);
  if (std::holds_alternative<base::timestamp>(since)) return since;
  return quoted(text) +
         " is not Unix seconds, an ISO 8601 time or a duration before now "
         "(examples: 1764158400, 2026-11-26T10:00:00Z, 1h)";
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
