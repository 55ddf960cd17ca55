#include "sip/transaction_timers.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::sip;
using namespace std::chrono_literals;

TEST_CASE("timers: RFC 3261 Table 4 durations per transport", "[sip][transaction_timers]") {
  const timer_config c;
  CHECK(timer_durations::timer_b_f_h_j(c) == 32s);
  CHECK(timer_durations::timer_d(c, transport_kind::unreliable) == 32s);
  CHECK(timer_durations::timer_d(c, transport_kind::reliable) == 0s);
  CHECK(timer_durations::timer_i_k(c, transport_kind::unreliable) == 5s);
  CHECK(timer_durations::timer_i_k(c, transport_kind::reliable) == 0s);
  CHECK(timer_durations::timer_j(c, transport_kind::unreliable) == 32s);
  CHECK(timer_durations::timer_j(c, transport_kind::reliable) == 0s);
  timer_config fast;
  fast.t1 = 100ms;
  CHECK(timer_durations::timer_b_f_h_j(fast) == 6400ms);
  CHECK(to_string(timer_id::trying) == "trying");
  CHECK(to_string(timer_id::K) == "K");
  CHECK(to_string(termination_reason::transport_error) == "transport_error");
}

TEST_CASE("timers: a timer fires once, at or after its deadline, only while armed", "[sip][transaction_timers]") {
  const base::timestamp t0{base::millis{1000}};
  timer_set timers;
  transaction_effects out;
  CHECK(timers.next_deadline() == base::timestamp::max());
  timers.arm(timer_id::E, t0 + 500ms, out);
  timers.arm(timer_id::F, t0 + 32s, out);
  REQUIRE(out.size() == 2);
  CHECK(timers.next_deadline() == t0 + 500ms);
  CHECK_FALSE(timers.take_due(timer_id::E, t0 + 499ms));
  CHECK(timers.take_due(timer_id::E, t0 + 500ms));
  CHECK_FALSE(timers.take_due(timer_id::E, t0 + 501ms));
  CHECK_FALSE(timers.take_due(timer_id::K, t0 + 1h));
  timers.cancel(timer_id::F, out);
  CHECK(out.size() == 3);
  timers.cancel(timer_id::F, out);  // not armed: no second cancel effect
  CHECK(out.size() == 3);
  CHECK_FALSE(timers.take_due(timer_id::F, t0 + 1h));
  timers.arm(timer_id::G, t0, out);
  timers.cancel_all(out);
  CHECK_FALSE(timers.armed(timer_id::G));
}
