#include "store/database.hpp"

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.hpp"

using namespace tollgate;
using namespace tollgate::store;

namespace {

database open_table(const std::string& path, const open_options& options = {}) {
  auto db = database::open(path, options);
  REQUIRE(db);
  if (!options.read_only) {
    REQUIRE(db->exec("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v INTEGER, x REAL, at INTEGER)"));
  }
  return std::move(*db);
}

std::int64_t count(database& db) {
  auto st = db.prepare("SELECT count(*) FROM t");
  REQUIRE(st);
  auto row = (*st)->step();
  REQUIRE(row);
  REQUIRE(*row);
  return (*st)->get_int64(0);
}

}  // namespace

TEST_CASE("a writable database runs in WAL mode with synchronous NORMAL and foreign keys", "[store][database]") {
  test::temp_dir dir;
  auto db = open_table(dir.file("a.db"));
  auto mode = db.prepare("PRAGMA journal_mode");
  REQUIRE(mode);
  REQUIRE(*(*mode)->step());
  CHECK((*mode)->get_text(0) == "wal");
  auto sync = db.prepare("PRAGMA synchronous");
  REQUIRE(sync);
  REQUIRE(*(*sync)->step());
  CHECK((*sync)->get_int64(0) == 1);  // NORMAL
  auto fk = db.prepare("PRAGMA foreign_keys");
  REQUIRE(fk);
  REQUIRE(*(*fk)->step());
  CHECK((*fk)->get_int64(0) == 1);
}

TEST_CASE("typed binds and columns round-trip, NULL included", "[store][database]") {
  auto db = open_table(":memory:");
  const base::timestamp at{base::millis{1764158400250}};
  {
    auto st = db.prepare("INSERT INTO t (k, v, x, at) VALUES (?, ?, ?, ?)");
    REQUIRE(st);
    (*st)->bind_all(std::string("a"), std::int64_t{-5}, 2.5, at);
    REQUIRE((*st)->run());
  }
  {
    auto st = db.prepare("INSERT INTO t (k, v, x, at) VALUES (?, ?, ?, ?)");
    REQUIRE(st);
    (*st)->bind_all("b", std::optional<std::int64_t>{}, nullptr, std::optional<base::timestamp>{});
    REQUIRE((*st)->run());
  }
  auto st = db.prepare("SELECT k, v, x, at FROM t ORDER BY k");
  REQUIRE(st);
  REQUIRE(*(*st)->step());
  CHECK((*st)->get_text(0) == "a");
  CHECK((*st)->get_int64(1) == -5);
  CHECK((*st)->get_double(2) == 2.5);
  CHECK((*st)->get_time(3) == at);
  CHECK((*st)->get_optional_time(3) == at);
  REQUIRE(*(*st)->step());
  CHECK((*st)->get_text(0) == "b");
  CHECK((*st)->is_null(1));
  CHECK_FALSE((*st)->get_optional_int64(1));
  CHECK_FALSE((*st)->get_optional_time(3));
  CHECK_FALSE(*(*st)->step());
}

TEST_CASE("prepared statements are cached and come back reset", "[store][database]") {
  auto db = open_table(":memory:");
  statement* first = nullptr;
  {
    auto st = db.prepare("SELECT ?");
    REQUIRE(st);
    first = &**st;
    (*st)->bind(1, 42);
    REQUIRE(*(*st)->step());
    CHECK((*st)->get_int64(0) == 42);
  }
  auto again = db.prepare("SELECT ?");
  REQUIRE(again);
  CHECK(&**again == first);
  REQUIRE(*(*again)->step());
  CHECK((*again)->is_null(0));  // bindings cleared
}

TEST_CASE("errors carry the code, SQLite's message and the SQL", "[store][database]") {
  auto db = open_table(":memory:");
  REQUIRE(db.exec("INSERT INTO t (k) VALUES ('a')"));
  auto dup = db.exec("INSERT INTO t (k) VALUES ('a')");
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == errc::constraint);
  CHECK(dup.error().message == "UNIQUE constraint failed: t.k (in: INSERT INTO t (k) VALUES ('a'))");

  auto bad = db.prepare("SELEC 1");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::misuse);
  CHECK(bad.error().message == "near \"SELEC\": syntax error (in: SELEC 1)");
}

