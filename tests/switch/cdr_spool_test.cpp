#include "switch/cdr_spool.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace std::chrono_literals;

namespace {

store::cdr_record record(const std::string& call_id) {
  store::cdr_record r;
  r.call_id = call_id;
  return r;
}

switch_::held_message message(const std::string& text) { return {1, {"192.0.2.1", 5060, config::transport::udp}, text}; }

}  // namespace

TEST_CASE("the CDR spool: due after max_delay or at batch size, messages released after their rows",
          "[switch][cdr_spool]") {
  const base::timestamp t0 = base::from_unix_seconds(1764158400);
  std::vector<std::string> written;
  switch_::cdr_spool spool([&](std::span<const store::cdr_record> rows) -> store::result<void> {
    for (const auto& r : rows) written.push_back(r.call_id);
    return {};
  }, switch_::cdr_spool_limits{20ms, 3, 100, 1000ms});
  CHECK_FALSE(spool.due());
  spool.hold(message("free"));  // nothing queued ahead: releasable at once
  CHECK(spool.release().size() == 1);
  spool.add(record("a"), t0);
  spool.hold(message("after a"));
  CHECK(spool.due() == t0 + 20ms);
  CHECK(spool.commit(t0 + 19ms).empty());
  spool.add(record("b"), t0 + 5ms);
  spool.add(record("c"), t0 + 6ms);
  CHECK(spool.due() == t0);  // a full batch is due at once
  const auto released = spool.commit(t0 + 6ms);
  REQUIRE(released.size() == 1);
  CHECK(released[0].text == "after a");
  CHECK(written == std::vector<std::string>{"a", "b", "c"});
  CHECK(spool.counters().commits == 1);
  CHECK_FALSE(spool.pending());
}

TEST_CASE("the CDR spool, when writes fail, answers at once, keeps rows up to its capacity and counts each one lost",
          "[switch][cdr_spool]") {
  const base::timestamp t0 = base::from_unix_seconds(1764158400);
  bool fail = true;
  std::vector<std::string> written;
  switch_::cdr_spool spool([&](std::span<const store::cdr_record> rows) -> store::result<void> {
    if (fail) return store::make_error(store::errc::full, "database or disk is full");
    for (const auto& r : rows) written.push_back(r.call_id);
    return {};
  }, switch_::cdr_spool_limits{20ms, 512, 2, 1000ms});
  spool.add(record("a"), t0);
  CHECK_FALSE(spool.hold(message("after a")));
  spool.add(record("b"), t0);
  CHECK_FALSE(spool.hold(message("after b")));
  CHECK_FALSE(spool.degraded_since());
  // The first failed write releases everything held: signalling does not wait for the disk.
  const auto released = spool.commit(t0 + 20ms);
  REQUIRE(released.size() == 2);
  CHECK(released[0].text == "after a");
  CHECK(released[1].text == "after b");
  CHECK(spool.last_error() == "database or disk is full");
  CHECK(spool.degraded_since() == t0 + 20ms);
  CHECK(spool.due() == t0 + 20ms + 1000ms);  // retried a second later
  // Degraded, a message is not held at all.
  spool.add(record("c"), t0 + 30ms);  // over capacity: "a" is dropped, counted
  const auto now = spool.hold(message("after c"));
  REQUIRE(now);
  CHECK(now->text == "after c");
  CHECK(spool.held() == 0);
  CHECK(spool.counters().dropped == 1);
  CHECK(spool.counters().released_unwritten == 3);
  CHECK(spool.counters().degraded_periods == 1);
  CHECK(spool.commit(t0 + 500ms).empty());  // not due yet
  CHECK(spool.commit(t0 + 1020ms).empty());  // fails again: still one period
  CHECK(spool.counters().write_failures == 2);
  CHECK(spool.counters().degraded_periods == 1);
  fail = false;
  CHECK(spool.commit(t0 + 2020ms).empty());
  CHECK(written == std::vector<std::string>{"b", "c"});
  CHECK_FALSE(spool.degraded_since());
  CHECK(spool.last_error().empty());
  // Writing again: messages wait for their rows once more.
  spool.add(record("d"), t0 + 3s);
  CHECK_FALSE(spool.hold(message("after d")));
  CHECK(spool.held() == 1);
  CHECK(spool.commit(t0 + 3s + 20ms).size() == 1);
  CHECK(spool.counters().dropped == 1);  // exact: only "a" was lost
  CHECK(spool.counters().written == 3);
}

TEST_CASE("a smaller CDR buffer drops the oldest queued rows at once, counted", "[switch][cdr_spool]") {
  const base::timestamp t0 = base::from_unix_seconds(1764158400);
  switch_::cdr_spool spool([](std::span<const store::cdr_record>) -> store::result<void> {
    return store::make_error(store::errc::full, "database or disk is full");
  }, switch_::cdr_spool_limits{20ms, 512, 10, 1000ms});
  for (int i = 0; i < 8; ++i) spool.add(record("r" + std::to_string(i)), t0);
  spool.set_capacity(5);
  CHECK(spool.queued() == 5);
  CHECK(spool.counters().dropped == 3);
}
