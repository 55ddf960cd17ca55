// A deterministic simulation of users and attackers against the engine: seeded random
// traffic on a manual clock, invariants checked at the end. On failure the seed is printed;
// TOLLGATE_SEED=N reruns one seed.
#include "policy/engine.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

using namespace tollgate;
using namespace tollgate::policy;
using namespace std::chrono_literals;

namespace {

constexpr int retry = 4;
const base::ip_prefix admin_net = *base::ip_prefix::parse("192.0.2.0/28");

struct world {
  std::mt19937_64 rng;
  base::timestamp now = base::from_unix_seconds(1764158400);

  explicit world(std::uint64_t seed) : rng(seed) {}
  int pick(int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return pick(100) < percent; }
};

report make(report_type type, base::ip_address ip, std::string endpoint) {
  report r;
  r.type = type;
  r.ip = ip;
  r.endpoint = std::move(endpoint);
  r.verified = true;
  r.expires = 600;
  return r;
}

base::ip_address v4(int a, int b, int c, int d) {
  return base::ip_address::v4({static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(c),
                               static_cast<std::uint8_t>(d)});
}

// The reference model of authentication suspend: a plain map, no cleverness.
struct suspend_model {
  std::map<std::string, int> failures;
  std::map<std::string, base::timestamp> suspended_until;

  bool suspended(const std::string& e, base::timestamp now) const {
    const auto it = suspended_until.find(e);
    return it != suspended_until.end() && it->second > now;
  }
  // Returns true when this failure suspends.
  bool fail(const report& r, base::timestamp now) {
    if (!r.verified || r.reason == failure_reason::stale_nonce || r.reason == failure_reason::suspended) return false;
    if (suspended(r.endpoint, now)) return false;
    if (++failures[r.endpoint] < retry) return false;
    failures[r.endpoint] = 0;
    suspended_until[r.endpoint] = now + 300s;
    return true;
  }
  void succeed(const std::string& e) { failures[e] = 0; }
  void expire(base::timestamp now) {
    for (auto it = suspended_until.begin(); it != suspended_until.end();) {
      if (it->second <= now) {
        failures[it->first] = 0;
        it = suspended_until.erase(it);
      } else {
        ++it;
      }
    }
  }
};

void run(std::uint64_t seed) {
  INFO("seed " << seed << " (rerun with TOLLGATE_SEED=" << seed << ")");
  world w(seed);
  parameter_set p;
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERSUSPEND, 1, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERRETRY, retry, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERSUSPENDTIME, 300, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::BLACKLIST_DURATION, 120, parameter_origin::config));
  engine_options options;
  options.max_sources = 64;  // small, so that eviction is exercised too
  options.endpoints.max_unknown_endpoints = 1000;  // the model does not evict; tested apart
  engine e(p, options);
  e.protections().set_whitelist({admin_net});

  suspend_model model;
  std::vector<decision> all;
  std::vector<decision> out;
  std::set<std::pair<std::string, std::int64_t>> expected_suspends;

  for (int step = 0; step < 4000; ++step) {
    w.now += std::chrono::milliseconds{w.pick(3000)};
    e.on_tick(w.now, out);
    model.expire(w.now);

    report r;
    const int who = w.pick(10);
    if (who < 4) {  // a user: mostly right, sometimes a typo
      const int user = w.pick(8);
      r = make(w.chance(85) ? report_type::register_ok : report_type::register_failed, v4(198, 51, 100, 10 + user),
               "u" + std::to_string(user));
    } else if (who < 5) {  // the admin, from a whitelisted address, fumbling endlessly
      r = make(report_type::register_failed, v4(192, 0, 2, 1 + w.pick(10)), "admin");
    } else if (who < 8) {  // password guessing and extension scanning
      const bool unknown = w.chance(50);
      r = make(report_type::register_failed, v4(203, 0, 113, w.pick(40)),
               unknown ? "x" + std::to_string(w.pick(100)) : "u" + std::to_string(w.pick(8)));
      r.reason = unknown ? failure_reason::unknown_user : failure_reason::wrong_password;
      r.verified = w.chance(90);
      if (w.chance(5)) r.reason = failure_reason::stale_nonce;
      if (w.chance(2)) r.user_agent = "friendly-scanner";
    } else {  // toll fraud from everywhere, v6 included
      r = w.chance(50) ? make(report_type::illegal_call, v4(203, 0, 113, 100 + w.pick(20)), "")
                       : make(report_type::illegal_call, *base::ip_address::parse("2001:db8:66::1"), "");
      if (r.ip.family() == base::ip_family::v6) {
        auto bytes = r.ip.bytes();
        bytes[15] = static_cast<std::uint8_t>(w.pick(256));
        bytes[7] = static_cast<std::uint8_t>(w.pick(3));
        r.ip = base::ip_address::v6(bytes);
      }
    }
    r.time = w.now;

    if (r.type == report_type::register_ok) model.succeed(r.endpoint);
    if (r.type == report_type::register_failed && model.fail(r, w.now)) {
      expected_suspends.insert({r.endpoint, w.now.time_since_epoch().count()});
    }
    e.on_report(r, w.now, out);
    all.insert(all.end(), out.begin(), out.end());
    out.clear();
  }
  // Run the clock far past every timer.
  e.on_tick(w.now + 365 * 24h, out);
  all.insert(all.end(), out.begin(), out.end());

  std::set<std::pair<std::string, std::int64_t>> suspends;
  std::map<std::string, std::vector<base::timestamp>> suspend_ends;
  std::map<std::string, std::vector<base::timestamp>> unsuspends;
  std::map<base::ip_prefix, std::vector<base::timestamp>> block_ends;
  std::map<base::ip_prefix, std::vector<base::timestamp>> releases;
  std::size_t blocks = 0;
  for (const auto& d : all) {
    if (const auto* s = std::get_if<suspend>(&d.what)) {
      suspends.insert({s->endpoint, d.time.time_since_epoch().count()});
      suspend_ends[s->endpoint].push_back(s->until);
    } else if (const auto* u = std::get_if<unsuspend>(&d.what)) {
      unsuspends[u->endpoint].push_back(d.time);
    } else if (const auto* b = std::get_if<block>(&d.what)) {
      ++blocks;
      // Invariant: a whitelisted source is never blocked.
      CHECK_FALSE(admin_net.contains(b->address));
      REQUIRE(b->until);
      block_ends[b->address].push_back(*b->until);
    } else if (const auto* rel = std::get_if<release>(&d.what)) {
      releases[rel->address].push_back(d.time);
    }
  }
  // Invariant: suspensions happen exactly when the reference model says (counts reset on
  // success, only verified failures count, nothing counts while suspended).
  CHECK(suspends == expected_suspends);
  // Invariant: every suspended endpoint is released exactly at expiry.
  CHECK(unsuspends == suspend_ends);
  // Invariant: every block is released exactly at its end.
  CHECK(releases == block_ends);
  // The scenario really exercised the engine.
  CHECK(blocks > 0);
  CHECK(!suspends.empty());
}

}  // namespace

TEST_CASE("simulated users and attackers keep the invariants", "[policy][simulation]") {
  if (const char* env = std::getenv("TOLLGATE_SEED")) {
    run(std::strtoull(env, nullptr, 10));
    return;
  }
  for (std::uint64_t seed = 1; seed <= 25; ++seed) run(seed);
}
