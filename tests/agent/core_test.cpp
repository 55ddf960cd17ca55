#include "agent/core.hpp"

#include <catch2/catch.hpp>

#include "store/agent_schema.hpp"
#include "tests/agent/fake_kernel.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tollgate;
using namespace std::chrono_literals;

namespace {

const base::timestamp t0 = base::from_unix_seconds(1764158400);

policy::report illegal(const char* ip) {
  policy::report r;
  r.type = policy::report_type::illegal_call;
  r.ip = *base::ip_address::parse(ip);
  r.call_id = "c1";
  return r;
}

policy::report failed(const char* endpoint, const char* ip = "203.0.113.7") {
  policy::report r;
  r.type = policy::report_type::register_failed;
  r.ip = *base::ip_address::parse(ip);
  r.endpoint = endpoint;
  r.verified = true;
  return r;
}

base::ip_prefix prefix(const char* text) { return *base::ip_prefix::parse(text); }

/// One agent on one agent.db: engine, journal, core. A second `agent_under_test` on the
/// same file is a restarted agent.
struct agent_under_test {
  store::database db;
  agent::state_journal journal;
  policy::engine engine;
  agent::core core;
  std::vector<store::audit_entry> audited;
  std::vector<policy::decision> pushed;

  agent_under_test(const std::string& path, test::fake_kernel& kernel, base::manual_clock& clock,
                   policy::parameter_set params = suspend_on())
      : db(open(path)), journal(db), engine(params), core(engine, kernel, journal, clock, options()) {
    core.on_audit = [this](const store::audit_entry& e) { audited.push_back(e); };
    core.on_switch_decision = [this](const policy::decision& d) { pushed.push_back(d); };
  }

  static store::database open(const std::string& path) {
    auto db = store::open_agent_db(path);
    REQUIRE(db);
    return std::move(*db);
  }
  static policy::parameter_set suspend_on() {
    policy::parameter_set p;
    (void)p.set(policy::parameter::SS_ENDPOINTREGISTERSUSPEND, 1, policy::parameter_origin::config);
    (void)p.set(policy::parameter::SS_ENDPOINTREGISTERRETRY, 3, policy::parameter_origin::config);
    return p;
  }
  static agent::core_options options() {
    agent::core_options o;
    o.config_whitelist = {prefix("192.0.2.0/24")};
    return o;
  }
  void report(const policy::report& r, int times = 1) {
    for (int i = 0; i < times; ++i) core.submit(r, base::steady_timestamp{});
    core.flush();
  }
  std::size_t audited_actions(const std::string& action) const {
    return static_cast<std::size_t>(
        std::count_if(audited.begin(), audited.end(), [&](const auto& e) { return e.action == action; }));
  }
};

}  // namespace

TEST_CASE("a report that crosses a threshold blocks in the kernel, in agent.db and the audit", "[agent][core]") {
  test::temp_dir dir;
  test::fake_kernel kernel;
  base::manual_clock clock(t0);
  agent_under_test a(dir.file("agent.db"), kernel, clock);
  REQUIRE_FALSE(a.core.start());
  CHECK(kernel.table);
  CHECK(kernel.allow.count(prefix("192.0.2.0/24")));
  CHECK(kernel.rate == 10);
  CHECK(kernel.inspect);

  a.report(illegal("203.0.113.9"), 3);
  REQUIRE(kernel.blocks.count(prefix("203.0.113.9/32")));
  CHECK(kernel.blocks[prefix("203.0.113.9/32")] == base::millis{3600s});
  auto rows = a.journal.blocks().load_all();
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].reason == "illegal_calls");
  CHECK(a.audited_actions("block") == 1);
  CHECK(a.core.latency().count() == 1);
  CHECK(a.core.counters().reports[static_cast<std::size_t>(policy::report_type::illegal_call)] == 3);
}

TEST_CASE("suspensions are stored and pushed to the switch, expiry unsuspends", "[agent][core]") {
  test::temp_dir dir;
  test::fake_kernel kernel;
  base::manual_clock clock(t0);
  agent_under_test a(dir.file("agent.db"), kernel, clock);
  REQUIRE_FALSE(a.core.start());
  a.report(failed("1001"), 3);
  REQUIRE(a.pushed.size() == 1);
  CHECK(std::get<policy::suspend>(a.pushed[0].what).endpoint == "1001");
  auto rows = a.journal.suspensions().list();
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  clock.advance(180s);
  a.core.tick();
  REQUIRE(a.pushed.size() == 2);
  CHECK(std::get<policy::unsuspend>(a.pushed[1].what).reason == "expired");
  CHECK(a.journal.suspensions().list()->empty());
}

