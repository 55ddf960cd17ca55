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

TEST_CASE("the CDR spool drops the oldest rows past its capacity while writes fail, and counts them",
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
  spool.hold(message("after a"));
  spool.add(record("b"), t0);
  spool.hold(message("after b"));
  CHECK(spool.commit(t0 + 20ms).empty());
  CHECK(spool.last_error() == "database or disk is full");
  CHECK(spool.due() == t0 + 20ms + 1000ms);  // retried a second later
  spool.add(record("c"), t0 + 30ms);  // over capacity: "a" is dropped, its message may go
  CHECK(spool.counters().dropped == 1);
  const auto released = spool.release();
  REQUIRE(released.size() == 1);
  CHECK(released[0].text == "after a");
  fail = false;
  CHECK(spool.commit(t0 + 1s).empty());  // not due yet
  const auto rest = spool.commit(t0 + 1020ms);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].text == "after b");
  CHECK(written == std::vector<std::string>{"b", "c"});
}