TEST_CASE("a transaction commits explicitly and rolls back when dropped", "[store][database]") {
  auto db = open_table(":memory:");
  {
    auto tx = transaction::begin(db);
    REQUIRE(tx);
    REQUIRE(db.exec("INSERT INTO t (k) VALUES ('kept')"));
    REQUIRE(tx->commit());
  }
  {
    auto tx = transaction::begin(db);
    REQUIRE(tx);
    REQUIRE(db.exec("INSERT INTO t (k) VALUES ('dropped')"));
    CHECK(db.in_transaction());
  }
  CHECK_FALSE(db.in_transaction());
  CHECK(count(db) == 1);
}

TEST_CASE("a read-only connection reads beside a writer and refuses writes", "[store][database]") {
  test::temp_dir dir;
  auto writer = open_table(dir.file("s.db"));
  REQUIRE(writer.exec("INSERT INTO t (k) VALUES ('a')"));

  auto reader = open_table(dir.file("s.db"), open_options{.read_only = true});
  CHECK(reader.read_only());
  CHECK(count(reader) == 1);

  // The writer's open transaction does not block the reader, which sees the last commit.
  auto tx = transaction::begin(writer);
  REQUIRE(tx);
  REQUIRE(writer.exec("INSERT INTO t (k) VALUES ('b')"));
  CHECK(count(reader) == 1);
  REQUIRE(tx->commit());
  CHECK(count(reader) == 2);

  auto refused = reader.exec("INSERT INTO t (k) VALUES ('c')");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::read_only);
}

TEST_CASE("opening a missing file read-only fails with the path", "[store][database]") {
  test::temp_dir dir;
  const auto path = dir.file("missing.db");
  auto db = database::open(path, open_options{.read_only = true});
  REQUIRE_FALSE(db);
  CHECK(db.error().code == errc::cannot_open);
  CHECK(db.error().message == path + ": unable to open database file");
}

TEST_CASE("a file that is not a database is reported as corrupt", "[store][database]") {
  test::temp_dir dir;
  const auto path = dir.file("junk.db");
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs("this is not an SQLite database, just some text long enough to look like a header\n", f);
    std::fclose(f);
  }
  auto db = database::open(path);
  REQUIRE_FALSE(db);
  CHECK(db.error().code == errc::corrupt);
}

TEST_CASE("an injected fault fails exactly the Nth step and then disarms", "[store][database]") {
  auto db = open_table(":memory:");
  db.inject_fault_after(2);
  CHECK(db.exec("INSERT INTO t (k) VALUES ('1')"));
  CHECK(db.exec("INSERT INTO t (k) VALUES ('2')"));
  auto third = db.exec("INSERT INTO t (k) VALUES ('3')");
  REQUIRE_FALSE(third);
  CHECK(third.error().code == errc::io_error);
  CHECK(third.error().message == "injected fault (in: INSERT INTO t (k) VALUES ('3'))");
  CHECK(db.faults_injected() == 1);
  CHECK(db.exec("INSERT INTO t (k) VALUES ('4')"));
  CHECK(count(db) == 3);
}

TEST_CASE("a second writer waits busy_timeout for the lock, then gets errc::busy", "[store][database]") {
  test::temp_dir dir;
  auto first = open_table(dir.file("b.db"));
  auto second = open_table(dir.file("b.db"), open_options{.busy_timeout = std::chrono::milliseconds{20}});
  auto held = transaction::begin(first);
  REQUIRE(held);
  auto refused = transaction::begin(second);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::busy);
  CHECK(refused.error().message == "database is locked (in: BEGIN IMMEDIATE)");
  REQUIRE(held->commit());
  auto now_free = transaction::begin(second);
  CHECK(now_free);
}
