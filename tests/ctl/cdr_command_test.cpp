#include "ctl/cdr_command.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "store/agent_schema.hpp"
#include "store/switch_schema.hpp"
#include "tests/support/sample_cdrs.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tollgate;
using store::billing_mode;
using store::cdr_record;

namespace {

const base::timestamp now = base::from_unix_seconds(1764158400 + 86400);  // 2025-11-27 12:00:00 UTC

base::timestamp at(double seconds) { return base::from_unix_seconds(seconds); }

cdr_record illegal(std::int64_t start, const std::string& ip) {
  return test::illegal_cdr(at(static_cast<double>(start)), "illegal-" + std::to_string(start), ip);
}

/// An answered call with the awkward parts the outputs must survive: a quarter second, an
/// IPv6 source and a User-Agent with quotes and a comma.
cdr_record answered(std::int64_t start, billing_mode mode) {
  cdr_record r = test::answered_cdr(at(static_cast<double>(start) + 0.25), mode);
  r.call_id = "call-" + std::to_string(start);
  r.answer_time = at(static_cast<double>(start + 2));
  r.end_time = at(static_cast<double>(start + 62));
  r.src_ip = "2001:db8::20";
  r.user_agent = "Yealink SIP-T46S \"office\", 2nd floor";
  return r;
}

/// switch.db made by the store's own writer: three illegal calls from two sources, one
/// endpoint call, one gateway call, at 10:00, 10:10, ... on 2025-11-26.
struct cdr_fixture {
  cdr_fixture() {
    auto db = store::open_switch_db(path);
    REQUIRE(db);
    const std::int64_t t = 1764151200;  // 2025-11-26T10:00:00Z
    const std::vector<cdr_record> records{illegal(t, "203.0.113.9"), illegal(t + 600, "203.0.113.9"),
                                          answered(t + 1200, billing_mode::endpoint), illegal(t + 1800, "203.0.113.77"),
                                          answered(t + 2400, billing_mode::gateway)};
    REQUIRE(store::cdr_writer(*db).write(records));
  }
  struct run_result {
    int code;
    std::string out;
    std::string err;
  };
  run_result run(ctl::cdr_arguments a, bool json = false) const {
    if (a.db.empty() && a.state_dir.empty()) a.db = path;
    std::ostringstream out, err;
    const int code = ctl::run_cdr(a, json, now, out, err);
    return {code, out.str(), err.str()};
  }
  std::vector<std::int64_t> ids(ctl::cdr_arguments a) const {
    const auto result = run(std::move(a), true);
    INFO(result.err);
    REQUIRE(result.code == 0);
    std::vector<std::int64_t> out;
    for (const auto& row : wire::json::parse(result.out)) out.push_back(row["id"].get<std::int64_t>());
    return out;
  }

  test::temp_dir dir;
  std::string path = dir.file("switch.db");
};

ctl::cdr_arguments with_mode(const std::string& mode) {
  ctl::cdr_arguments a;
  a.billing_mode = mode;
  return a;
}

}  // namespace

TEST_CASE("cdr: billing modes by name and by number, newest first", "[ctl][cdr]") {
  cdr_fixture f;
  CHECK(f.ids({}) == std::vector<std::int64_t>{5, 4, 3, 2, 1});
  CHECK(f.ids(with_mode("illegal")) == std::vector<std::int64_t>{4, 2, 1});
  CHECK(f.ids(with_mode("4")) == std::vector<std::int64_t>{4, 2, 1});
  CHECK(f.ids(with_mode("endpoint")) == std::vector<std::int64_t>{3});
  CHECK(f.ids(with_mode("0")) == std::vector<std::int64_t>{3});
  CHECK(f.ids(with_mode("gateway")) == std::vector<std::int64_t>{5});
  CHECK(f.ids(with_mode("1")) == std::vector<std::int64_t>{5});
  CHECK(f.ids(with_mode("none")).empty());
  CHECK(f.ids(with_mode("-1")).empty());
}

TEST_CASE("cdr: time range (Unix seconds, ISO 8601, durations), source and limit", "[ctl][cdr]") {
  cdr_fixture f;
  ctl::cdr_arguments a;
  a.since = "1764151800";  // 10:10
  a.until = "2025-11-26T10:30:00Z";
  CHECK(f.ids(a) == std::vector<std::int64_t>{3, 2});
  a.since = "2025-11-26T11:10:00+01:00";  // 10:10 UTC
  a.until = "2025-11-26 10:30";
  CHECK(f.ids(a) == std::vector<std::int64_t>{3, 2});
  a = {};
  a.since = "1d";  // since 2025-11-26 12:00: nothing
  CHECK(f.ids(a).empty());
  a.since = "2025-11-26";
  CHECK(f.ids(a).size() == 5);

  a = {};
  a.src = "203.0.113.9";
  CHECK(f.ids(a) == std::vector<std::int64_t>{2, 1});
  a.src = "2001:0db8:0:0::20";  // written the long way: the stored form is the short one
  CHECK(f.ids(a) == std::vector<std::int64_t>{5, 3});
  a = with_mode("illegal");
  a.limit = 2;
  CHECK(f.ids(a) == std::vector<std::int64_t>{4, 2});
}

