#include "switch/tcp_admission.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace tollgate;
using switch_::admission;
using namespace std::chrono_literals;

namespace {

base::ip_address ip(const char* text) { return *base::ip_address::parse(text); }
base::steady_timestamp at(std::chrono::milliseconds t) { return base::steady_timestamp{t}; }
const switch_::trust_test nobody = [](const base::ip_address&) { return false; };

}  // namespace

TEST_CASE("source keys: IPv4 as is, IPv6 by its network, IPv4-mapped as IPv4", "[switch][tcp_admission]") {
  CHECK(switch_::source_key(ip("198.51.100.7"), 64) == ip("198.51.100.7"));
  CHECK(switch_::source_key(ip("::ffff:198.51.100.7"), 64) == ip("198.51.100.7"));
  CHECK(switch_::source_key(ip("2001:db8:1:2:aaaa::1"), 64) == ip("2001:db8:1:2::"));
  CHECK(switch_::source_key(ip("2001:db8:1:2:aaaa::1"), 48) == ip("2001:db8:1::"));
  CHECK(switch_::source_key(ip("2001:db8::1"), 128) == ip("2001:db8::1"));
}

TEST_CASE("per-source limit: one IPv6 /64 counts as one source", "[switch][tcp_admission]") {
  switch_::tcp_admission a({.max_connections = 100, .max_per_source = 2, .v6_source_prefix = 64});
  a.add(1, ip("2001:db8:0:1::1"), at(0ms));
  a.add(2, ip("2001:db8:0:1::2"), at(0ms));
  CHECK(a.from_source(ip("2001:db8:0:1:ffff::9")) == 2);
  CHECK(a.admit(ip("2001:db8:0:1::3"), a.size(), nobody).what == admission::verdict::refuse_per_source);
  CHECK(a.admit(ip("2001:db8:0:2::1"), a.size(), nobody).what == admission::verdict::accept);
  a.remove(1);
  CHECK(a.admit(ip("2001:db8:0:1::3"), a.size(), nobody).what == admission::verdict::accept);
  a.remove(2);
  a.remove(2);  // twice is harmless
  CHECK(a.from_source(ip("2001:db8:0:1::1")) == 0);
  CHECK(a.size() == 0);
}

TEST_CASE("trusted sources (registered, gateways) are exempt from the per-source limit", "[switch][tcp_admission]") {
  switch_::tcp_admission a({.max_connections = 100, .max_per_source = 2});
  const auto office = ip("203.0.113.10");
  const switch_::trust_test registered = [&](const base::ip_address& a) { return a == office; };
  for (std::uint64_t id = 1; id <= 10; ++id) {
    REQUIRE(a.admit(office, a.size(), registered).what == admission::verdict::accept);
    a.add(id, office, at(0ms));
  }
  CHECK(a.from_source(office) == 10);
  CHECK(a.admit(office, a.size(), nobody).what == admission::verdict::refuse_per_source);
}

TEST_CASE("full: the newcomer evicts, slow connections before quiet ones", "[switch][tcp_admission]") {
  switch_::tcp_admission a({.max_connections = 3, .max_per_source = 3});
  // 1: a phone that sent a REGISTER at 1 s and has been quiet since.
  a.add(1, ip("198.51.100.1"), at(0ms));
  a.on_read(1, 1, false, at(1s));
  // 2: a trickler with a message open since 2 s; 3: another since 5 s.
  a.add(2, ip("198.51.100.2"), at(2s));
  a.on_read(2, 0, true, at(2s));
  a.on_read(2, 0, true, at(9s));
  a.add(3, ip("198.51.100.3"), at(5s));
  a.on_read(3, 0, true, at(5s));
  a.on_read(3, 0, true, at(9s));
  auto d = a.admit(ip("192.0.2.50"), a.size(), nobody);
  REQUIRE(d.what == admission::verdict::evict_then_accept);
  CHECK(d.victim == 2);  // the oldest incomplete message
  a.remove(2);
  a.add(4, ip("192.0.2.50"), at(10s));
  d = a.admit(ip("192.0.2.51"), a.size(), nobody);
  REQUIRE(d.what == admission::verdict::evict_then_accept);
  CHECK(d.victim == 3);
  a.remove(3);
  a.add(5, ip("192.0.2.51"), at(11s));
  // 4 and 5 have sent nothing yet: unproven, so they go before the quiet phone, 4 first.
  d = a.admit(ip("192.0.2.52"), a.size(), nobody);
  CHECK(d.victim == 4);
  a.on_read(4, 1, false, at(12s));
  a.on_read(5, 1, false, at(13s));
  // All idle now: the one heard from longest ago goes.
  d = a.admit(ip("192.0.2.52"), a.size(), nobody);
  CHECK(d.victim == 1);
}

