#include "store/error.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace tollgate::store;

TEST_CASE("every store errc has its own message in the tollgate.store category", "[store][error]") {
  CHECK(std::string(store_category().name()) == "tollgate.store");
  std::set<std::string> messages;
  for (int value = static_cast<int>(errc::busy); value <= static_cast<int>(errc::other); ++value) {
    const std::error_code code = static_cast<errc>(value);
    CHECK(&code.category() == &store_category());
    CHECK(code.message() != "unknown store error");
    messages.insert(code.message());
  }
  CHECK(messages.size() == static_cast<std::size_t>(errc::other));
}

TEST_CASE("SQLite result codes map to store errors, extended codes by their primary", "[store][error]") {
  struct row {
    int sqlite;
    errc expected;
  };
  const row table[] = {
      {SQLITE_BUSY, errc::busy},
      {SQLITE_BUSY_SNAPSHOT, errc::busy},
      {SQLITE_LOCKED, errc::locked},
      {SQLITE_CONSTRAINT_UNIQUE, errc::constraint},
      {SQLITE_CONSTRAINT_TRIGGER, errc::constraint},
      {SQLITE_CORRUPT, errc::corrupt},
      {SQLITE_NOTADB, errc::corrupt},
      {SQLITE_IOERR_FSYNC, errc::io_error},
      {SQLITE_FULL, errc::full},
      {SQLITE_CANTOPEN, errc::cannot_open},
      {SQLITE_PERM, errc::cannot_open},
      {SQLITE_READONLY, errc::read_only},
      {SQLITE_ERROR, errc::misuse},
      {SQLITE_MISUSE, errc::misuse},
      {SQLITE_NOMEM, errc::other},
  };
  for (const auto& r : table) {
    INFO("sqlite code " << r.sqlite);
    CHECK(from_sqlite(r.sqlite) == r.expected);
  }
}

TEST_CASE("result holds a value or a failure", "[store][error]") {
  result<int> good = 7;
  REQUIRE(good);
  CHECK(*good == 7);
  result<int> bad = failure{make_error_code(errc::busy), "locked out", SQLITE_BUSY};
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::busy);
  CHECK(bad.error().message == "locked out");
  result<void> ok;
  CHECK(ok);
}