TEST_CASE("cdr: the table for people", "[ctl][cdr]") {
  cdr_fixture f;
  auto a = with_mode("illegal");
  a.limit = 1;
  const auto result = f.run(a);
  CHECK(result.code == 0);
  CHECK(result.err.empty());
  CHECK(result.out ==
        "ID  START                    MODE     CALLER  CALLEE      SOURCE                 ACCOUNT  GATEWAY  DURATION  "
        "CODE  REASON\n"
        "4   2025-11-26 10:30:00 UTC  illegal  100     0044123456  203.0.113.77:5060/udp  -        -        0s        "
        "403   Forbidden\n");
  a.src = "192.0.2.1";
  CHECK(f.run(a).out == "no CDRs\n");
}

TEST_CASE("cdr: CSV has a header row, every field, RFC 4180 quoting", "[ctl][cdr]") {
  cdr_fixture f;
  ctl::cdr_arguments a = with_mode("endpoint");
  a.csv = true;
  const auto result = f.run(a);
  CHECK(result.code == 0);
  CHECK(result.out ==
        "id,call_id,start_time,answer_time,end_time,duration_s,caller,callee,src_ip,src_port,transport,user_agent,"
        "account,routing_gateway,billing_mode,disconnect_code,disconnect_reason\r\n"
        "3,call-1764152400,2025-11-26T10:20:00.250Z,2025-11-26T10:20:02Z,2025-11-26T10:21:02Z,60,1001,0033123,"
        "2001:db8::20,5062,tcp,\"Yealink SIP-T46S \"\"office\"\", 2nd floor\",1001,carrier-1,0,200,BYE\r\n");
  a = with_mode("illegal");
  a.csv = true;
  a.limit = 1;
  CHECK(f.run(a).out.find("\r\n4,illegal-1764153000,2025-11-26T10:30:00Z,,2025-11-26T10:30:00Z,0,100,") !=
        std::string::npos);
}

TEST_CASE("cdr: JSON has every field of the CDR", "[ctl][cdr]") {
  cdr_fixture f;
  const auto result = f.run(with_mode("gateway"), true);
  REQUIRE(result.code == 0);
  const auto rows = wire::json::parse(result.out);
  REQUIRE(rows.size() == 1);
  const auto& r = rows[0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : r.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"id", "call_id", "start_time", "answer_time", "end_time", "duration_s",
                                         "caller", "callee", "src_ip", "src_port", "transport", "user_agent",
                                         "account", "routing_gateway", "billing_mode", "disconnect_code",
                                         "disconnect_reason"});
  CHECK(r["start_time"] == 1764153600.25);
  CHECK(r["answer_time"] == 1764153602.0);
  CHECK(r["billing_mode"] == 1);
  CHECK(r["account"] == "customer-a");
  const auto illegal_rows = wire::json::parse(f.run(with_mode("illegal"), true).out);
  CHECK(illegal_rows[0]["answer_time"].is_null());
  CHECK(illegal_rows[0]["billing_mode"] == 4);
}

TEST_CASE("cdr: --state-dir finds switch.db in it", "[ctl][cdr]") {
  cdr_fixture f;
  ctl::cdr_arguments a;
  a.state_dir = f.path.substr(0, f.path.rfind('/'));
  CHECK(ctl::cdr_database_path(a) == f.path);
  CHECK(f.run(a).code == 0);
  CHECK(ctl::cdr_database_path({}) == "/var/lib/tollgate/switch.db");
}

TEST_CASE("cdr: usage errors exit 2, file errors exit 1, each one line", "[ctl][cdr]") {
  cdr_fixture f;
  auto bad_mode = f.run(with_mode("free"));
  CHECK(bad_mode.code == 2);
  CHECK(bad_mode.err ==
        "tollgatectl cdr: --billing-mode \"free\" is not a billing mode (illegal, endpoint, gateway, none, or 4, 0, "
        "1, -1)\n");
  CHECK(f.run(with_mode("2")).code == 2);
  ctl::cdr_arguments a;
  a.since = "tuesday";
  CHECK(f.run(a).err.rfind("tollgatectl cdr: --since \"tuesday\" is not Unix seconds, an ISO 8601 time", 0) == 0);
  a.since = "2025-13-01T00:00:00Z";
  CHECK(f.run(a).code == 2);
  a = {};
  a.since = "2025-11-26T11:00:00Z";
  a.until = "2025-11-26T10:00:00Z";
  CHECK(f.run(a).err == "tollgatectl cdr: --until must be later than --since\n");
  a = {};
  a.src = "203.0.113.0/24";
  CHECK(f.run(a).err == "tollgatectl cdr: --src \"203.0.113.0/24\" is not an IPv4 or IPv6 address\n");
  a = {};
  a.csv = true;
  CHECK(f.run(a, true).code == 2);

  a = {};
  a.db = f.dir.file("missing.db");
  auto missing = f.run(a);
  CHECK(missing.code == 1);
  CHECK(missing.err == "tollgatectl cdr: " + a.db +
                           " does not exist (give the switch's state directory with --state-dir, or the file with "
                           "--db)\n");
  CHECK_FALSE(std::filesystem::exists(a.db));  // read-only: never created

  a.db = f.dir.file("notes.txt");
  std::ofstream(a.db) << "this is not a database, but it is long enough to have a header of sorts......."
                         "..............................................................................\n";
  auto text = f.run(a);
  CHECK(text.code == 1);
  CHECK(text.err == "tollgatectl cdr: " + a.db + " is not a Tollgate switch.db (not an SQLite database)\n");

  a.db = f.dir.file("agent.db");
  REQUIRE(store::open_agent_db(a.db));
  auto agent_db = f.run(a);
  CHECK(agent_db.code == 1);
  CHECK(agent_db.err == "tollgatectl cdr: " + a.db + " is not a Tollgate switch.db (it has no cdr table)\n");
}
