#include "switch/log_throttle.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace std::chrono_literals;

TEST_CASE("a condition is logged once per interval with its count", "[switch][log_throttle]") {
  switch_::log_throttle t(10s);
  const auto at = [](std::chrono::milliseconds ms) { return base::steady_timestamp{ms}; };
  CHECK(t.note(at(0ms)) == 1u);  // the first at once
  for (int i = 1; i < 500; ++i) CHECK_FALSE(t.note(at(std::chrono::milliseconds{i * 10})));
  CHECK(t.pending() == 499);
  CHECK(t.note(at(10s)) == 500u);  // then one line for all since
  CHECK_FALSE(t.note(at(11s)));
}
