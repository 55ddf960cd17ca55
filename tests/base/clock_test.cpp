#include "base/clock.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::base;
using namespace std::chrono_literals;

TEST_CASE("unix seconds round-trip at millisecond resolution", "[base][clock]") {
  CHECK(format_unix_seconds(from_unix_seconds(1764158400.25)) == "1764158400.25");
  CHECK(format_unix_seconds(from_unix_seconds(1764162002.0)) == "1764162002.0");
  CHECK(format_unix_seconds(from_unix_seconds(1.001)) == "1.001");
  CHECK(format_unix_seconds(from_unix_seconds(0)) == "0.0");
  CHECK(to_unix_seconds(from_unix_seconds(12.5)) == 12.5);
}

TEST_CASE("durations as operators write them", "[base][clock]") {
  CHECK(parse_duration("90") == 90s);
  CHECK(parse_duration("90s") == 90s);
  CHECK(parse_duration("15m") == 15min);
  CHECK(parse_duration("1h") == 1h);
  CHECK(parse_duration("7d") == 7 * 24h);
  CHECK(parse_duration("2w") == 14 * 24h);
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("-5"));
  CHECK_FALSE(parse_duration("5x"));
  CHECK_FALSE(parse_duration("h"));
  CHECK_FALSE(parse_duration("99999999999999999999"));
  CHECK_FALSE(parse_duration("9999999999999999w"));
}

TEST_CASE("manual clock moves only when told", "[base][clock]") {
  manual_clock clock(from_unix_seconds(100));
  CHECK(clock.now() == from_unix_seconds(100));
  clock.advance(1500ms);
  CHECK(clock.now() == from_unix_seconds(101.5));
  clock.set(from_unix_seconds(7));
  CHECK(clock.now() == from_unix_seconds(7));
}