TEST_CASE("a restarted agent keeps blocks with their remaining time and re-adds nothing", "[agent][core]") {
  test::temp_dir dir;
  test::fake_kernel kernel;
  base::manual_clock clock(t0);
  {
    agent_under_test a(dir.file("agent.db"), kernel, clock);
    REQUIRE_FALSE(a.core.start());
    a.report(illegal("203.0.113.9"), 3);
    a.report(failed("1001"), 3);
  }
  clock.advance(600s);
  agent_under_test b(dir.file("agent.db"), kernel, clock);
  REQUIRE_FALSE(b.core.start());
  // The kernel still had the element: it stays as it was (no unblock, no new timeout).
  CHECK(kernel.blocks.size() == 1);
  CHECK(kernel.blocks[prefix("203.0.113.9/32")] == base::millis{3600s});
  CHECK(b.engine.blocks().blocked(prefix("203.0.113.9/32"), clock.now()));
  CHECK(b.engine.suspensions().is_suspended("1001", clock.now()) == false);  // 180 s suspension ended while away
  CHECK(b.audited_actions("unsuspend") == 1);

  SECTION("an emptied kernel gets the block back with its remaining time") {
    kernel.blocks.clear();
    test::fake_kernel fresh;
    agent_under_test c(dir.file("agent.db"), fresh, clock);
    REQUIRE_FALSE(c.core.start());
    REQUIRE(fresh.blocks.count(prefix("203.0.113.9/32")));
    CHECK(fresh.blocks[prefix("203.0.113.9/32")] == base::millis{3000s});
  }
  SECTION("blocks that ended while the agent was away are released and audited") {
    clock.advance(3600s);
    test::fake_kernel fresh;
    agent_under_test c(dir.file("agent.db"), fresh, clock);
    REQUIRE_FALSE(c.core.start());
    CHECK(fresh.blocks.empty());
    CHECK(c.audited_actions("release") == 1);
    CHECK(c.journal.blocks().load_all()->empty());
  }
  SECTION("a repeat offender is remembered across the restart") {
    clock.advance(3600s);
    test::fake_kernel fresh;
    agent_under_test c(dir.file("agent.db"), fresh, clock);
    REQUIRE_FALSE(c.core.start());
    c.report(illegal("203.0.113.9"), 3);
    REQUIRE(fresh.blocks.count(prefix("203.0.113.9/32")));
    CHECK(fresh.blocks[prefix("203.0.113.9/32")] == base::millis{7200s});
  }
}

TEST_CASE("reconcile removes what the policy does not hold and adds what is missing", "[agent][core]") {
  test::temp_dir dir;
  test::fake_kernel kernel;
  base::manual_clock clock(t0);
  kernel.blocks[prefix("198.51.100.99/32")] = base::millis{1000s};  // left over, unknown to agent.db
  agent_under_test a(dir.file("agent.db"), kernel, clock);
  REQUIRE_FALSE(a.core.start());
  CHECK(kernel.blocks.size() == 1);  // start only adds; the full check lists and removes
  REQUIRE_FALSE(a.core.reconcile());
  CHECK(kernel.blocks.empty());
  CHECK(a.core.counters().reconcile_repairs == 1);
  a.report(illegal("203.0.113.9"), 3);
  kernel.blocks.clear();  // someone flushed the set
  REQUIRE_FALSE(a.core.reconcile());
  CHECK(kernel.blocks.count(prefix("203.0.113.9/32")));
}

TEST_CASE("a kernel failing at any call: nothing lost once the kernel works again", "[agent][core][fault]") {
  for (int n = 0; n < 12; ++n) {
    INFO("kernel fails at call " << n);
    test::temp_dir dir;
    test::fake_kernel kernel;
    base::manual_clock clock(t0);
    agent_under_test a(dir.file("agent.db"), kernel, clock);
    const int calls_at_start = kernel.calls;
    kernel.fail_after = n;
    (void)a.core.start();
    a.report(illegal("203.0.113.9"), 3);
    a.report(illegal("203.0.113.10"), 3);
    (void)a.core.unblock(prefix("203.0.113.10/32"), "alice");
    CHECK(kernel.calls > calls_at_start);
    for (int i = 0; i < 3; ++i) {
      clock.advance(1s);
      a.core.kernel_lost();
      a.core.tick();
    }
    CHECK(kernel.table);
    CHECK(kernel.blocks.size() == 1);
    CHECK(kernel.blocks.count(prefix("203.0.113.9/32")));
    CHECK(kernel.allow.count(prefix("192.0.2.0/24")));
    CHECK(a.journal.blocks().load_all()->size() == 1);
  }
}

TEST_CASE("agent.db failing at any step: decisions are retried in order, audited once", "[agent][core][fault]") {
  // Fail the 0th, 1st, … statement step until a run completes without a fault.
  for (int n = 0;; ++n) {
    INFO("agent.db fails at step " << n);
    test::temp_dir dir;
    test::fake_kernel kernel;
    base::manual_clock clock(t0);
    agent_under_test a(dir.file("agent.db"), kernel, clock);
    REQUIRE_FALSE(a.core.start());
    a.db.inject_fault_after(n);
    a.report(illegal("203.0.113.9"), 3);
    a.report(failed("1001"), 3);
    (void)a.core.block(prefix("198.51.100.0/24"), 600s, "alice", "test", false);
    // The kernel and the switch never waited for the disk.
    CHECK(kernel.blocks.size() == 2);
    CHECK(a.pushed.size() == 1);
    const bool faulted = a.db.faults_injected() > 0;
    a.db.inject_fault_after(-1);
    clock.advance(1s);
    a.core.tick();
    CHECK(a.core.unwritten_batches() == 0);
    CHECK(a.journal.blocks().load_all()->size() == 2);
    CHECK(a.journal.suspensions().list()->size() == 1);
    CHECK(a.audited_actions("block") == 2);
    CHECK(a.audited_actions("suspend") == 1);
    auto rows = a.journal.audit().since(t0);
    REQUIRE(rows);
    CHECK(rows->size() == a.audited.size());
    if (!faulted) break;
    REQUIRE(n < 500);
  }
}

