#include "switch/suspensions.hpp"

#include <catch2/catch.hpp>

#include "store/database.hpp"
#include "store/switch_schema.hpp"

using namespace tollgate;
using namespace tollgate::switch_;
using namespace std::chrono_literals;

namespace {

const base::timestamp t0 = base::from_unix_seconds(1764158400);

policy::report failed(const std::string& endpoint, policy::failure_reason reason = policy::failure_reason::wrong_password,
                      bool verified = true) {
  policy::report r;
  r.type = policy::report_type::register_failed;
  r.endpoint = endpoint;
  r.verified = verified;
  r.reason = reason;
  r.user_agent = "cracker";
  r.ip = *base::ip_address::parse("203.0.113.7");
  return r;
}

policy::parameter_set suspend_on(std::int64_t retry = 5, std::int64_t seconds = 600) {
  policy::parameter_set p;
  REQUIRE_FALSE(p.set(policy::parameter::SS_ENDPOINTREGISTERSUSPEND, 1, policy::parameter_origin::config));
  REQUIRE_FALSE(p.set(policy::parameter::SS_ENDPOINTREGISTERRETRY, retry, policy::parameter_origin::config));
  REQUIRE_FALSE(p.set(policy::parameter::SS_ENDPOINTREGISTERSUSPENDTIME, seconds, policy::parameter_origin::config));
  return p;
}

}  // namespace

TEST_CASE("the switch suspends at exactly RETRY verified failures, with no agent", "[switch][suspensions]") {
  suspension_table table;
  const auto params = suspend_on(5, 600);
  std::vector<policy::decision> local;
  for (int i = 0; i < 4; ++i) table.on_report(failed("1001"), params, t0 + std::chrono::seconds{i}, local);
  // Neither a refusal while suspended nor a stale nonce counts.
  table.on_report(failed("1001", policy::failure_reason::stale_nonce), params, t0 + 4s, local);
  table.on_report(failed("1001", policy::failure_reason::suspended, false), params, t0 + 4s, local);
  CHECK(local.empty());
  CHECK_FALSE(table.is_suspended("1001", t0 + 4s));
  table.on_report(failed("1001"), params, t0 + 5s, local);
  REQUIRE(local.size() == 1);
  const auto& s = std::get<policy::suspend>(local[0].what);
  CHECK(s.endpoint == "1001");
  CHECK(s.failures == 5);
  CHECK(s.until == t0 + 605s);
  CHECK(s.actor == "switch");
  CHECK(table.is_suspended("1001", t0 + 6s));
  CHECK(table.local_suspensions() == 1);

  // Its report for the agent carries the start, the end and the failures.
  const auto r = table.report_of(local[0]);
  CHECK(r.type == policy::report_type::endpoint_suspended);
  CHECK(r.time == t0 + 5s);
  CHECK(r.until == t0 + 605s);
  CHECK(r.failures == 5);
  CHECK(r.user_agent == "cracker");

  std::vector<policy::decision> ended;
  table.on_tick(t0 + 605s, ended);
  REQUIRE(ended.size() == 1);
  CHECK_FALSE(table.is_suspended("1001", t0 + 605s));
  CHECK(table.size() == 0);
}

TEST_CASE("a success resets the switch's count", "[switch][suspensions]") {
  suspension_table table;
  const auto params = suspend_on(3);
  std::vector<policy::decision> local;
  table.on_report(failed("1001"), params, t0, local);
  table.on_report(failed("1001"), params, t0, local);
  policy::report ok;
  ok.type = policy::report_type::register_ok;
  ok.endpoint = "1001";
  table.on_report(ok, params, t0, local);
  CHECK(table.failures("1001") == 0);
  table.on_report(failed("1001"), params, t0, local);
  table.on_report(failed("1001"), params, t0, local);
  CHECK(local.empty());
}

