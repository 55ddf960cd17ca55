#include "switch/tcp_pacing.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using switch_::pacing_verdict;
using namespace std::chrono_literals;

namespace {

base::steady_timestamp at(std::chrono::milliseconds t) { return base::steady_timestamp{t}; }
switch_::pacing_limits limits(std::chrono::milliseconds header, std::size_t rate) {
  return {.header_timeout = header, .min_rate = rate, .window = 5s};
}

}  // namespace

TEST_CASE("nothing to check while no message is incomplete", "[switch][tcp_pacing]") {
  switch_::message_pacing p(limits(10s, 64));
  CHECK_FALSE(p.next_check());
  CHECK(p.check(at(1h)) == pacing_verdict::ok);
  p.on_read(500, 1, false, false, at(0ms));  // one whole message
  CHECK_FALSE(p.next_check());
}

TEST_CASE("header deadline: from the first byte of a message to the end of its headers", "[switch][tcp_pacing]") {
  switch_::message_pacing p(limits(10s, 0));
  p.on_read(1, 0, true, false, at(100s));
  REQUIRE(p.next_check());
  CHECK(*p.next_check() == at(110s));
  // A byte a second keeps an idle timer alive, not this deadline.
  for (int s = 101; s < 110; ++s) {
    p.on_read(1, 0, true, false, at(std::chrono::seconds{s}));
    CHECK(p.check(at(std::chrono::seconds{s})) == pacing_verdict::ok);
  }
  CHECK(p.check(at(110s)) == pacing_verdict::header_timeout);
}

TEST_CASE("headers in time: the deadline no longer applies, the rate does", "[switch][tcp_pacing]") {
  switch_::message_pacing p(limits(10s, 100));
  p.on_read(400, 0, true, true, at(0ms));  // headers done, body outstanding
  REQUIRE(p.next_check());
  CHECK(*p.next_check() == at(5s));  // the window, not the header deadline
  CHECK(p.check(at(5s)) == pacing_verdict::too_slow);  // 400 bytes in 5 s < 100/s
}

TEST_CASE("minimum rate: each window must carry min_rate bytes a second", "[switch][tcp_pacing]") {
  switch_::message_pacing p(limits(300s, 64));
  p.on_read(200, 0, true, false, at(0ms));
  p.on_read(200, 0, true, false, at(4s));
  CHECK(p.check(at(5s)) == pacing_verdict::ok);  // 400 >= 320: a new window starts
  CHECK(*p.next_check() == at(10s));
  p.on_read(100, 0, true, false, at(7s));
  CHECK(p.check(at(10s)) == pacing_verdict::too_slow);  // 100 < 320
}

TEST_CASE("a completed message resets the clock and the next one starts its own", "[switch][tcp_pacing]") {
  switch_::message_pacing p(limits(10s, 0));
  p.on_read(10, 0, true, false, at(0ms));
  p.on_read(10, 1, true, false, at(9s));  // message 1 done, message 2 begun
  CHECK(*p.next_check() == at(19s));
  CHECK(p.check(at(12s)) == pacing_verdict::ok);
  p.on_read(10, 1, false, false, at(13s));
  CHECK_FALSE(p.next_check());
}

TEST_CASE("limits change on reload for the message under way", "[switch][tcp_pacing]") {
  switch_::message_pacing p(limits(10s, 0));
  p.on_read(1, 0, true, false, at(0ms));
  p.set_limits(limits(2s, 0));
  CHECK(p.check(at(2s)) == pacing_verdict::header_timeout);
}
