#include "ctl/table.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace tollgate;

TEST_CASE("tables align columns, pad short rows and leave no trailing blanks", "[ctl][table]") {
  ctl::table t({"ADDRESS", "UNTIL", "NOTE"});
  t.add_row({"203.0.113.9/32", "permanent", ""});
  t.add_row({"2001:db8::/64", "-"});
  std::ostringstream out;
  t.print(out);
  CHECK(out.str() ==
        "ADDRESS         UNTIL      NOTE\n"
        "203.0.113.9/32  permanent\n"
        "2001:db8::/64   -\n");
  CHECK(t.rows() == 2);
}

TEST_CASE("cells show JSON values the way people read them", "[ctl][table]") {
  CHECK(ctl::cell(nullptr) == "-");
  CHECK(ctl::cell("text") == "text");
  CHECK(ctl::cell(42) == "42");
  CHECK(ctl::cell(true) == "true");
  CHECK(ctl::cell(wire::json::array()) == "-");
  CHECK(ctl::cell(wire::json::array({1, "a"})) == "1, a");
  CHECK(ctl::cell(wire::json{{"p50", 120}, {"p99", 900}}) == "p50 120, p99 900");
  CHECK(ctl::cell(wire::json{{"blacklist", {{"packets", 3}, {"bytes", 180}}}}) == "blacklist {packets 3, bytes 180}");

  CHECK(ctl::time_cell(1764158400.25) == "2025-11-26 12:00:00 UTC");
  CHECK(ctl::time_cell(nullptr) == "-");
  CHECK(ctl::time_cell(nullptr, "permanent") == "permanent");
  CHECK(ctl::time_cell("soon") == "soon");

  CHECK(ctl::duration_cell(0) == "0s");
  CHECK(ctl::duration_cell(42) == "42s");
  CHECK(ctl::duration_cell(3600) == "1h");
  CHECK(ctl::duration_cell(90061) == "1d1h1m1s");

  const wire::json row{{"address", "192.0.2.1/32"}};
  CHECK(ctl::field(row, "address") == "192.0.2.1/32");
  CHECK(ctl::field(row, "missing").is_null());
  CHECK(ctl::field(wire::json::array(), "address").is_null());
}