TEST_CASE("the agent's decisions win on the switch", "[switch][suspensions]") {
  suspension_table table;
  const auto params = suspend_on(5, 600);
  std::vector<policy::decision> local;
  for (int i = 0; i < 5; ++i) table.on_report(failed("1001"), params, t0, local);
  REQUIRE(table.is_suspended("1001", t0));
  // The agent's own suspend, a little later: its end holds.
  CHECK(table.apply({t0 + 1s, policy::suspend{"1001", t0 + 601s, 5, {}}}, t0 + 1s));
  CHECK(table.is_suspended("1001", t0 + 600s));
  // `suspend clear` ends the suspension and the count at once.
  CHECK(table.apply({t0 + 2s, policy::unsuspend{"1001", "manual", "admin"}}, t0 + 2s));
  CHECK_FALSE(table.is_suspended("1001", t0 + 2s));
  CHECK(table.failures("1001") == 0);
  CHECK(table.active_reports(t0 + 2s).empty());
  // A suspension the agent decided alone (a switch it was not talking to) is enforced too.
  CHECK(table.apply({t0 + 3s, policy::suspend{"4711", t0 + 603s, 5, {}}}, t0 + 3s));
  CHECK(table.is_suspended("4711", t0 + 4s));
  CHECK_FALSE(table.apply({t0, policy::release{}}, t0));
}

TEST_CASE("every active suspension is reported again at each connect, with its start", "[switch][suspensions]") {
  suspension_table table;
  const auto params = suspend_on(2, 600);
  std::vector<policy::decision> local;
  table.on_report(failed("1001"), params, t0, local);
  table.on_report(failed("1001"), params, t0 + 1s, local);
  table.on_report(failed("9999", policy::failure_reason::unknown_user), params, t0 + 2s, local);
  table.on_report(failed("9999", policy::failure_reason::unknown_user), params, t0 + 3s, local);
  const auto reports = table.active_reports(t0 + 10s);
  REQUIRE(reports.size() == 2);
  for (const auto& r : reports) {
    CHECK(r.type == policy::report_type::endpoint_suspended);
    if (r.endpoint == "1001") {
      CHECK(r.time == t0 + 1s);
      CHECK(r.reason == policy::failure_reason::wrong_password);
    } else {
      CHECK(r.endpoint == "9999");
      CHECK(r.time == t0 + 3s);
      CHECK(r.reason == policy::failure_reason::unknown_user);  // the agent keeps it apart too
    }
  }
}

TEST_CASE("suspensions survive a restart of the switch through switch.db", "[switch][suspensions]") {
  auto db = store::open_switch_db(":memory:");
  REQUIRE(db);
  const auto params = suspend_on(2, 600);
  {
    suspension_table table;
    std::vector<policy::decision> local;
    table.on_report(failed("1001"), params, t0, local);
    table.on_report(failed("1001"), params, t0 + 1s, local);
    table.apply({t0 + 2s, policy::suspend{"1002", t0 + 30s, 5, {}}}, t0 + 2s);
    REQUIRE(write_changes(*db, table.take_changes(t0 + 2s)));
    CHECK(table.pending_changes() == 0);
  }
  auto rows = store::suspension_store(*db).list();
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].endpoint == "1001");
  CHECK((*rows)[0].since == t0 + 1s);
  CHECK((*rows)[0].until == t0 + 601s);
  CHECK((*rows)[0].failures == 2);

  suspension_table restarted;
  for (const auto& row : *rows) restarted.restore(row, t0 + 60s);  // 1002 ended meanwhile
  CHECK(restarted.is_suspended("1001", t0 + 60s));
  CHECK_FALSE(restarted.is_suspended("1002", t0 + 60s));
  const auto reports = restarted.active_reports(t0 + 60s);
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].time == t0 + 1s);  // its original start, for the agent's audit
  REQUIRE(write_changes(*db, restarted.take_changes(t0 + 60s)));
  rows = store::suspension_store(*db).list();
  REQUIRE(rows);
  CHECK(rows->size() == 1);  // the ended one's row went
}

TEST_CASE("a failed switch.db write changes nothing and is taken again", "[switch][suspensions]") {
  auto db = store::open_switch_db(":memory:");
  REQUIRE(db);
  suspension_table table;
  table.apply({t0, policy::suspend{"1001", t0 + 600s, 5, {}}}, t0);
  auto changes = table.take_changes(t0);
  db->inject_fault_after(1);  // the statement after BEGIN fails
  CHECK_FALSE(write_changes(*db, changes));
  table.retake(changes);
  auto rows = store::suspension_store(*db).list();
  REQUIRE(rows);
  CHECK(rows->empty());
  REQUIRE(write_changes(*db, table.take_changes(t0)));
  rows = store::suspension_store(*db).list();
  REQUIRE(rows);
  CHECK(rows->size() == 1);
}
