#include "policy/engine.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::policy;
using namespace std::chrono_literals;

namespace {
const base::timestamp t0 = base::from_unix_seconds(1764158400);

report make(report_type type, const char* ip, const std::string& endpoint = "") {
  report r;
  r.type = type;
  r.ip = *base::ip_address::parse(ip);
  r.endpoint = endpoint;
  r.verified = true;
  r.reason = failure_reason::wrong_password;
  r.expires = 3600;
  return r;
}

std::vector<decision> feed(engine& e, const report& r, int times, base::timestamp now) {
  std::vector<decision> out;
  for (int i = 0; i < times; ++i) e.on_report(r, now, out);
  return out;
}

template <typename T>
std::size_t count_of(const std::vector<decision>& ds) {
  return static_cast<std::size_t>(std::count_if(ds.begin(), ds.end(), [](const decision& d) { return std::holds_alternative<T>(d.what); }));
}
}  // namespace

TEST_CASE("failed registrations over the threshold block the source", "[policy][engine]") {
  engine e;
  const auto out = feed(e, make(report_type::register_failed, "203.0.113.7", "1001"), 10, t0);
  REQUIRE(out.size() == 1);
  const auto& b = std::get<block>(out[0].what);
  CHECK(b.address.to_string() == "203.0.113.7/32");
  CHECK(b.reason == block_reason::register_failures);
  CHECK(b.until == t0 + 3600s);
  CHECK(b.why.count == 10);
  CHECK(b.why.endpoint == "1001");
}

TEST_CASE("failing many endpoints is extension scanning", "[policy][engine]") {
  engine e;
  std::vector<decision> out;
  for (int i = 0; i < 5; ++i) e.on_report(make(report_type::register_failed, "203.0.113.8", std::to_string(100 + i)), t0, out);
  REQUIRE(out.size() == 1);
  CHECK(std::get<block>(out[0].what).reason == block_reason::distinct_endpoints);
}

TEST_CASE("failed call authentications count like failed registrations", "[policy][engine]") {
  engine e;
  const auto out = feed(e, make(report_type::call_auth_failed, "203.0.113.7", "1001"), 10, t0);
  REQUIRE(out.size() == 1);
  CHECK(std::get<block>(out[0].what).reason == block_reason::register_failures);
}

TEST_CASE("illegal calls over the threshold block the source", "[policy][engine]") {
  engine e;
  auto out = feed(e, make(report_type::illegal_call, "203.0.113.9"), 2, t0);
  CHECK(out.empty());
  out = feed(e, make(report_type::illegal_call, "203.0.113.9"), 1, t0 + 1s);
  REQUIRE(out.size() == 1);
  CHECK(std::get<block>(out[0].what).reason == block_reason::illegal_calls);
  // Reports from a blocked source change nothing.
  CHECK(feed(e, make(report_type::illegal_call, "203.0.113.9"), 100, t0 + 2s).empty());
}

TEST_CASE("malformed SIP counts against the failure threshold", "[policy][engine]") {
  engine e;
  const auto out = feed(e, make(report_type::malformed_sip, "203.0.113.10"), 10, t0);
  REQUIRE(out.size() == 1);
  CHECK(std::get<block>(out[0].what).reason == block_reason::malformed_sip);
}

TEST_CASE("a scanner User-Agent blocks at once, unless switched off", "[policy][engine]") {
  engine e;
  auto r = make(report_type::register_failed, "203.0.113.11", "1001");
  r.user_agent = "friendly-scanner";
  auto out = feed(e, r, 1, t0);
  REQUIRE(out.size() == 1);
  CHECK(std::get<block>(out[0].what).reason == block_reason::scanner_ua);

  auto seen = make(report_type::scanner_seen, "203.0.113.12");
  CHECK(feed(e, seen, 1, t0).size() == 1);

  REQUIRE_FALSE(e.parameters().set(parameter::BLACKLIST_SCANNER_UA, 0, parameter_origin::runtime));
  seen.ip = *base::ip_address::parse("203.0.113.13");
  CHECK(feed(e, seen, 5, t0).empty());
}

TEST_CASE("the whitelist is never blocked, the decision says so", "[policy][engine]") {
  engine e;
  e.protections().set_whitelist({*base::ip_prefix::parse("192.0.2.10/32")});
  const auto out = feed(e, make(report_type::register_failed, "192.0.2.10", "1001"), 1000, t0);
  CHECK(count_of<block>(out) == 0);
  CHECK(count_of<protected_source>(out) == 100);
  CHECK(std::get<protected_source>(out[0].what).kind == protection::whitelist);
}

TEST_CASE("gateways and registered sources are protected", "[policy][engine]") {
  engine e;
  e.protections().set_gateways({*base::ip_prefix::parse("198.51.100.0/24")});
  auto out = feed(e, make(report_type::illegal_call, "198.51.100.7"), 3, t0);
  REQUIRE(out.size() == 1);
  CHECK(std::get<protected_source>(out[0].what).kind == protection::gateway);

  feed(e, make(report_type::register_ok, "203.0.113.20", "1002"), 1, t0);
  out = feed(e, make(report_type::register_failed, "203.0.113.20", "1003"), 10, t0 + 1s);
  REQUIRE(out.size() == 1);
  CHECK(std::get<protected_source>(out[0].what).kind == protection::registered);
}

TEST_CASE("an IPv6 attacker rotating inside one /64 is blocked as the prefix", "[policy][engine]") {
  engine e;
  std::vector<decision> out;
  for (int i = 1; i <= 3; ++i) {
    auto r = make(report_type::illegal_call, ("2001:db8:7:7::" + std::to_string(i)).c_str());
    e.on_report(r, t0, out);
  }
  REQUIRE(out.size() == 1);
  CHECK(std::get<block>(out[0].what).address.to_string() == "2001:db8:7:7::/64");
  CHECK(e.source_of(*base::ip_address::parse("2001:db8:7:7:ffff::1")).to_string() == "2001:db8:7:7::/64");
}

