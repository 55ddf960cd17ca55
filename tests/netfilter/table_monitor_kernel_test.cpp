// Kernel tests of the table monitor: our table deleted or the ruleset flushed, then restored.
#include "netfilter/table_monitor.hpp"

#include "tests/netfilter/catch_error.hpp"
#include "tests/netfilter/kernel_fixture.hpp"

#include <catch2/catch.hpp>

#include <poll.h>

using namespace tollgate::netfilter;
using namespace tollgate::netfilter::test;

namespace {

/// Events until one of `kind` arrives or two seconds pass (polls the fd, no sleeping).
std::vector<table_event> await(table_monitor& monitor, table_event_kind kind) {
  std::vector<table_event> all;
  for (int i = 0; i < 20; ++i) {
    pollfd p{monitor.fd(), POLLIN, 0};
    ::poll(&p, 1, 100);
    auto events = monitor.read();
    REQUIRE(events);
    all.insert(all.end(), events.value.begin(), events.value.end());
    for (const auto& e : all) {
      if (e.kind == kind) return all;
    }
  }
  return all;
}

bool has(const std::vector<table_event>& events, table_event_kind kind) {
  for (const auto& e : events) {
    if (e.kind == kind) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a flushed ruleset is noticed and our table restored", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto monitor = inside(f.ns.server(), [] { return table_monitor::open("tollgate"); });
  REQUIRE(monitor);
  // Our own element changes are no alarm.
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.3"), std::nullopt}}));
  auto quiet = monitor.value.read();
  REQUIRE(quiet);
  CHECK_FALSE(has(quiet.value, table_event_kind::table_deleted));

  REQUIRE(run("ip netns exec " + f.ns.server() + " nft flush ruleset") == 0);
  const auto events = await(monitor.value, table_event_kind::table_deleted);
  CHECK(has(events, table_event_kind::table_deleted));
  auto exists = f.fw.table_exists();
  REQUIRE(exists);
  REQUIRE_FALSE(exists.value);

  REQUIRE_FALSE(f.fw.ensure_table());
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.3"), std::nullopt}}));
  auto server = f.server_socket();
  auto sender = f.attacker_socket("192.0.2.3");
  auto clean = f.attacker_socket("192.0.2.4");
  sender->send_to(addr("192.0.2.1"), 5060, "after restore");
  clean->send_to(addr("192.0.2.1"), 5060, "marker");
  auto got = server->receive_until_marker("marker", std::chrono::seconds{3});
  REQUIRE(got.has_value());
  CHECK(got->empty());
}

TEST_CASE("deleting one of our sets or chains is reported", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto monitor = inside(f.ns.server(), [] { return table_monitor::open("tollgate"); });
  REQUIRE(monitor);
  REQUIRE(run("ip netns exec " + f.ns.server() + " nft delete chain inet tollgate input") == 0);
  const auto events = await(monitor.value, table_event_kind::chain_deleted);
  REQUIRE(has(events, table_event_kind::chain_deleted));
  CHECK(events.back().name == "input");
  REQUIRE_FALSE(f.fw.ensure_table());
  CHECK(f.nft("list chain inet tollgate input").find("5060") == std::string::npos);
  CHECK(f.nft("list chain inet tollgate input").find("queue") != std::string::npos);
}
