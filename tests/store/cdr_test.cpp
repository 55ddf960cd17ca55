#include "store/cdr.hpp"

#include <catch2/catch.hpp>

#include "store/switch_schema.hpp"
#include "tests/support/sample_cdrs.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tollgate;
using namespace tollgate::store;

namespace {

base::timestamp at(std::int64_t seconds) { return base::timestamp{base::millis{seconds * 1000}}; }

cdr_record illegal(std::int64_t start, const std::string& ip) {
  return test::illegal_cdr(at(start), "illegal-" + std::to_string(start) + "@" + ip, ip);
}

cdr_record answered(std::int64_t start) { return test::answered_cdr(at(start), billing_mode::endpoint); }

database switch_db(const std::string& path = ":memory:") {
  auto db = open_switch_db(path);
  REQUIRE(db);
  return std::move(*db);
}

}  // namespace

TEST_CASE("billing modes parse from names and numbers", "[store][cdr]") {
  CHECK(parse_billing_mode("illegal") == billing_mode::illegal);
  CHECK(parse_billing_mode("4") == billing_mode::illegal);
  CHECK(parse_billing_mode("endpoint") == billing_mode::endpoint);
  CHECK(parse_billing_mode("0") == billing_mode::endpoint);
  CHECK(parse_billing_mode("gateway") == billing_mode::gateway);
  CHECK(parse_billing_mode("1") == billing_mode::gateway);
  CHECK(parse_billing_mode("none") == billing_mode::none);
  CHECK(parse_billing_mode("-1") == billing_mode::none);
  CHECK_FALSE(parse_billing_mode("2"));
  CHECK_FALSE(parse_billing_mode("4x"));
  CHECK_FALSE(parse_billing_mode(""));
  CHECK_FALSE(parse_billing_mode("Illegal"));
  CHECK(to_string(billing_mode::gateway) == "gateway");
}

TEST_CASE("CDRs round-trip every field", "[store][cdr]") {
  auto db = switch_db();
  const std::vector<cdr_record> records{answered(1000), illegal(1001, "203.0.113.9")};
  REQUIRE(cdr_writer(db).write(records));
  auto rows = cdr_query(db).find({});
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  auto second = records[1];
  second.id = 2;
  auto first = records[0];
  first.id = 1;
  CHECK((*rows)[0] == second);  // newest first
  CHECK((*rows)[1] == first);
}

TEST_CASE("CDR queries filter by billing mode, time range and source, newest first", "[store][cdr]") {
  auto db = switch_db();
  std::vector<cdr_record> records;
  for (int i = 0; i < 10; ++i) records.push_back(illegal(100 + i, i % 2 ? "203.0.113.9" : "203.0.113.10"));
  for (int i = 0; i < 5; ++i) records.push_back(answered(200 + i));
  REQUIRE(cdr_writer(db).write(records));
  cdr_query query(db);

  auto illegal_only = query.find({.mode = billing_mode::illegal});
  REQUIRE(illegal_only);
  CHECK(illegal_only->size() == 10);

  auto window = query.find({.since = at(105), .until = at(202)});
  REQUIRE(window);
  REQUIRE(window->size() == 7);  // 105..109 and 200..201
  CHECK(window->front().start_time == at(201));
  CHECK(window->back().start_time == at(105));

  auto from = query.find({.mode = billing_mode::illegal, .src_ip = std::string("203.0.113.9"), .limit = 3});
  REQUIRE(from);
  REQUIRE(from->size() == 3);
  CHECK((*from)[0].start_time == at(109));
  CHECK((*from)[2].start_time == at(105));
  for (const auto& r : *from) CHECK(r.src_ip == "203.0.113.9");

  auto none = query.find({.mode = billing_mode::gateway});
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("CDR retention prunes the oldest records before the cutoff, at most max_rows at a time",
          "[store][cdr]") {
  auto db = switch_db();
  std::vector<cdr_record> records;
  for (int i = 0; i < 10; ++i) records.push_back(illegal(100 + i, "203.0.113.9"));
  records.push_back(answered(300));
  REQUIRE(cdr_writer(db).write(records));
  cdr_writer writer(db);
  auto first = writer.prune_older_than(at(200), 4);
  REQUIRE(first);
  CHECK(*first == 4);
  auto left = cdr_query(db).find({});
  REQUIRE(left);
  REQUIRE(left->size() == 7);
  CHECK(left->back().start_time == at(104));  // the oldest went first
  auto rest = writer.prune_older_than(at(200), 100);
  REQUIRE(rest);
  CHECK(*rest == 6);
  auto again = writer.prune_older_than(at(200), 100);
  REQUIRE(again);
  CHECK(*again == 0);
  left = cdr_query(db).find({});
  REQUIRE(left);
  REQUIRE(left->size() == 1);
  CHECK(left->front().start_time == at(300));
}

TEST_CASE("the CDR filters use their indexes", "[store][cdr]") {
  auto db = switch_db();
  auto plan = [&](const std::string& where) {
    auto st = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM cdr WHERE " + where + " ORDER BY start_time DESC LIMIT 10");
    REQUIRE(st);
    std::string detail;
    for (;;) {
      auto more = (*st)->step();
      REQUIRE(more);
      if (!*more) break;
      detail += std::string((*st)->get_text(3)) + "\n";
    }
    return detail;
  };
  CHECK_THAT(plan("billing_mode = 4"), Catch::Contains("cdr_billing_mode"));
  CHECK_THAT(plan("src_ip = '203.0.113.9'"), Catch::Contains("cdr_src_ip"));
  CHECK_THAT(plan("start_time >= 5"), Catch::Contains("cdr_start_time"));
}

TEST_CASE("a bad record fails its whole batch", "[store][cdr]") {
  auto db = switch_db();
  std::vector<cdr_record> records{illegal(1, "203.0.113.9"), illegal(2, "203.0.113.9")};
  records[1].mode = static_cast<billing_mode>(7);
  auto refused = cdr_writer(db).write(records);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::constraint);
  auto rows = cdr_query(db).find({});
  REQUIRE(rows);
  CHECK(rows->empty());
}

TEST_CASE("tollgatectl's read-only connection queries CDRs the switch is writing", "[store][cdr]") {
  test::temp_dir dir;
  auto writer = switch_db(dir.file("switch.db"));
  REQUIRE(cdr_writer(writer).write(std::vector{illegal(1, "203.0.113.9")}));
  auto reader = open_switch_db(dir.file("switch.db"), open_options{.read_only = true});
  REQUIRE(reader);
  REQUIRE(cdr_writer(writer).write(std::vector{illegal(2, "203.0.113.9")}));
  auto rows = cdr_query(*reader).find({});
  REQUIRE(rows);
  CHECK(rows->size() == 2);
  auto refused = cdr_writer(*reader).write(std::vector{illegal(3, "203.0.113.9")});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::read_only);
}