TEST_CASE("blocks expire, and repeat offenders are blocked longer", "[policy][engine]") {
  engine e;
  auto out = feed(e, make(report_type::illegal_call, "203.0.113.9"), 3, t0);
  REQUIRE(out.size() == 1);
  out.clear();
  e.on_tick(t0 + 3600s, out);
  REQUIRE(out.size() == 1);
  CHECK(std::get<release>(out[0].what).reason == "expired");
  out = feed(e, make(report_type::illegal_call, "203.0.113.9"), 3, t0 + 4000s);
  REQUIRE(out.size() == 1);
  const auto& b = std::get<block>(out[0].what);
  CHECK(b.repeat == 1);
  CHECK(b.until == t0 + 4000s + 7200s);
}

TEST_CASE("with the blacklist off nothing is blocked, suspensions still work", "[policy][engine]") {
  parameter_set p;
  REQUIRE_FALSE(p.set(parameter::BLACKLIST_ENABLE, 0, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERSUSPEND, 1, parameter_origin::config));
  engine e(p);
  const auto out = feed(e, make(report_type::register_failed, "203.0.113.7", "1001"), 50, t0);
  CHECK(count_of<block>(out) == 0);
  CHECK(count_of<suspend>(out) == 1);
}

TEST_CASE("REGISTERs refused for a suspension count against the source", "[policy][engine]") {
  parameter_set p;
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERSUSPEND, 1, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERRETRY, 5, parameter_origin::config));
  engine e(p);
  auto out = feed(e, make(report_type::register_failed, "203.0.113.7", "1001"), 5, t0);
  CHECK(count_of<suspend>(out) == 1);
  auto refused = make(report_type::register_failed, "203.0.113.7", "1001");
  refused.reason = failure_reason::suspended;
  out = feed(e, refused, 5, t0 + 1s);
  REQUIRE(count_of<block>(out) == 1);
}

TEST_CASE("manual blocks: whitelist refused unless forced, permanent, released by hand", "[policy][engine]") {
  engine e;
  e.protections().set_whitelist({*base::ip_prefix::parse("192.0.2.0/24")});
  std::vector<decision> out;
  const auto admin = *base::ip_prefix::parse("192.0.2.10/32");
  CHECK(e.block_manually(admin, 3600s, "alice", "test", false, t0, out) == manual_block_result::refused_whitelisted);
  CHECK(out.empty());
  CHECK(e.block_manually(admin, 3600s, "alice", "test", true, t0, out) == manual_block_result::blocked);
  CHECK(std::get<block>(out.at(0).what).actor == "alice");

  const auto attacker = *base::ip_prefix::parse("203.0.113.0/24");
  CHECK(e.block_manually(attacker, std::nullopt, "alice", "botnet", false, t0, out) == manual_block_result::blocked);
  CHECK_FALSE(std::get<block>(out.back().what).until);
  out.clear();
  e.on_tick(t0 + 3650 * 86400s, out);
  CHECK(count_of<release>(out) == 1);  // the timed one only
  CHECK(e.release_manually(attacker, "bob", t0, out));
  CHECK(std::get<release>(out.back().what).actor == "bob");
  CHECK_FALSE(e.release_manually(attacker, "bob", t0, out));
  CHECK(e.block_manually(attacker, 0s, "alice", "", false, t0, out) == manual_block_result::refused_invalid);
}

TEST_CASE("the source table is bounded", "[policy][engine]") {
  engine_options options;
  options.max_sources = 100;
  engine e(parameter_set{}, options);
  std::vector<decision> out;
  for (int i = 0; i < 1000; ++i) {
    auto r = make(report_type::illegal_call, "203.0.113.1");
    r.ip = base::ip_address::v4({10, 0, static_cast<std::uint8_t>(i / 256), static_cast<std::uint8_t>(i % 256)});
    e.on_report(r, t0, out);
  }
  CHECK(e.sources().size() == 100);
  CHECK(e.sources().untracked() == 900);
  // A window later the stale ones make room again.
  auto r = make(report_type::illegal_call, "198.51.100.1");
  e.on_report(r, t0 + 200s, out);
  CHECK(e.sources().size() == 1);
}

TEST_CASE("next_due points at the earliest timer", "[policy][engine]") {
  parameter_set p;
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERSUSPEND, 1, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERRETRY, 1, parameter_origin::config));
  REQUIRE_FALSE(p.set(parameter::SS_ENDPOINTREGISTERSUSPENDTIME, 60, parameter_origin::config));
  engine e(p);
  CHECK_FALSE(e.next_due());
  feed(e, make(report_type::illegal_call, "203.0.113.9"), 3, t0);
  CHECK(e.next_due() == t0 + 3600s);
  feed(e, make(report_type::register_failed, "198.51.100.1", "1001"), 1, t0);
  CHECK(e.next_due() == t0 + 60s);
}

TEST_CASE("registrations coming and going are reported as trust changes", "[policy][engine]") {
  engine e;
  auto ok = make(report_type::register_ok, "203.0.113.20", "1002");
  ok.expires = 60;
  feed(e, ok, 2, t0);
  auto changes = e.take_trust_changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].trusted);
  std::vector<decision> out;
  e.on_tick(t0 + 120s, out);
  changes = e.take_trust_changes();
  REQUIRE(changes.size() == 1);
  CHECK_FALSE(changes[0].trusted);
  CHECK(changes[0].address.to_string() == "203.0.113.20");
}
