// Kernel tests of IPv4 network blocks (block_net_v4) beside the host set, across a veth pair.
#include "netfilter/firewall.hpp"

#include "tests/netfilter/catch_error.hpp"
#include "tests/netfilter/kernel_fixture.hpp"

#include <catch2/catch.hpp>

#include <poll.h>

using namespace tollgate::netfilter;
using namespace tollgate::netfilter::test;
using namespace std::chrono_literals;
using tollgate::base::millis;

namespace {

const auto server_v4 = addr("192.0.2.1");
const auto server_net = addr("203.0.113.1");

std::vector<std::string> exchange(kernel_fixture& f, udp_socket& server, const std::string& source,
                                  const tollgate::base::ip_address& to, const std::string& tag) {
  auto got = f.exchange(server, source, to, tag);
  REQUIRE(got.has_value());
  return *got;
}

/// A second network on the veth pair, 203.0.113.0/24: the server is .1, the attacker .3 to
/// .5 (the fixture's clean marker source, 192.0.2.9, stays outside it).
void add_second_network(const kernel_fixture& f) {
  const std::string s = "ip -n " + f.ns.server() + " ";
  const std::string a = "ip -n " + f.ns.attacker() + " ";
  REQUIRE(run(s + "addr add 203.0.113.1/24 dev tgs0") == 0);
  REQUIRE(run(a + "neigh replace 203.0.113.1 lladdr 02:00:00:00:00:01 dev tga0 nud permanent") == 0);
  for (const char* host : {"203.0.113.3", "203.0.113.4", "203.0.113.5"}) {
    REQUIRE(run(a + "addr add " + host + "/24 dev tga0") == 0);
    REQUIRE(run(s + "neigh replace " + host + " lladdr 02:00:00:00:00:02 dev tgs0 nud permanent") == 0);
  }
}

}  // namespace

TEST_CASE("a blocked IPv4 network drops its sources and no others", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  add_second_network(f);
  auto server = f.server_socket();
  CHECK(exchange(f, *server, "203.0.113.5", server_net, "open").size() == 3);
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("203.0.113.0/24"), millis{3'600'000}}}));
  const auto before = f.counter(names::counter_blocked);
  CHECK(exchange(f, *server, "203.0.113.5", server_net, "inside").empty());
  CHECK(exchange(f, *server, "203.0.113.3", server_net, "inside too").empty());
  CHECK(exchange(f, *server, "192.0.2.3", server_v4, "outside").size() == 3);
  CHECK(f.counter(names::counter_blocked) >= before + 6);
  // The network went to its own set, not to the hash of hosts.
  CHECK(f.nft("list set inet tollgate block_net_v4").find("203.0.113.0/24") != std::string::npos);
  CHECK(f.nft("list set inet tollgate block_v4").find("203.0.113") == std::string::npos);
  CHECK(f.nft("list chain inet tollgate prerouting").find("ip saddr @block_net_v4 counter name \"drop_blocked\" drop") !=
        std::string::npos);
  REQUIRE_FALSE(f.fw.remove_blocks({prefix("203.0.113.0/24")}));
  CHECK(exchange(f, *server, "203.0.113.5", server_net, "released").size() == 3);
}

TEST_CASE("an element of the network set expires on time", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  add_second_network(f);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("203.0.113.0/24"), millis{1500}}}));
  const tollgate::base::system_clock clock;
  const auto start = clock.now();
  auto listed = f.fw.list_blocks();
  REQUIRE(listed);
  REQUIRE(listed.value.size() == 1);
  CHECK(listed.value[0].prefix == prefix("203.0.113.0/24"));
  CHECK(listed.value[0].timeout == millis{1500});
  REQUIRE(listed.value[0].remaining.has_value());
  CHECK(listed.value[0].remaining->count() > 1000);
  CHECK(listed.value[0].remaining->count() <= 1500);
  CHECK(exchange(f, *server, "203.0.113.4", server_net, "before").empty());
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    auto now = f.fw.list_blocks();
    REQUIRE(now);
    gone = now.value.empty();
    if (!gone) ::poll(nullptr, 0, 50);  // polling interval: expiry sends no event to wait on
  }
  const auto elapsed = clock.now() - start;
  REQUIRE(gone);
  CHECK(elapsed >= 1400ms);
  CHECK(elapsed < 4000ms);
  CHECK(exchange(f, *server, "203.0.113.4", server_net, "after").size() == 3);
  // Gone for good: the same network can be blocked again.
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("203.0.113.0/24"), millis{60000}}}));
  CHECK(exchange(f, *server, "203.0.113.4", server_net, "again").empty());
}