TEST_CASE("full: trusted connections are evicted last, and never for an untrusted newcomer", "[switch][tcp_admission]") {
  switch_::tcp_admission a({.max_connections = 2, .max_per_source = 2});
  const auto gateway = ip("198.51.100.200");
  const switch_::trust_test trusted = [&](const base::ip_address& a) { return a == gateway; };
  a.add(1, gateway, at(0ms));  // trusted and silent: unproven, yet kept
  a.add(2, ip("192.0.2.9"), at(5s));
  a.on_read(2, 1, false, at(6s));  // untrusted, idle, newer
  auto d = a.admit(ip("192.0.2.10"), a.size(), trusted);
  REQUIRE(d.what == admission::verdict::evict_then_accept);
  CHECK(d.victim == 2);
  a.remove(2);
  a.add(3, gateway, at(7s));
  CHECK(a.admit(ip("192.0.2.10"), a.size(), trusted).what == admission::verdict::refuse_full);
  // A trusted newcomer may take a trusted slot: the least useful one.
  d = a.admit(gateway, a.size(), trusted);
  REQUIRE(d.what == admission::verdict::evict_then_accept);
  CHECK(d.victim == 1);
}

TEST_CASE("connections the switch opened share the total but are never evicted", "[switch][tcp_admission]") {
  switch_::tcp_admission a({.max_connections = 3, .max_per_source = 3});
  a.add(1, ip("198.51.100.1"), at(0ms));
  const std::size_t outbound = 2;
  auto d = a.admit(ip("192.0.2.1"), a.size() + outbound, nobody);
  REQUIRE(d.what == admission::verdict::evict_then_accept);
  CHECK(d.victim == 1);
  a.remove(1);
  CHECK(a.admit(ip("192.0.2.1"), a.size() + 3, nobody).what == admission::verdict::refuse_full);
}

TEST_CASE("a pipelined read that completes one message and opens the next restarts its clock", "[switch][tcp_admission]") {
  switch_::tcp_admission a({.max_connections = 2, .max_per_source = 2});
  a.add(1, ip("198.51.100.1"), at(0ms));
  a.on_read(1, 0, true, at(0ms));   // message 1 open since 0
  a.add(2, ip("198.51.100.2"), at(1s));
  a.on_read(2, 0, true, at(1s));    // open since 1 s
  a.on_read(1, 1, true, at(2s));    // message 1 done, message 2 open since 2 s
  CHECK(a.admit(ip("192.0.2.1"), a.size(), nobody).victim == 2);
}

TEST_CASE("eviction under a bounded flood: the total never exceeds the limit and trusted slots stay",
          "[switch][tcp_admission]") {
  const std::size_t limit = 64;
  switch_::tcp_admission a({.max_connections = limit, .max_per_source = 8});
  const auto office = ip("203.0.113.10");
  const switch_::trust_test trusted = [&](const base::ip_address& a) { return a == office; };
  std::set<std::uint64_t> office_ids;
  std::uint64_t next = 1;
  for (int i = 0; i < 16; ++i) {
    office_ids.insert(next);
    a.add(next, office, at(0ms));
    a.on_read(next++, 1, false, at(0ms));
  }
  for (int i = 0; i < 5000; ++i) {
    const auto source = base::ip_address::v4({192, 0, 2, static_cast<std::uint8_t>(i % 250)});
    auto d = a.admit(source, a.size(), trusted);
    if (d.what == admission::verdict::refuse_per_source) continue;
    REQUIRE(d.what != admission::verdict::refuse_full);
    if (d.what == admission::verdict::evict_then_accept) {
      REQUIRE(office_ids.count(d.victim) == 0);
      a.remove(d.victim);
    }
    a.add(next, source, at(std::chrono::milliseconds{i}));
    a.on_read(next++, 0, true, at(std::chrono::milliseconds{i}));
    REQUIRE(a.size() <= limit);
  }
  CHECK(a.size() == limit);
  CHECK(a.from_source(office) == 16);
}
