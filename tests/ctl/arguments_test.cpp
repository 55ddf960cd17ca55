#include "ctl/arguments.hpp"

#include <catch2/catch.hpp>

#include "ctl/audit_command.hpp"
#include "ctl/blacklist_command.hpp"

using namespace tollgate;
using namespace std::chrono_literals;

namespace {
template <typename T, typename V>
T value_of(const V& parsed) {
  if (const auto* e = std::get_if<std::string>(&parsed)) FAIL(*e);
  return std::get<T>(parsed);
}
template <typename V>
std::string error_of(const V& parsed) {
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}
}  // namespace

TEST_CASE("addresses: hosts, networks, IPv6, and a helpful word on host bits", "[ctl][arguments]") {
  CHECK(value_of<base::ip_prefix>(ctl::parse_address_argument("203.0.113.9")).to_string() == "203.0.113.9/32");
  CHECK(value_of<base::ip_prefix>(ctl::parse_address_argument("203.0.113.0/24")).to_string() == "203.0.113.0/24");
  CHECK(value_of<base::ip_prefix>(ctl::parse_address_argument("2001:db8::/32")).to_string() == "2001:db8::/32");
  CHECK(error_of(ctl::parse_address_argument("10.0.0.1/8")) == "\"10.0.0.1/8\" has host bits set (the network is 10.0.0.0/8)");
  CHECK(error_of(ctl::parse_address_argument("10.0.0.1/33")) == "\"10.0.0.1/33\" is not an IPv4 or IPv6 address or CIDR");
  CHECK(error_of(ctl::parse_address_argument("example.com")) == "\"example.com\" is not an IPv4 or IPv6 address or CIDR");
  CHECK(error_of(ctl::parse_address_argument("")) == "\"\" is not an IPv4 or IPv6 address or CIDR");
}

TEST_CASE("durations, since and parameter values", "[ctl][arguments]") {
  CHECK(value_of<std::chrono::seconds>(ctl::parse_duration_argument("1h")) == 3600s);
  CHECK(value_of<std::chrono::seconds>(ctl::parse_duration_argument("7d")) == 7 * 86400s);
  CHECK(error_of(ctl::parse_duration_argument("0")) == "\"0\" is not a duration (examples: 90s, 30m, 1h, 7d, 2w)");
  CHECK(error_of(ctl::parse_duration_argument("-1h")).find("is not a duration") != std::string::npos);
  CHECK(error_of(ctl::parse_duration_argument("1 hour")).find("is not a duration") != std::string::npos);

  const auto now = base::from_unix_seconds(1764158400);
  CHECK(value_of<base::timestamp>(ctl::parse_since_argument("1764000000", now)) == base::from_unix_seconds(1764000000));
  CHECK(value_of<base::timestamp>(ctl::parse_since_argument("1764000000.5", now)) == base::from_unix_seconds(1764000000.5));
  CHECK(value_of<base::timestamp>(ctl::parse_since_argument("1h", now)) == base::from_unix_seconds(1764158400 - 3600));
  CHECK(value_of<base::timestamp>(ctl::parse_since_argument("90", now)) == base::from_unix_seconds(1764158400 - 90));
  CHECK(error_of(ctl::parse_since_argument("yesterday", now)).find("neither Unix seconds nor a duration") != std::string::npos);

  CHECK(value_of<std::int64_t>(ctl::parse_parameter_value("120")) == 120);
  CHECK(value_of<std::int64_t>(ctl::parse_parameter_value("-5")) == -5);
  CHECK(value_of<std::int64_t>(ctl::parse_parameter_value("On")) == 1);
  CHECK(value_of<std::int64_t>(ctl::parse_parameter_value("off")) == 0);
  CHECK(value_of<std::int64_t>(ctl::parse_parameter_value("30m")) == 1800);
  CHECK(error_of(ctl::parse_parameter_value("banana")) == "\"banana\" is not an integer, on/off, or a duration");
}