TEST_CASE("a /32 and its enclosing /24 are both listed and both removable", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  add_second_network(f);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("203.0.113.3"), std::nullopt}, {prefix("203.0.113.0/24"), millis{600000}}}));
  // Adding an existing network again keeps it (as for hosts).
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("203.0.113.0/24"), millis{600000}}}));
  auto listed = f.fw.list_blocks();
  REQUIRE(listed);
  REQUIRE(listed.value.size() == 2);
  CHECK(listed.value[0].prefix == prefix("203.0.113.3"));
  CHECK_FALSE(listed.value[0].timeout.has_value());
  CHECK(listed.value[1].prefix == prefix("203.0.113.0/24"));
  CHECK(listed.value[1].timeout == millis{600000});
  CHECK(exchange(f, *server, "203.0.113.3", server_net, "host").empty());
  CHECK(exchange(f, *server, "203.0.113.4", server_net, "net").empty());
  // Lifting the network leaves the host blocked.
  REQUIRE_FALSE(f.fw.remove_blocks({prefix("203.0.113.0/24")}));
  CHECK(exchange(f, *server, "203.0.113.4", server_net, "net lifted").size() == 3);
  CHECK(exchange(f, *server, "203.0.113.3", server_net, "host kept").empty());
  // Removing what is already gone fails the transaction (the caller retries one by one).
  const auto again = f.fw.remove_blocks({prefix("203.0.113.0/24")});
  CHECK(again.code == errc::object_not_found);
  REQUIRE_FALSE(f.fw.remove_blocks({prefix("203.0.113.3")}));
  CHECK(exchange(f, *server, "203.0.113.3", server_net, "host lifted").size() == 3);
  listed = f.fw.list_blocks();
  REQUIRE(listed);
  CHECK(listed.value.empty());
  // Both at once, in one call each way, and flushed together.
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("203.0.113.3"), std::nullopt}, {prefix("203.0.113.0/24"), std::nullopt}}));
  REQUIRE_FALSE(f.fw.remove_blocks({prefix("203.0.113.3"), prefix("203.0.113.0/24")}));
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("203.0.113.3"), std::nullopt}, {prefix("198.51.100.0/24"), std::nullopt}}));
  REQUIRE_FALSE(f.fw.flush_blocks());
  listed = f.fw.list_blocks();
  REQUIRE(listed);
  CHECK(listed.value.empty());
}

TEST_CASE("an older table without block_net_v4 is adopted and gains it", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  add_second_network(f);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.3"), millis{600000}}}));
  // The layout before block_net_v4: no such set, no rule for it.
  REQUIRE(run("ip netns exec " + f.ns.server() +
              " nft 'flush chain inet tollgate prerouting; delete set inet tollgate block_net_v4'") == 0);
  REQUIRE(f.nft("list table inet tollgate").find("block_net_v4") == std::string::npos);
  auto again = inside(f.ns.server(), [] { return firewall::open(table_spec{}); });
  REQUIRE(again);
  table_spec spec;
  spec.queue = f.kind;
  REQUIRE_FALSE(again.value.ensure_table(spec));
  REQUIRE_FALSE(again.value.add_blocks({{prefix("203.0.113.0/24"), millis{600000}}}));
  auto listed = again.value.list_blocks();
  REQUIRE(listed);
  REQUIRE(listed.value.size() == 2);
  CHECK(listed.value[0].prefix == prefix("192.0.2.3"));
  CHECK(listed.value[1].prefix == prefix("203.0.113.0/24"));
  CHECK(exchange(f, *server, "192.0.2.3", server_v4, "host adopted").empty());
  CHECK(exchange(f, *server, "203.0.113.5", server_net, "net added").empty());
  CHECK(exchange(f, *server, "192.0.2.4", server_v4, "clean").size() == 3);
}

TEST_CASE("a network overlapping a blocked network is refused, the kernel keeps what it had", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("198.51.100.0/24"), std::nullopt}}));
  const auto err = f.fw.add_blocks({{prefix("198.51.0.0/16"), std::nullopt}});
  INFO(err.message());
  CHECK(err.code == errc::object_exists);
  CHECK(err.object == "add to set block_net_v4 (198.51.0.0/16)");
  auto listed = f.fw.list_blocks();
  REQUIRE(listed);
  REQUIRE(listed.value.size() == 1);
  CHECK(listed.value[0].prefix == prefix("198.51.100.0/24"));
}
