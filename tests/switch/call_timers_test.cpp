#include "switch/call_timers.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace std::chrono_literals;

TEST_CASE("the call timer queue: earliest first, re-arming moves, cancelling forgets", "[switch][call_timers]") {
  const base::timestamp t0 = base::from_unix_seconds(1764158400);
  switch_::call_timer_queue q;
  CHECK_FALSE(q.next());
  q.arm({1, 3}, t0 + 500ms);
  q.arm({2, 3}, t0 + 100ms);
  q.arm({1, 4}, t0 + 300ms);
  CHECK(q.next() == t0 + 100ms);
  q.arm({2, 3}, t0 + 900ms);  // re-armed later
  CHECK(q.next() == t0 + 300ms);
  CHECK(q.size() == 3);
  q.cancel({1, 4});
  q.cancel({7, 7});  // unknown: nothing
  CHECK(q.next() == t0 + 500ms);
  CHECK(q.take_due(t0 + 499ms).empty());
  const auto due = q.take_due(t0 + 1s);
  REQUIRE(due.size() == 2);
  CHECK(due[0] == switch_::call_timer{1, 3});
  CHECK(due[1] == switch_::call_timer{2, 3});
  CHECK(q.size() == 0);
  q.arm({5, 1}, t0);
  q.arm({5, 2}, t0);
  q.arm({6, 1}, t0 + 1ms);
  q.cancel_all(5);
  CHECK(q.size() == 1);
  CHECK(q.next() == t0 + 1ms);
}
