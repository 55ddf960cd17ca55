#include "policy/source_evidence.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::policy;
using namespace std::chrono_literals;

namespace {
const base::millis window = 60s;
const base::timestamp t0 = base::from_unix_seconds(1764158400);  // a multiple of 60 s
}  // namespace

TEST_CASE("events in one window count exactly", "[policy][source_evidence]") {
  source_evidence e;
  for (std::uint32_t i = 1; i <= 10; ++i) CHECK(e.add(evidence_kind::auth_failure, t0 + std::chrono::seconds{i}, window) == i);
  CHECK(e.add(evidence_kind::illegal_call, t0 + 20s, window) == 1);
}

TEST_CASE("the previous window counts by its overlap", "[policy][source_evidence]") {
  source_evidence e;
  for (int i = 0; i < 10; ++i) e.add(evidence_kind::auth_failure, t0 + 50s, window);
  // 15 s into the next window, 45/60 of the previous one still overlaps: 10 * 0.75 + 1.
  CHECK(e.add(evidence_kind::auth_failure, t0 + 75s, window) == 8);
  // Two windows later nothing is left.
  CHECK(e.add(evidence_kind::auth_failure, t0 + 200s, window) == 1);
}

TEST_CASE("the count never exceeds the true sliding-window count", "[policy][source_evidence]") {
  // Events every 7 s for 10 minutes: the true count in any 60 s window is at most 9.
  source_evidence e;
  for (int s = 0; s < 600; s += 7) {
    CHECK(e.add(evidence_kind::malformed, t0 + std::chrono::seconds{s}, window) <= 9);
  }
}

TEST_CASE("distinct endpoints are counted once each", "[policy][source_evidence]") {
  source_evidence e;
  CHECK(e.add_endpoint(1, t0, window) == 1);
  CHECK(e.add_endpoint(1, t0, window) == 1);
  CHECK(e.add_endpoint(2, t0, window) == 2);
  CHECK(e.add_endpoint(3, t0, window) == 3);
  CHECK(e.add_endpoint(2, t0, window) == 3);
  CHECK(e.add_endpoint(4, t0, window) == 4);
  CHECK(e.add_endpoint(5, t0, window) == 5);
}

TEST_CASE("distinct endpoints slide with the window", "[policy][source_evidence]") {
  source_evidence e;
  e.add_endpoint(1, t0 + 59s, window);
  e.add_endpoint(2, t0 + 59s, window);
  // At 60 s both still overlap fully (weight 60/60 minus nothing): 2 + the new one.
  CHECK(e.add_endpoint(3, t0 + 60s, window) == 3);
  // Seen again in the new window, a name counts once; name 2, only in the previous
  // window, now weighs 59/60 and rounds down.
  CHECK(e.add_endpoint(1, t0 + 61s, window) == 2);
  // Three windows later all are gone.
  CHECK(e.add_endpoint(9, t0 + 300s, window) == 1);
  CHECK(e.stale(t0 + 421s, window));
  CHECK_FALSE(e.stale(t0 + 300s, window));
}

TEST_CASE("a tracked source is small", "[policy][source_evidence]") {
  CHECK(sizeof(source_evidence) <= 40);
}
