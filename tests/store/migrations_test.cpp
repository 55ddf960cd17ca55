#include "store/migrations.hpp"

#include <array>
#include <catch2/catch.hpp>

#include "store/agent_schema.hpp"
#include "store/switch_schema.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tollgate;
using namespace tollgate::store;

namespace {

constexpr std::array<migration, 3> steps{{
    {1, "CREATE TABLE a (x INTEGER);"},
    {2, "ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z INTEGER);"},
    {3, "CREATE INDEX a_x ON a (x);"},
}};
const schema test_schema{"test.db", steps};

std::int64_t version(database& db) {
  auto v = db.user_version();
  REQUIRE(v);
  return *v;
}

std::int64_t table_count(database& db) {
  auto st = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type IN ('table', 'index')");
  REQUIRE(st);
  REQUIRE(*(*st)->step());
  return (*st)->get_int64(0);
}

}  // namespace

TEST_CASE("migrations apply in order, once each", "[store][migrations]") {
  auto db = database::open(":memory:");
  REQUIRE(db);
  REQUIRE(migrate(*db, test_schema));
  CHECK(version(*db) == 3);
  CHECK(table_count(*db) == 3);
  REQUIRE(migrate(*db, test_schema));  // a second run has nothing to do
  CHECK(version(*db) == 3);
  CHECK(check_version(*db, test_schema));
}

TEST_CASE("only pending migrations run on an older database", "[store][migrations]") {
  auto db = database::open(":memory:");
  REQUIRE(db);
  const schema first_only{"test.db", std::span(steps).first(1)};
  REQUIRE(migrate(*db, first_only));
  CHECK(version(*db) == 1);
  auto old = check_version(*db, test_schema);
  REQUIRE_FALSE(old);
  CHECK(old.error().code == errc::schema_too_old);
  REQUIRE(migrate(*db, test_schema));
  CHECK(version(*db) == 3);
}

TEST_CASE("a database newer than the program is refused and left alone", "[store][migrations]") {
  test::temp_dir dir;
  const auto path = dir.file("agent.db");
  {
    auto db = database::open(path);
    REQUIRE(db);
    REQUIRE(db->set_user_version(99));
  }
  auto refused = open_agent_db(path);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::schema_too_new);
  CHECK(refused.error().message ==
        path +
            ": agent.db schema version 99 is newer than this program knows (2); it was written by a newer "
            "Tollgate, run that version or restore a backup");
  auto db = database::open(path);
  REQUIRE(db);
  CHECK(version(*db) == 99);
  CHECK(table_count(*db) == 0);

  auto read_only = open_agent_db(path, open_options{.read_only = true});
  REQUIRE_FALSE(read_only);
  CHECK(read_only.error().code == errc::schema_too_new);
}

TEST_CASE("a failing migration leaves the previous version whole, and a retry completes it", "[store][migrations]") {
  // Countdown over every step of the migration run: each failure point must leave the
  // database at a whole version (tables and user_version agreeing), never in between.
  const std::int64_t tables_at[] = {0, 1, 2, 3};
  for (std::int64_t n = 0;; ++n) {
    INFO("fault after " << n << " steps");
    REQUIRE(n < 100);
    auto db = database::open(":memory:");
    REQUIRE(db);
    db->inject_fault_after(n);
    auto done = migrate(*db, test_schema);
    db->inject_fault_after(-1);
    const auto v = version(*db);
    CHECK(table_count(*db) == tables_at[v]);
    CHECK_FALSE(db->in_transaction());
    if (done) {
      CHECK(v == 3);
      CHECK(db->faults_injected() == 0);
      break;
    }
    CHECK(done.error().code == errc::io_error);
    REQUIRE(migrate(*db, test_schema));
    CHECK(version(*db) == 3);
    CHECK(table_count(*db) == 3);
  }
}

TEST_CASE("agent.db and switch.db build from scratch", "[store][migrations]") {
  test::temp_dir dir;
  auto agent = open_agent_db(dir.file("agent.db"));
  REQUIRE(agent);
  CHECK(version(*agent) == agent_schema().latest());
  auto sw = open_switch_db(dir.file("switch.db"));
  REQUIRE(sw);
  CHECK(version(*sw) == switch_schema().latest());
  auto reader = open_switch_db(dir.file("switch.db"), open_options{.read_only = true});
  CHECK(reader);
}
