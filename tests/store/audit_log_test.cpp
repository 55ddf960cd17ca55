#include "store/audit_log.hpp"

#include <catch2/catch.hpp>

#include "store/agent_schema.hpp"

using namespace tollgate;
using namespace tollgate::store;

namespace {
base::timestamp at(std::int64_t seconds) { return base::timestamp{base::millis{seconds * 1000}}; }
}  // namespace

TEST_CASE("the audit log appends with increasing ids and reads since a time or after an id", "[store][audit_log]") {
  auto db = open_agent_db(":memory:");
  REQUIRE(db);
  audit_log audit(*db);
  audit_entry suspend{0, at(100), "policy", "suspend", "1001", "register_failures", R"({"failures":5})"};
  audit_entry block{0, at(200), "policy", "block", "203.0.113.9/32", "illegal_calls", R"({"call_id":"abc"})"};
  audit_entry param{0, at(300), "alice", "param_set", "SS_ENDPOINTREGISTERRETRY", "5", "{}"};
  auto id1 = audit.append(suspend);
  auto id2 = audit.append(block);
  auto id3 = audit.append(param);
  REQUIRE((id1 && id2 && id3));
  CHECK(*id1 < *id2);
  CHECK(*id2 < *id3);

  auto since = audit.since(at(200));
  REQUIRE(since);
  REQUIRE(since->size() == 2);
  block.id = *id2;
  CHECK((*since)[0] == block);
  CHECK((*since)[1].actor == "alice");

  auto limited = audit.since(at(0), 1);
  REQUIRE(limited);
  REQUIRE(limited->size() == 1);
  CHECK((*limited)[0].id == *id1);

  auto after = audit.after(*id1);
  REQUIRE(after);
  REQUIRE(after->size() == 2);
  CHECK((*after)[0].id == *id2);
}

TEST_CASE("audit rows are never updated and are pruned only by age", "[store][audit_log]") {
  auto db = open_agent_db(":memory:");
  REQUIRE(db);
  audit_log audit(*db);
  auto old_id = audit.append({0, at(100), "policy", "release", "192.0.2.1/32", "expired", "{}"});
  auto new_id = audit.append({0, at(900), "policy", "release", "192.0.2.2/32", "expired", "{}"});
  REQUIRE((old_id && new_id));

  auto refused = db->exec("UPDATE audit SET reason = 'forged'");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::constraint);
  CHECK(refused.error().message == "audit rows are never updated (in: UPDATE audit SET reason = 'forged')");

  auto pruned = audit.prune_older_than(at(500));
  REQUIRE(pruned);
  CHECK(*pruned == 1);
  pruned = audit.prune_older_than(at(950));  // the newest row goes too
  REQUIRE(pruned);
  CHECK(*pruned == 1);
  // Ids are never reused after pruning: `audit --follow` may resume after any id it saw.
  auto newest = audit.append({0, at(1000), "policy", "release", "192.0.2.3/32", "expired", "{}"});
  REQUIRE(newest);
  CHECK(*newest > *new_id);
  auto rest = audit.since(at(0));
  REQUIRE(rest);
  REQUIRE(rest->size() == 1);
  CHECK((*rest)[0].subject == "192.0.2.3/32");
}