TEST_CASE("blacklist add: permanent by default, --for parsed, conflicts refused", "[ctl][arguments]") {
  ctl::blacklist_add_arguments arguments;
  arguments.address = "203.0.113.0/24";
  arguments.reason = "botnet";
  auto permanent = value_of<wire::blacklist_add_request>(ctl::make_blacklist_add(arguments));
  CHECK_FALSE(permanent.duration.has_value());
  CHECK(permanent.reason == "botnet");
  CHECK_FALSE(permanent.force);

  arguments.duration = "1h";
  arguments.force = true;
  auto timed = value_of<wire::blacklist_add_request>(ctl::make_blacklist_add(arguments));
  CHECK(timed.duration == 3600s);
  CHECK(timed.force);

  arguments.permanent = true;
  CHECK(error_of(ctl::make_blacklist_add(arguments)) == "--for and --permanent exclude each other");
  arguments.permanent = false;
  arguments.duration = "soon";
  CHECK(error_of(ctl::make_blacklist_add(arguments)) == "--for \"soon\" is not a duration (examples: 90s, 30m, 1h, 7d, 2w)");
  arguments.duration.clear();
  arguments.address = "203.0.113.1/24";
  CHECK(error_of(ctl::make_blacklist_add(arguments)).find("has host bits set") != std::string::npos);
}

TEST_CASE("audit: since, limit and follow become the request", "[ctl][arguments]") {
  const auto now = base::from_unix_seconds(1764158400);
  ctl::audit_arguments arguments;
  auto all = value_of<wire::audit_request>(ctl::make_audit_request(arguments, now));
  CHECK_FALSE(all.since.has_value());
  CHECK_FALSE(all.limit.has_value());
  CHECK_FALSE(all.follow);
  arguments.since = "2h";
  arguments.limit = 50;
  arguments.follow = true;
  auto recent = value_of<wire::audit_request>(ctl::make_audit_request(arguments, now));
  CHECK(recent.since == base::from_unix_seconds(1764158400 - 7200));
  CHECK(recent.limit == 50u);
  CHECK(recent.follow);
  arguments.since = "later";
  CHECK(error_of(ctl::make_audit_request(arguments, now)).rfind("--since ", 0) == 0);
}

TEST_CASE("times: Unix seconds, ISO 8601 with or without a zone, and durations", "[ctl][arguments]") {
  const auto now = base::from_unix_seconds(1764158400);  // 2025-11-26T12:00:00Z
  const auto t = [&](const char* text) { return value_of<base::timestamp>(ctl::parse_time_argument(text, now)); };
  CHECK(t("1764151200") == base::from_unix_seconds(1764151200));
  CHECK(t("2025-11-26T10:00:00Z") == base::from_unix_seconds(1764151200));
  CHECK(t("2025-11-26T10:00:00") == base::from_unix_seconds(1764151200));
  CHECK(t("2025-11-26 10:00") == base::from_unix_seconds(1764151200));
  CHECK(t("2025-11-26T10:00:00.25Z") == base::from_unix_seconds(1764151200.25));
  CHECK(t("2025-11-26T11:30:00+01:30") == base::from_unix_seconds(1764151200));
  CHECK(t("2025-11-26T05:00:00-0500") == base::from_unix_seconds(1764151200));
  CHECK(t("2025-11-26") == base::from_unix_seconds(1764115200));
  CHECK(t("2h") == base::from_unix_seconds(1764151200));
  for (const char* bad : {"2025-11-31", "2025-11-26T24:00:00Z", "2025-11-26T10:00:00Q", "2025-11-26T10", "26/11/2025",
                          "yesterday", ""}) {
    INFO(bad);
    CHECK(error_of(ctl::parse_time_argument(bad, now)).find("is not Unix seconds, an ISO 8601 time") !=
          std::string::npos);
  }
}
