#include "policy/auth_suspend.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::policy;
using namespace std::chrono_literals;

namespace {
report failure(const std::string& endpoint, failure_reason reason = failure_reason::wrong_password,
               bool verified = true) {
  report r;
  r.type = report_type::register_failed;
  r.endpoint = endpoint;
  r.verified = verified;
  r.reason = reason;
  r.ip = *base::ip_address::parse("203.0.113.7");
  return r;
}

parameter_set suspend_on(std::int64_t retry = 5, std::int64_t seconds = 600) {
  parameter_set p;
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERSUSPEND, 1, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERRETRY, retry, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERSUSPENDTIME, seconds, parameter_origin::config));
  return p;
}

const base::timestamp t0 = base::from_unix_seconds(1764158400);
}  // namespace

TEST_CASE("RETRY verified failures in a row suspend for SUSPENDTIME", "[policy][auth_suspend]") {
  auth_suspend s;
  const auto params = suspend_on(5, 600);
  std::vector<decision> out;
  for (int i = 0; i < 4; ++i) s.on_failure(failure("1001"), params, t0 + std::chrono::seconds{i}, out);
  CHECK(out.empty());
  CHECK(s.failures("1001") == 4);
  s.on_failure(failure("1001"), params, t0 + 4s, out);
  REQUIRE(out.size() == 1);
  const auto& d = std::get<suspend>(out[0].what);
  CHECK(d.endpoint == "1001");
  CHECK(d.until == t0 + 4s + 600s);
  CHECK(d.failures == 5);
  CHECK(s.is_suspended("1001", t0 + 5s));
  CHECK_FALSE(s.is_suspended("1001", t0 + 604s));
}

TEST_CASE("suspension expires exactly at its end and resets the count", "[policy][auth_suspend]") {
  auth_suspend s;
  const auto params = suspend_on(2, 60);
  std::vector<decision> out;
  s.on_failure(failure("1001"), params, t0, out);
  s.on_failure(failure("1001"), params, t0, out);
  REQUIRE(out.size() == 1);
  out.clear();
  s.on_tick(t0 + 59999ms, out);
  CHECK(out.empty());
  s.on_tick(t0 + 60s, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].time == t0 + 60s);
  CHECK(std::get<unsuspend>(out[0].what).reason == "expired");
  CHECK(s.failures("1001") == 0);
  CHECK(s.tracked_known() == 0);
  out.clear();
  s.on_failure(failure("1001"), params, t0 + 61s, out);
  CHECK(out.empty());  // counting starts again from zero
}

TEST_CASE("failures while suspended neither count nor extend", "[policy][auth_suspend]") {
  auth_suspend s;
  const auto params = suspend_on(2, 60);
  std::vector<decision> out;
  s.on_failure(failure("1001"), params, t0, out);
  s.on_failure(failure("1001"), params, t0, out);
  for (int i = 0; i < 10; ++i) s.on_failure(failure("1001", failure_reason::suspended), params, t0 + 1s, out);
  for (int i = 0; i < 10; ++i) s.on_failure(failure("1001"), params, t0 + 2s, out);
  CHECK(out.size() == 1);
  CHECK(s.suspensions().at(0).until == t0 + 60s);
}

TEST_CASE("only verified failures count", "[policy][auth_suspend]") {
  auth_suspend s;
  const auto params = suspend_on(2, 60);
  std::vector<decision> out;
  for (int i = 0; i < 10; ++i) {
    s.on_failure(failure("1001", failure_reason::wrong_password, false), params, t0, out);
    s.on_failure(failure("1001", failure_reason::stale_nonce, true), params, t0, out);
  }
  CHECK(out.empty());
  CHECK(s.failures("1001") == 0);
}

TEST_CASE("a success resets the count", "[policy][auth_suspend]") {
  auth_suspend s;
  const auto params = suspend_on(3, 60);
  std::vector<decision> out;
  s.on_failure(failure("1001"), params, t0, out);
  s.on_failure(failure("1001"), params, t0, out);
  s.on_success("1001");
  s.on_failure(failure("1001"), params, t0, out);
  s.on_failure(failure("1001"), params, t0, out);
  CHECK(out.empty());
  CHECK(s.failures("1001") == 2);
}

TEST_CASE("suspend off counts nothing", "[policy][auth_suspend]") {
  auth_suspend s;
  parameter_set params;  // SS_ENDPOINTREGISTERSUSPEND defaults to 0
  std::vector<decision> out;
  for (int i = 0; i < 100; ++i) s.on_failure(failure("1001"), params, t0, out);
  CHECK(out.empty());
  CHECK(s.tracked_known() == 0);
}

