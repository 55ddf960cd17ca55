#include "policy/protection.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::policy;
using namespace std::chrono_literals;

namespace {
const base::timestamp t0 = base::from_unix_seconds(1764158400);
base::ip_prefix prefix(const char* text) { return *base::ip_prefix::parse(text); }
base::ip_address address(const char* text) { return *base::ip_address::parse(text); }
}  // namespace

TEST_CASE("whitelist and gateway CIDRs protect what they overlap", "[policy][protection]") {
  protection_set p;
  p.set_whitelist({prefix("192.0.2.10/32"), prefix("2001:db8:1::/48")});
  p.set_gateways({prefix("198.51.100.0/24")});
  CHECK(p.protects(prefix("192.0.2.10/32"), t0) == protection::whitelist);
  CHECK(p.protects(prefix("2001:db8:1:5::/64"), t0) == protection::whitelist);
  CHECK(p.protects(prefix("198.51.100.7/32"), t0) == protection::gateway);
  CHECK_FALSE(p.protects(prefix("192.0.2.11/32"), t0));
  CHECK_FALSE(p.protects(prefix("2001:db8:2::/64"), t0));
}

TEST_CASE("a live registration protects its address and its prefix", "[policy][protection]") {
  protection_set p;
  CHECK(p.on_registered(address("203.0.113.20"), t0 + 3600s, t0) == protection_set::change::added);
  CHECK(p.on_registered(address("203.0.113.20"), t0 + 3600s, t0 + 1s) == protection_set::change::none);
  CHECK(p.on_registered(address("2001:db8::20"), t0 + 60s, t0) == protection_set::change::added);
  CHECK(p.protects(prefix("203.0.113.20/32"), t0 + 10s) == protection::registered);
  CHECK(p.protects(prefix("2001:db8::/64"), t0 + 10s) == protection::registered);
  CHECK_FALSE(p.protects(prefix("2001:db8::/64"), t0 + 61s));  // expired
  CHECK(p.on_registered(address("203.0.113.20"), t0, t0 + 20s) == protection_set::change::removed);  // Expires: 0
  CHECK_FALSE(p.protects(prefix("203.0.113.20/32"), t0 + 21s));
  const auto gone = p.expire(t0 + 100s);
  REQUIRE(gone.size() == 1);
  CHECK(gone[0] == address("2001:db8::20"));
  CHECK(p.registered_count() == 0);
}

TEST_CASE("v4-mapped registrations protect the v4 address", "[policy][protection]") {
  protection_set p;
  p.on_registered(address("::ffff:203.0.113.21"), t0 + 3600s, t0);
  CHECK(p.protects(prefix("203.0.113.21/32"), t0) == protection::registered);
}
