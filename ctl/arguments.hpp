// Command-line values of tollgatectl checked before anything is sent: addresses, durations, times.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>

#include "base/clock.hpp"
#include "base/ip_address.hpp"

namespace tollgate::ctl {

/// "ADDR" or "ADDR/LEN". The error says what is wrong, e.g. for host bits:
/// "\"10.0.0.1/8\" has host bits set (the network is 10.0.0.0/8)".
std::variant<base::ip_prefix, std::string> parse_address_argument(const std::string& text);

/// `--for` as operators write it ("90s", "30m", "1h", "7d"); the error names the forms.
std::variant<std::chrono::seconds, std::string> parse_duration_argument(const std::string& text);

/// `--since`: Unix seconds ("1764158400"), or a duration before `now` ("1h", "7d").
std::variant<base::timestamp, std::string> parse_since_argument(const std::string& text, base::timestamp now);

/// A point in time for `cdr --since/--until`: Unix seconds ("1764158400"), ISO 8601 in
/// UTC or with an offset ("2026-11-26T10:00:00Z", "2026-11-26T11:00:00+01:00",
/// "2026-11-26" for midnight UTC; no zone means UTC), or a duration before `now` ("1h").
std::variant<base::timestamp, std::string> parse_time_argument(const std::string& text, base::timestamp now);

/// `param set` values: an integer, on/off/true/false/yes/no, or a duration in seconds ("30m").
std::variant<std::int64_t, std::string> parse_parameter_value(const std::string& text);

}  // namespace tollgate::ctl