TEST_CASE("admin commands: whitelist guard, parameters, flush", "[agent][core]") {
  test::temp_dir dir;
  test::fake_kernel kernel;
  base::manual_clock clock(t0);
  agent_under_test a(dir.file("agent.db"), kernel, clock);
  REQUIRE_FALSE(a.core.start());

  auto refused = a.core.block(prefix("192.0.2.10/32"), 600s, "alice", "", false);
  CHECK_FALSE(refused.ok);
  CHECK(refused.error == "192.0.2.10/32 overlaps the whitelist; use --force to block it anyway");
  CHECK(kernel.blocks.empty());
  CHECK(a.core.block(prefix("192.0.2.10/32"), 600s, "alice", "", true).ok);
  CHECK(kernel.blocks.count(prefix("192.0.2.10/32")));

  // Re-blocking replaces the kernel element, so the new length holds.
  CHECK(a.core.block(prefix("192.0.2.10/32"), std::nullopt, "alice", "", true).ok);
  CHECK(kernel.blocks[prefix("192.0.2.10/32")] == std::nullopt);

  auto bad = a.core.set_parameter("SS_ENDPOINTREGISTERRETRY", 0, "alice");
  CHECK_FALSE(bad.ok);
  CHECK(bad.error == "SS_ENDPOINTREGISTERRETRY must be between 1 and 100 (got 0)");
  CHECK(a.core.set_parameter("register_rate_limit", 30, "alice").ok);
  CHECK(kernel.rate == 30);
  CHECK(a.core.set_parameter("INSPECT_ENABLE", 0, "alice").ok);
  CHECK_FALSE(kernel.inspect);

  CHECK(a.core.whitelist_add(prefix("198.51.100.0/24"), "alice").ok);
  CHECK(kernel.allow.count(prefix("198.51.100.0/24")));
  CHECK_FALSE(a.core.whitelist_add(prefix("198.51.100.0/24"), "alice").ok);
  CHECK_FALSE(a.core.whitelist_del(prefix("192.0.2.0/24"), "alice").ok);  // from the config file
  CHECK(a.core.whitelist_del(prefix("198.51.100.0/24"), "alice").ok);
  CHECK_FALSE(kernel.allow.count(prefix("198.51.100.0/24")));

  a.report(illegal("203.0.113.9"), 3);
  CHECK(a.core.flush_blacklist("bob") == 2);
  CHECK(kernel.blocks.empty());
  CHECK(a.audited_actions("param_set") == 2);
  const auto& last = a.audited.back();
  CHECK(last.action == "release");
  CHECK(last.actor == "bob");

  // Runtime parameters and whitelist survive a restart.
  agent_under_test b(dir.file("agent.db"), kernel, clock);
  REQUIRE_FALSE(b.core.start());
  CHECK(b.engine.parameters().get(policy::parameter::REGISTER_RATE_LIMIT) == 30);
  CHECK(b.engine.parameters().origin(policy::parameter::REGISTER_RATE_LIMIT) == policy::parameter_origin::runtime);
}

TEST_CASE("a flood of reports drops the oldest, never grows without bound", "[agent][core]") {
  test::temp_dir dir;
  test::fake_kernel kernel;
  base::manual_clock clock(t0);
  store::database db = agent_under_test::open(dir.file("agent.db"));
  agent::state_journal journal(db);
  policy::engine engine;
  agent::core_options options;
  options.max_queued_reports = 100;
  agent::core core(engine, kernel, journal, clock, options);
  for (int i = 0; i < 1000; ++i) core.submit(illegal("203.0.113.9"), base::steady_timestamp{});
  CHECK(core.queued_reports() == 100);
  CHECK(core.counters().dropped_reports == 900);
  core.flush();
  CHECK_FALSE(core.has_queued_reports());
}

TEST_CASE("live registrations become trusted in the kernel and leave it on expiry", "[agent][core]") {
  test::temp_dir dir;
  test::fake_kernel kernel;
  base::manual_clock clock(t0);
  agent_under_test a(dir.file("agent.db"), kernel, clock);
  REQUIRE_FALSE(a.core.start());
  policy::report ok;
  ok.type = policy::report_type::register_ok;
  ok.ip = *base::ip_address::parse("198.51.100.20");
  ok.endpoint = "1002";
  ok.expires = 120;
  a.report(ok);
  CHECK(kernel.trusted.count(prefix("198.51.100.20/32")));
  clock.advance(200s);
  a.core.tick();
  CHECK(kernel.trusted.empty());
}
