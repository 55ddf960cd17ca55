#include "policy/block_table.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::policy;
using namespace std::chrono_literals;

namespace {
const base::timestamp t0 = base::from_unix_seconds(1764158400);
const base::ip_prefix attacker = *base::ip_prefix::parse("203.0.113.9/32");

parameter_set params_with(std::int64_t duration, std::int64_t multiplier, std::int64_t recidive, std::int64_t cap) {
  parameter_set p;
  REQUIRE_FALSE(p.set(parameter::BLACKLIST_DURATION, duration, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::BLACKLIST_DURATION_MULTIPLIER, multiplier, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::BLACKLIST_RECIDIVE_WINDOW, recidive, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::BLACKLIST_MAX_DURATION, cap, parameter_origin::config));
  return p;
}

// Blocks `attacker` at `now` and lets it expire; returns the block's length in seconds.
std::int64_t block_and_expire(block_table& table, const parameter_set& params, base::timestamp now) {
  const auto [until, repeat] = table.escalate(attacker, params, now);
  REQUIRE(until);
  table.add(attacker, {until, block_reason::illegal_calls, repeat});
  std::vector<decision> out;
  table.on_tick(*until, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].time == *until);
  return std::chrono::duration_cast<std::chrono::seconds>(*until - now).count();
}
}  // namespace

TEST_CASE("repeat blocks escalate by the multiplier up to the cap", "[policy][block_table]") {
  block_table table;
  const auto params = params_with(3600, 2, 86400, 4 * 3600);
  base::timestamp now = t0;
  CHECK(block_and_expire(table, params, now) == 3600);
  now += 3600s + 10s;
  CHECK(block_and_expire(table, params, now) == 7200);
  now += 7200s + 10s;
  CHECK(block_and_expire(table, params, now) == 14400);
  now += 14400s + 10s;
  CHECK(block_and_expire(table, params, now) == 14400);  // capped
}

TEST_CASE("a repeat after the recidive window starts over", "[policy][block_table]") {
  block_table table;
  const auto params = params_with(60, 3, 600, 100000);
  CHECK(block_and_expire(table, params, t0) == 60);
  CHECK(block_and_expire(table, params, t0 + 60s + 600s) == 180);     // released at 60 s, within 600 s
  CHECK(block_and_expire(table, params, t0 + 2000s) == 60);           // long after the last release
}

TEST_CASE("BLACKLIST_DURATION 0 blocks permanently", "[policy][block_table]") {
  block_table table;
  const auto params = params_with(0, 2, 86400, 604800);
  const auto [until, repeat] = table.escalate(attacker, params, t0);
  CHECK_FALSE(until);
  table.add(attacker, {until, block_reason::manual, repeat});
  std::vector<decision> out;
  table.on_tick(t0 + 1000 * 86400s, out);
  CHECK(out.empty());
  CHECK(table.blocked(attacker, t0 + 1000 * 86400s));
}

TEST_CASE("a manual release stops the timer and counts for recidivism", "[policy][block_table]") {
  block_table table;
  const auto params = params_with(100, 2, 86400, 10000);
  table.add(attacker, {t0 + 100s, block_reason::illegal_calls, 0});
  CHECK(table.remove(attacker, t0 + 10s));
  CHECK_FALSE(table.remove(attacker, t0 + 11s));
  std::vector<decision> out;
  table.on_tick(t0 + 200s, out);
  CHECK(out.empty());
  CHECK(table.escalate(attacker, params, t0 + 20s).second == 1);
  table.prune(params, t0 + 10s + 86401s);
  CHECK(table.escalate(attacker, params, t0 + 10s + 86401s).second == 0);
}

TEST_CASE("huge multipliers do not overflow", "[policy][block_table]") {
  block_table table;
  const auto params = params_with(31536000, 100, 31536000, 31536000);
  base::timestamp now = t0;
  for (int i = 0; i < 5; ++i) {
    CHECK(block_and_expire(table, params, now) == 31536000);
    now += 31536000s + 1s;
  }
}