TEST_CASE("manual clear ends a suspension at once", "[policy][auth_suspend]") {
  auth_suspend s;
  const auto params = suspend_on(1, 600);
  std::vector<decision> out;
  s.on_failure(failure("1001"), params, t0, out);
  out.clear();
  CHECK(s.clear("1001", "alice", t0 + 5s, out));
  REQUIRE(out.size() == 1);
  CHECK(std::get<unsuspend>(out[0].what).reason == "manual");
  CHECK(std::get<unsuspend>(out[0].what).actor == "alice");
  CHECK_FALSE(s.is_suspended("1001", t0 + 6s));
  out.clear();
  s.on_tick(t0 + 1000s, out);
  CHECK(out.empty());  // the stale timer fires nothing
  CHECK_FALSE(s.clear("1001", "alice", t0 + 1001s, out));
}

TEST_CASE("unknown names are suspended like real ones, in a bounded LRU", "[policy][auth_suspend]") {
  auth_suspend s(auth_suspend_limits{100, 3});
  const auto params = suspend_on(2, 600);
  std::vector<decision> out;
  s.on_failure(failure("ghost", failure_reason::unknown_user), params, t0, out);
  s.on_failure(failure("ghost", failure_reason::unknown_user), params, t0, out);
  REQUIRE(out.size() == 1);
  CHECK(std::get<suspend>(out[0].what).endpoint == "ghost");

  // Many more invented names: memory stays at the bound, the suspended one is kept.
  for (int i = 0; i < 1000; ++i) {
    s.on_failure(failure("u" + std::to_string(i), failure_reason::unknown_user), params, t0, out);
  }
  CHECK(s.tracked_unknown() <= 3);
  CHECK(s.is_suspended("ghost", t0 + 1s));
  CHECK(s.tracked_known() == 0);
}

TEST_CASE("restored suspensions expire on time", "[policy][auth_suspend]") {
  auth_suspend s;
  s.restore("1001", t0 + 30s, true);
  CHECK(s.is_suspended("1001", t0));
  std::vector<decision> out;
  s.on_tick(t0 + 30s, out);
  REQUIRE(out.size() == 1);
  CHECK(std::get<unsuspend>(out[0].what).endpoint == "1001");
}

namespace {
report suspended_elsewhere(const std::string& endpoint, base::timestamp since, base::timestamp until) {
  report r;
  r.type = report_type::endpoint_suspended;
  r.endpoint = endpoint;
  r.time = since;
  r.until = until;
  r.failures = 5;
  r.ip = *base::ip_address::parse("203.0.113.7");
  return r;
}
}  // namespace

TEST_CASE("a suspension the switch made is adopted with the time it began", "[policy][auth_suspend]") {
  auth_suspend s;
  std::vector<decision> out;
  s.adopt(suspended_elsewhere("1001", t0, t0 + 600s), t0 + 30s, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].time == t0);  // audited at its start, not when the agent heard of it
  const auto& d = std::get<suspend>(out[0].what);
  CHECK(d.actor == "switch");
  CHECK(d.until == t0 + 600s);
  CHECK(d.failures == 5);
  CHECK(s.is_suspended("1001", t0 + 31s));
  // Reported again (each connect) or already decided here: nothing new.
  s.adopt(suspended_elsewhere("1001", t0, t0 + 600s), t0 + 40s, out);
  CHECK(out.size() == 1);
  // It ends at its time, stamped then.
  s.on_tick(t0 + 600s, out);
  REQUIRE(out.size() == 2);
  CHECK(out[1].time == t0 + 600s);
  CHECK(std::get<unsuspend>(out[1].what).reason == "expired");
}

TEST_CASE("one that ended while the agent was away is audited and expires", "[policy][auth_suspend]") {
  auth_suspend s;
  std::vector<decision> out;
  s.adopt(suspended_elsewhere("1001", t0, t0 + 60s), t0 + 3600s, out);
  s.on_tick(t0 + 3600s, out);
  REQUIRE(out.size() == 2);
  CHECK(std::holds_alternative<suspend>(out[0].what));
  CHECK(out[1].time == t0 + 60s);
  CHECK_FALSE(s.is_suspended("1001", t0 + 3600s));
}

TEST_CASE("a cleared suspension is not brought back by a switch that missed the clear", "[policy][auth_suspend]") {
  auth_suspend s;
  std::vector<decision> out;
  s.adopt(suspended_elsewhere("1001", t0, t0 + 600s), t0 + 1s, out);
  REQUIRE(s.clear("1001", "admin", t0 + 10s, out));
  REQUIRE(out.size() == 2);
  // The switch was away during the clear and reports its suspension again on reconnect:
  // the answer is the clear once more, for that switch.
  s.adopt(suspended_elsewhere("1001", t0, t0 + 600s), t0 + 20s, out);
  REQUIRE(out.size() == 3);
  const auto& u = std::get<unsuspend>(out[2].what);
  CHECK(u.reason == "manual");
  CHECK(u.actor == "admin");
  CHECK_FALSE(s.is_suspended("1001", t0 + 20s));
  // A new suspension after the clear is adopted.
  s.adopt(suspended_elsewhere("1001", t0 + 30s, t0 + 630s), t0 + 31s, out);
  REQUIRE(out.size() == 4);
  CHECK(s.is_suspended("1001", t0 + 31s));
}
