// Kernel tests of the firewall: real packets across a veth pair between two namespaces.
#include "netfilter/firewall.hpp"

#include "tests/netfilter/catch_error.hpp"
#include "tests/netfilter/kernel_fixture.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::netfilter;
using namespace tollgate::netfilter::test;
using namespace std::chrono_literals;
using tollgate::base::millis;

namespace {

const auto server_v4 = addr("192.0.2.1");
const auto server_v6 = addr("2001:db8::1");
const auto server_v6b = addr("2001:db8:0:1::1");

/// Sends `count` datagrams "<tag> i" then a marker from a clean source; returns what arrived.
std::vector<std::string> exchange(kernel_fixture& f, udp_socket& server, const std::string& source,
                                  const tollgate::base::ip_address& to, const std::string& tag, int count = 3) {
  auto sender = f.attacker_socket(source);
  for (int i = 0; i < count; ++i) sender->send_to(to, 5060, tag + " " + std::to_string(i));
  auto marker_source = f.attacker_socket(to.is_v4() ? "192.0.2.9" : "2001:db8:0:1::2");
  const auto marker = "marker " + tag;
  marker_source->send_to(to.is_v4() ? to : server_v6b, 5060, marker);
  auto got = server.receive_until_marker(marker, 3s);
  REQUIRE(got.has_value());
  return *got;
}

}  // namespace

TEST_CASE("table is created with our sets and chains only", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  const auto listing = f.nft("-j list ruleset");
  CHECK(listing.find("\"block_v4\"") != std::string::npos);
  CHECK(listing.find("\"register_meter_v6\"") != std::string::npos);
  CHECK(listing.find("\"prerouting\"") != std::string::npos);
  CHECK(f.nft("list table inet tollgate").find("hook prerouting priority raw") != std::string::npos);
  auto exists = f.fw.table_exists();
  REQUIRE(exists);
  CHECK(exists.value);
}

TEST_CASE("a blocked IPv4 address is dropped, others pass", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.3"), std::nullopt}}));
  CHECK(exchange(f, *server, "192.0.2.3", server_v4, "blocked").empty());
  CHECK(exchange(f, *server, "192.0.2.4", server_v4, "clean").size() == 3);
  CHECK(f.counter(names::counter_blocked) >= 3);
}

TEST_CASE("dump", "[.dump]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  WARN("kind " << static_cast<int>(f.kind));
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.3"), millis{5000}}, {prefix("2001:db8::/64"), millis{5000}}, {prefix("2001:db8:5::/48"), std::nullopt}}));
  REQUIRE_FALSE(f.fw.set_allow({prefix("10.0.0.0/8"), prefix("2001:db8:9::/48")}));
  WARN(f.nft("list ruleset"));
  auto l = f.fw.list_blocks();
  REQUIRE(l);
  for (auto& e : l.value) WARN(e.prefix.to_string() << " " << (e.remaining ? e.remaining->count() : -1));
}
