#include "base/ip_address.hpp"

#include <catch2/catch.hpp>

#include <unordered_set>

using namespace tollgate::base;

TEST_CASE("addresses parse and print", "[base][ip_address]") {
  CHECK(ip_address::parse("203.0.113.7")->to_string() == "203.0.113.7");
  CHECK(ip_address::parse("2001:db8::1")->to_string() == "2001:db8::1");
  CHECK(ip_address::parse("[2001:db8::1]")->family() == ip_family::v6);
  CHECK_FALSE(ip_address::parse(""));
  CHECK_FALSE(ip_address::parse("203.0.113"));
  CHECK_FALSE(ip_address::parse("203.0.113.256"));
  CHECK_FALSE(ip_address::parse("example.com"));
  CHECK_FALSE(ip_address::parse(std::string(200, '1')));
}

TEST_CASE("v4-mapped v6 addresses become v4", "[base][ip_address]") {
  const auto mapped = ip_address::parse("::ffff:198.51.100.20");
  REQUIRE(mapped);
  CHECK(mapped->unmapped() == *ip_address::parse("198.51.100.20"));
  CHECK(ip_address::parse("2001:db8::1")->unmapped().family() == ip_family::v6);
}

TEST_CASE("prefixes parse, mask and contain", "[base][ip_address]") {
  const auto net = ip_prefix::parse("198.51.100.0/24");
  REQUIRE(net);
  CHECK(net->contains(*ip_address::parse("198.51.100.77")));
  CHECK_FALSE(net->contains(*ip_address::parse("198.51.101.1")));
  CHECK(net->contains(*ip_address::parse("::ffff:198.51.100.9")));
  CHECK(net->last().to_string() == "198.51.100.255");
  CHECK(ip_prefix::parse("203.0.113.9")->to_string() == "203.0.113.9/32");
  CHECK(ip_prefix::parse("0.0.0.0/0")->contains(*ip_address::parse("8.8.8.8")));
  CHECK_FALSE(ip_prefix::parse("10.0.0.1/8"));
  CHECK_FALSE(ip_prefix::parse("10.0.0.0/33"));
  CHECK_FALSE(ip_prefix::parse("10.0.0.0/"));
  CHECK_FALSE(ip_prefix::parse("10.0.0.0/8x"));

  const auto v6 = ip_prefix::of(*ip_address::parse("2001:db8:1:2:aaaa::5"), 64);
  CHECK(v6.to_string() == "2001:db8:1:2::/64");
  CHECK(v6.contains(*ip_address::parse("2001:db8:1:2:ffff::1")));
  CHECK_FALSE(v6.contains(*ip_address::parse("2001:db8:1:3::1")));
  CHECK(v6.last().to_string() == "2001:db8:1:2:ffff:ffff:ffff:ffff");
  CHECK(ip_prefix::of(*ip_address::parse("2001:db8::1"), 61).to_string() == "2001:db8::/61");
  CHECK(ip_prefix::parse("2001:db8::/32")->contains(v6));
  CHECK_FALSE(v6.contains(*ip_prefix::parse("2001:db8::/32")));
}

TEST_CASE("addresses and prefixes hash by value", "[base][ip_address]") {
  std::unordered_set<ip_prefix> seen;
  seen.insert(ip_prefix::of(*ip_address::parse("2001:db8::1"), 64));
  seen.insert(ip_prefix::of(*ip_address::parse("2001:db8::2"), 64));
  seen.insert(ip_prefix::host(*ip_address::parse("203.0.113.1")));
  CHECK(seen.size() == 2);
}
