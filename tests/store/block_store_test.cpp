#include "store/block_store.hpp"

#include <catch2/catch.hpp>

#include "store/agent_schema.hpp"
#include "store/parameter_store.hpp"
#include "store/suspension_store.hpp"
#include "store/whitelist_store.hpp"

using namespace tollgate;
using namespace tollgate::store;
using namespace std::chrono_literals;

namespace {

base::timestamp at(std::int64_t seconds) { return base::timestamp{base::millis{seconds * 1000}}; }
base::ip_prefix cidr(const char* text) { return *base::ip_prefix::parse(text); }

database agent_db() {
  auto db = open_agent_db(":memory:");
  REQUIRE(db);
  return std::move(*db);
}

}  // namespace

TEST_CASE("blocks are upserted, found, listed and erased", "[store][block_store]") {
  auto db = agent_db();
  block_store blocks(db);
  const block_row timed{cidr("203.0.113.9/32"),
                        at(2000),
                        "illegal_calls",
                        at(1000),
                        "policy",
                        R"({"calls":3,"user_agent":"friendly-scanner"})"};
  const block_row permanent{cidr("2001:db8:1::/64"), std::nullopt, "manual", at(1000), "alice", "{}"};
  REQUIRE(blocks.upsert(timed));
  REQUIRE(blocks.upsert(permanent));

  auto found = blocks.find(cidr("203.0.113.9/32"));
  REQUIRE(found);
  REQUIRE(*found);
  CHECK(**found == timed);

  block_row longer = timed;
  longer.until = at(9000);
  REQUIRE(blocks.upsert(longer));
  auto all = blocks.load_all();
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  CHECK((*all)[0] == permanent);  // "2001:..." sorts before "203..."
  CHECK((*all)[1] == longer);

  auto erased = blocks.erase(cidr("203.0.113.9/32"));
  REQUIRE(erased);
  CHECK(*erased);
  auto again = blocks.erase(cidr("203.0.113.9/32"));
  REQUIRE(again);
  CHECK_FALSE(*again);
  auto missing = blocks.find(cidr("203.0.113.9/32"));
  REQUIRE(missing);
  CHECK_FALSE(*missing);
}

TEST_CASE("expired timed blocks go, permanent ones stay", "[store][block_store]") {
  auto db = agent_db();
  block_store blocks(db);
  REQUIRE(blocks.upsert({cidr("192.0.2.1/32"), at(100), "r", at(0), "policy", "{}"}));
  REQUIRE(blocks.upsert({cidr("192.0.2.2/32"), at(200), "r", at(0), "policy", "{}"}));
  REQUIRE(blocks.upsert({cidr("192.0.2.3/32"), std::nullopt, "r", at(0), "policy", "{}"}));
  auto gone = blocks.erase_expired(at(150));
  REQUIRE(gone);
  CHECK(*gone == 1);
  gone = blocks.erase_expired(at(200));  // `until` is exclusive: due at 200 means gone at 200
  REQUIRE(gone);
  CHECK(*gone == 1);
  auto left = blocks.count();
  REQUIRE(left);
  CHECK(*left == 1);
}

TEST_CASE("evidence must be JSON", "[store][block_store]") {
  auto db = agent_db();
  block_store blocks(db);
  auto refused = blocks.upsert({cidr("192.0.2.1/32"), at(100), "r", at(0), "policy", "not json"});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::constraint);
}

TEST_CASE("block history answers recidivism questions and is pruned by age", "[store][block_store]") {
  auto db = agent_db();
  block_store blocks(db);
  const auto p = cidr("198.51.100.7/32");
  REQUIRE(blocks.record_history({p, at(100), 3600s}));
  REQUIRE(blocks.record_history({p, at(5000), 7200s}));
  REQUIRE(blocks.record_history({cidr("198.51.100.8/32"), at(5000), 3600s}));
  auto recent = blocks.history(p, at(1000));
  REQUIRE(recent);
  REQUIRE(recent->size() == 1);
  CHECK((*recent)[0] == block_history_row{p, at(5000), 7200s});
  auto everyone = blocks.history_since(at(1000));
  REQUIRE(everyone);
  REQUIRE(everyone->size() == 2);
  CHECK((*everyone)[1] == block_history_row{cidr("198.51.100.8/32"), at(5000), 3600s});
  auto pruned = blocks.prune_history(at(1000));
  REQUIRE(pruned);
  CHECK(*pruned == 1);
  auto all = blocks.history(p, at(0));
  REQUIRE(all);
  CHECK(all->size() == 1);
}

TEST_CASE("whitelist, parameters and suspensions keep their rows", "[store][whitelist_store][parameter_store]") {
  auto db = agent_db();
  whitelist_store whitelist(db);
  REQUIRE(whitelist.upsert({cidr("192.0.2.10/32"), at(1), "config"}));
  REQUIRE(whitelist.upsert({cidr("2001:db8::/32"), at(2), "bob"}));
  auto listed = whitelist.list();
  REQUIRE(listed);
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0] == whitelist_row{cidr("192.0.2.10/32"), at(1), "config"});
  auto erased = whitelist.erase(cidr("192.0.2.10/32"));
  REQUIRE(erased);
  CHECK(*erased);

  parameter_store parameters(db);
  REQUIRE(parameters.upsert({"SS_ENDPOINTREGISTERRETRY", 5, "config"}));
  REQUIRE(parameters.upsert({"SS_ENDPOINTREGISTERRETRY", 7, "runtime"}));
  REQUIRE(parameters.upsert({"BLACKLIST_ENABLE", 1, "config"}));
  auto refused = parameters.upsert({"BLACKLIST_WINDOW", 60, "guess"});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::constraint);
  auto values = parameters.load_all();
  REQUIRE(values);
  REQUIRE(values->size() == 2);
  CHECK((*values)[0] == parameter_row{"BLACKLIST_ENABLE", 1, "config"});
  CHECK((*values)[1] == parameter_row{"SS_ENDPOINTREGISTERRETRY", 7, "runtime"});

  suspension_store suspensions(db);
  REQUIRE(suspensions.upsert({"1001", at(600), 5}));
  REQUIRE(suspensions.upsert({"1002", at(900), 5}));
  auto expired = suspensions.erase_expired(at(600));
  REQUIRE(expired);
  CHECK(*expired == 1);
  auto left = suspensions.list();
  REQUIRE(left);
  REQUIRE(left->size() == 1);
  CHECK((*left)[0] == suspension_row{"1002", at(900), 5});
  auto cleared = suspensions.erase("1002");
  REQUIRE(cleared);
  CHECK(*cleared);
}
