#include "ctl/agent_client.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "agent/control_handler.hpp"
#include "agent/socket_server.hpp"
#include "policy/parameters.hpp"
#include "wire/report_codec.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tollgate;

namespace {

const base::timestamp t0 = base::from_unix_seconds(1764158400);

/// A small agent: blocks, a whitelist, one suspension, the real parameter registry, and an
/// audit log, answering commands as docs/agent-protocol.md says.
class fake_agent final : public agent::control_handler {
public:
  void on_report(const policy::report&, const agent::peer&) override {}
  std::vector<policy::decision> on_switch_connected(const agent::peer&) override { return {}; }
  void on_refused(const agent::peer&) override {}
  void on_bad_line(const agent::peer&, const wire::line_rejection&) override {}
  void on_disconnected(const agent::peer&, std::string_view) override {}

  wire::response on_command(const wire::request& r, const agent::peer& from) override {
    std::lock_guard lock(mutex);
    commands.emplace_back(wire::command_name(r.what));
    return std::visit([&](const auto& c) { return answer(r.id, c, from); }, r.what);
  }

  std::mutex mutex;
  std::vector<std::string> commands;

private:
  using json = wire::json;

  wire::response answer(const json& id, const wire::status_request&, const agent::peer&) {
    return wire::response::success(
        id, {{"version", "0.1.0"},
             {"uptime_s", 3725},
             {"blocks", blocks_.size()},
             {"suspensions", 1},
             {"reports", {{"register_failed", 3}}},
             {"latency_us", {{"p50", 120}, {"p99", 900}, {"max", 2000}, {"count", 50}}},
             {"kernel", {{"table", "inet tollgate"}, {"counters", {{"blacklist", {{"packets", 10}, {"bytes", 600}}}}}}}});
  }
  wire::response answer(const json& id, const wire::blacklist_list_request&, const agent::peer&) {
    json rows = json::array();
    for (const auto& b : blocks_) {
      rows.push_back({{"address", b.address.to_string()},
                      {"until", b.until ? json(base::to_unix_seconds(*b.until)) : json(nullptr)},
                      {"reason", policy::to_string(b.reason)},
                      {"repeat", b.repeat},
                      {"actor", b.actor},
                      {"note", b.note},
                      {"created", base::to_unix_seconds(t0)}});
    }
    return wire::response::success(id, rows);
  }
  wire::response answer(const json& id, const wire::blacklist_add_request& r, const agent::peer& from) {
    for (const auto& w : whitelist_) {
      if (!r.force && (w.contains(r.address) || r.address.contains(w))) {
        return wire::response::failure(id, r.address.to_string() + " overlaps the whitelist (" + w.to_string() +
                                               "); use --force");
      }
    }
    policy::block b;
    b.address = r.address;
    if (r.duration) b.until = t0 + std::chrono::duration_cast<base::millis>(*r.duration);
    b.actor = from.user_name;
    b.note = r.reason;
    blocks_.push_back(b);
    return wire::response::success(id, wire::decision_to_json({t0, b}));
  }
  wire::response answer(const json& id, const wire::blacklist_del_request& r, const agent::peer& from) {
    for (auto it = blocks_.begin(); it != blocks_.end(); ++it) {
      if (it->address == r.address) {
        blocks_.erase(it);
        return wire::response::success(id, wire::decision_to_json({t0, policy::release{r.address, "manual", from.user_name}}));
      }
    }
    return wire::response::failure(id, r.address.to_string() + " is not blocked");
  }
  wire::response answer(const json& id, const wire::blacklist_flush_request&, const agent::peer&) {
    const auto n = blocks_.size();
    blocks_.clear();
    return wire::response::success(id, {{"released", n}});
  }
  wire::response answer(const json& id, const wire::whitelist_list_request&, const agent::peer&) {
    json rows = json::array();
    for (const auto& w : whitelist_) rows.push_back({{"cidr", w.to_string()}, {"origin", "config"}});
    return wire::response::success(id, rows);
  }
  wire::response answer(const json& id, const wire::whitelist_add_request& r, const agent::peer&) {
    whitelist_.push_back(r.cidr);
    return wire::response::success(id, {{"cidr", r.cidr.to_string()}});
  }
  wire::response answer(const json& id, const wire::whitelist_del_request& r, const agent::peer&) {
    std::erase(whitelist_, r.cidr);
    return wire::response::success(id, {{"cidr", r.cidr.to_string()}});
  }
  wire::response answer(const json& id, const wire::suspend_list_request&, const agent::peer&) {
    return wire::response::success(
        id, json::array({{{"endpoint", "1001"}, {"until", base::to_unix_seconds(t0) + 600}, {"failures", 5}}}));
  }
  wire::response answer(const json& id, const wire::suspend_clear_request& r, const agent::peer&) {
    if (r.endpoint != "1001") return wire::response::failure(id, "endpoint " + r.endpoint + " is not suspended");
    return wire::response::success(id, wire::decision_to_json({t0, policy::unsuspend{r.endpoint, "manual"}}));
  }
  json parameter_json(policy::parameter p) const {
    const auto& i = policy::info(p);
    return {{"name", i.name},  {"value", parameters_.get(p)}, {"default", i.default_value},
            {"min", i.min},    {"max", i.max},                {"unit", i.unit},
            {"origin", policy::to_string(parameters_.origin(p))}, {"doc", i.doc}};
  }
  wire::response answer(const json& id, const wire::param_list_request&, const agent::peer&) {
    json rows = json::array();
    for (const auto& i : policy::parameter_table()) rows.push_back(parameter_json(i.id));
    return wire::response::success(id, rows);
  }
  wire::response answer(const json& id, const wire::param_get_request& r, const agent::peer&) {
    const auto p = policy::find_parameter(r.name);
    if (!p) return wire::response::failure(id, "no parameter named " + r.name);
    return wire::response::success(id, parameter_json(*p));
  }
  wire::response answer(const json& id, const wire::param_set_request& r, const agent::peer&) {
    const auto p = policy::find_parameter(r.name);
    if (!p) return wire::response::failure(id, "no parameter named " + r.name);
    if (auto error = parameters_.set(*p, r.value, policy::parameter_origin::runtime)) {
      return wire::response::failure(id, *error);
    }
    return wire::response::success(id, parameter_json(*p));
  }
  wire::response answer(const json& id, const wire::audit_request& r, const agent::peer&) {
    json rows = json::array();
    if (!r.since || *r.since <= t0) {
      rows.push_back({{"time", base::to_unix_seconds(t0)},
                      {"actor", "policy"},
                      {"action", "block"},
                      {"subject", "203.0.113.9/32"},
                      {"reason", "illegal_calls"},
                      {"evidence", {{"call_id", "abc"}}}});
    }
    return wire::response::success(id, rows);
  }
  wire::response answer(const json& id, const wire::reload_request&, const agent::peer&) {
    return wire::response::success(id, {{"reloaded", true}});
  }
  wire::response answer(const json& id, const wire::registrations_request&, const agent::peer&) {
    return wire::response::failure(id, "registrations is a command of the switch");
  }
  wire::response answer(const json& id, const wire::trace_request&, const agent::peer&) {
    return wire::response::failure(id, "trace is a command of the switch");
  }
  wire::response answer(const json& id, const wire::trace_stop_request&, const agent::peer&) {
    return wire::response::failure(id, "trace_stop is a command of the switch");
  }

  std::vector<policy::block> blocks_;
  std::vector<base::ip_prefix> whitelist_{*base::ip_prefix::parse("192.0.2.0/24")};
  policy::parameter_set parameters_;
};

/// The fake agent behind a real socket server on its own thread.
class agent_under_test {
public:
  agent_under_test() : work_(boost::asio::make_work_guard(io_)) {
    agent::server_options options;
    options.path = dir_.path() / "agent.sock";
    server_ = std::make_unique<agent::socket_server>(io_, options, handler, clock_);
    REQUIRE_FALSE(server_->start());
    thread_ = std::thread([this] { io_.run(); });
  }
  ~agent_under_test() {
    stop();
    work_.reset();
    thread_.join();
  }
  template <typename F>
  auto on_io(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  void stop() {
    on_io([this] {
      server_->stop();
      return 0;
    });
  }
  std::size_t publish_audit(const std::string& line) {
    return on_io([&] { return server_->publish_audit(line); });
  }
  std::string socket() const { return dir_.file("agent.sock"); }
  const std::filesystem::path& dir() const { return dir_.path(); }
  fake_agent handler;

private:
  tollgate::test::temp_dir dir_{"tollgatectl"};
  base::system_clock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<agent::socket_server> server_;
  std::thread thread_;
};

struct run_result {
  int code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string tollgatectl = std::string(TOLLGATE_BINARY_DIR) + "/ctl/tollgatectl";

/// Runs tollgatectl with `arguments` (shell words) against the agent's socket.
run_result run(const agent_under_test& agent, const std::string& arguments) {
  const auto out = agent.dir() / "out";
  const auto err = agent.dir() / "err";
  const std::string command = tollgatectl + " --socket " + agent.socket() + " " + arguments + " >" + out.string() +
                              " 2>" + err.string() + " </dev/null";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
}

}  // namespace

TEST_CASE("tollgatectl blacklist: add, list, refuse the whitelist, del, flush", "[ctl][e2e]") {
  agent_under_test agent;
  auto added = run(agent, "blacklist add 203.0.113.0/24 --for 1h --reason botnet");
  CHECK(added.code == 0);
  CHECK(added.err.empty());
  CHECK(added.out == "blocked 203.0.113.0/24 until 2025-11-26 13:00:00 UTC (manual)\n");
  CHECK(run(agent, "blacklist add 2001:db8::/64").out == "blocked 2001:db8::/64 permanently (manual)\n");

  auto refused = run(agent, "blacklist add 192.0.2.7");
  CHECK(refused.code == 1);
  CHECK(refused.out.empty());
  CHECK(refused.err == "tollgatectl blacklist add: 192.0.2.7/32 overlaps the whitelist (192.0.2.0/24); use --force\n");
  CHECK(run(agent, "blacklist add 192.0.2.7 --force").code == 0);

  auto list = run(agent, "blacklist list");
  CHECK(list.code == 0);
  CHECK(list.out ==
        "ADDRESS         UNTIL                    REASON  REPEAT  ACTOR  CREATED                  NOTE\n"
        "203.0.113.0/24  2025-11-26 13:00:00 UTC  manual  0       root   2025-11-26 12:00:00 UTC  botnet\n"
        "2001:db8::/64   permanent                manual  0       root   2025-11-26 12:00:00 UTC\n"
        "192.0.2.7/32    permanent                manual  0       root   2025-11-26 12:00:00 UTC\n");
  auto json = run(agent, "blacklist list --json");
  CHECK(json.code == 0);
  const auto rows = wire::json::parse(json.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["address"] == "203.0.113.0/24");
  CHECK(rows[1]["until"].is_null());

  CHECK(run(agent, "blacklist del 203.0.113.0/24").out == "released 203.0.113.0/24\n");
  auto missing = run(agent, "blacklist del 203.0.113.0/24");
  CHECK(missing.code == 1);
  CHECK(missing.err == "tollgatectl blacklist del: 203.0.113.0/24 is not blocked\n");
  CHECK(run(agent, "blacklist flush").out == "released 2 block(s)\n");
  CHECK(run(agent, "blacklist list").out == "no blocks\n");
}

TEST_CASE("tollgatectl usage errors exit 2 and reach no agent", "[ctl][e2e]") {
  agent_under_test agent;
  auto host_bits = run(agent, "blacklist add 203.0.113.1/24");
  CHECK(host_bits.code == 2);
  CHECK(host_bits.err == "tollgatectl blacklist add: \"203.0.113.1/24\" has host bits set (the network is 203.0.113.0/24)\n");
  CHECK(run(agent, "blacklist add 203.0.113.1 --for 1h --permanent").code == 2);
  CHECK(run(agent, "blacklist add 203.0.113.1 --for soon").code == 2);
  CHECK(run(agent, "blacklist").code == 2);
  CHECK(run(agent, "blacklist list extra").code == 2);
  CHECK(run(agent, "param set BLACKLIST_WINDOW banana").code == 2);
  CHECK(run(agent, "audit --since yesterday").code == 2);
  CHECK(run(agent, "audit --limit 0").code == 2);
  std::lock_guard lock(agent.handler.mutex);
  CHECK(agent.handler.commands.empty());
}

TEST_CASE("tollgatectl --help for every verb exits 0", "[ctl][e2e]") {
  agent_under_test agent;
  for (const char* verb : {"", "status", "blacklist", "blacklist add", "blacklist list", "blacklist del",
                           "blacklist flush", "whitelist add", "suspend clear", "param set", "audit", "simulate",
                           "check", "cdr", "reload", "registrations", "trace"}) {
    INFO(verb);
    const auto help = run(agent, std::string(verb) + " --help");
    CHECK(help.code == 0);
    CHECK(help.out.find("Usage:") != std::string::npos);
  }
  // Every footer ends its line: CLI11 prints what follows right after it.
  for (const char* verb : {"audit", "blacklist add", "cdr", "check", "param set", "registrations", "reload", "trace"}) {
    INFO(verb);
    const auto help = run(agent, std::string(verb) + " --help").out;
    CHECK(help.find("--csvThe") == std::string::npos);
    const auto example = help.find("Example:");
    if (example != std::string::npos) CHECK(help.find('\n', example) != std::string::npos);
    CHECK(help.back() == '\n');
  }
  CHECK(run(agent, "cdr --help").out.find("--csv\n") != std::string::npos);
  CHECK(run(agent, "blacklist add --help").out.find("--for") != std::string::npos);
  CHECK(run(agent, "cdr --help").out.find("--billing-mode") != std::string::npos);
  CHECK(run(agent, "reload --help").out.find("SIGHUP") != std::string::npos);
}

TEST_CASE("tollgatectl check audits the file with the agent's running parameters", "[ctl][e2e]") {
  agent_under_test agent;
  const auto config = (agent.dir() / "tollgate.toml").string();
  std::ofstream(config) << "[parameters]\nSS_ENDPOINTREGISTERSUSPEND = 1\nSS_ENDPOINTREGISTERSUSPENDTIME = 600\n"
                           "[whitelist]\ncidrs = [\"192.0.2.10/32\"]\n";
  // The file is hardened, but the running agent still has VOS3000's defaults (suspend off).
  auto defaults = run(agent, "check --config " + config);
  CHECK(defaults.code == 1);
  CHECK(defaults.out.find("parameters: running values of the agent at " + agent.socket()) != std::string::npos);
  CHECK(defaults.out.find("suspend_disabled") != std::string::npos);
  CHECK(defaults.out.find("suspend_time_short") != std::string::npos);
  CHECK(defaults.out.find("set SS_ENDPOINTREGISTERSUSPEND = 1 in [parameters]") != std::string::npos);

  REQUIRE(run(agent, "param set SS_ENDPOINTREGISTERSUSPEND 1").code == 0);
  REQUIRE(run(agent, "param set SS_ENDPOINTREGISTERSUSPENDTIME 10m").code == 0);
  auto hardened = run(agent, "check --config " + config);
  CHECK(hardened.code == 0);
  CHECK(hardened.out.find("no findings") != std::string::npos);
  const auto json = wire::json::parse(run(agent, "check --json --config " + config).out);
  CHECK(json["passed"] == true);
  CHECK(json["agent"]["reachable"] == true);

  std::ofstream(config) << "[parameters]\nSS_ENDPOINTREGISTERRETRY = 0\n";
  auto broken = run(agent, "check --config " + config);
  CHECK(broken.code == 1);
  CHECK(broken.err.find(config + ":2:") != std::string::npos);
  std::lock_guard lock(agent.handler.mutex);
  CHECK(std::count(agent.handler.commands.begin(), agent.handler.commands.end(), "param_list") == 3);
  CHECK(std::count(agent.handler.commands.begin(), agent.handler.commands.end(), "status") == 3);
}

TEST_CASE("tollgatectl check without an agent says so and audits the file alone", "[ctl][e2e]") {
  const tollgate::test::temp_dir scratch{"tollgatectl"};
  const auto& dir = scratch.path();
  const auto config = (dir / "tollgate.toml").string();
  std::ofstream(config) << "[parameters]\nSS_ENDPOINTREGISTERSUSPEND = 1\nSS_ENDPOINTREGISTERSUSPENDTIME = 600\n"
                           "[whitelist]\ncidrs = [\"192.0.2.10/32\"]\n";
  const auto out = dir / "out";
  const std::string command = tollgatectl + " --socket " + (dir / "agent.sock").string() + " check --config " +
                              config + " >" + out.string() + " 2>&1";
  const int status = std::system(command.c_str());
  CHECK(WEXITSTATUS(status) == 1);
  const auto text = read_file(out);
  CHECK(text.find("agent: not reachable (cannot reach the agent at " + (dir / "agent.sock").string()) !=
        std::string::npos);
  CHECK(text.find("auditing the file alone") != std::string::npos);
  CHECK(text.find("agent_not_running") != std::string::npos);
  CHECK(text.find("suspend_disabled") == std::string::npos);  // the file's own values are hardened
}

TEST_CASE("tollgatectl reload reloads the switch, then the agent, and prints both answers", "[ctl][e2e]") {
  agent_under_test agent;
  agent_under_test stand_in_switch;  // the same protocol answers on the switch's socket
  const std::string with_switch = "--switch-socket " + stand_in_switch.socket() + " reload";
  const auto reloaded = run(agent, with_switch);
  CHECK(reloaded.code == 0);
  CHECK(reloaded.out == "the switch reloaded its configuration\nthe agent reloaded its configuration\n");
  CHECK(reloaded.err.empty());
  const auto json = wire::json::parse(run(agent, with_switch + " --json").out);
  CHECK(json["switch"] == wire::json{{"ok", true}, {"result", {{"reloaded", true}}}});
  CHECK(json["agent"] == wire::json{{"ok", true}, {"result", {{"reloaded", true}}}});

  // No switch running (an agent-only host, or the switch stopped): the agent is reloaded
  // and the switch will read the file when it starts: nothing failed.
  const auto missing = (agent.dir() / "no-switch.sock").string();
  const auto half = run(agent, "--switch-socket " + missing + " reload");
  CHECK(half.code == 0);
  CHECK(half.out ==
        "the agent reloaded its configuration\nthe switch is not running: it reads the file when it starts\n");
  CHECK(half.err.empty());
  // Neither running: nothing was reloaded, and that is a failure with both reasons.
  agent_under_test stopped;
  stopped.stop();
  const auto none = run(stopped, "--switch-socket " + missing + " reload");
  CHECK(none.code == 1);
  CHECK(none.err.find("tollgatectl reload: switch not reloaded: cannot reach the switch at " + missing) == 0);
  CHECK(none.err.find("\ntollgatectl reload: agent not reloaded: cannot reach the agent at " + stopped.socket()) !=
        std::string::npos);
  {
    std::lock_guard lock(agent.handler.mutex);
    CHECK(agent.handler.commands == std::vector<std::string>{"reload", "reload", "reload"});
  }
  std::lock_guard lock(stand_in_switch.handler.mutex);
  CHECK(stand_in_switch.handler.commands == std::vector<std::string>{"reload", "reload"});
}

TEST_CASE("tollgatectl whitelist, suspend, param and status", "[ctl][e2e]") {
  agent_under_test agent;
  CHECK(run(agent, "whitelist add 198.51.100.0/24").out == "whitelisted 198.51.100.0/24\n");
  CHECK(run(agent, "whitelist list").out ==
        "CIDR             ORIGIN\n"
        "192.0.2.0/24     config\n"
        "198.51.100.0/24  config\n");
  CHECK(run(agent, "whitelist del 198.51.100.0/24").out == "removed 198.51.100.0/24 from the whitelist\n");

  CHECK(run(agent, "suspend list").out ==
        "ENDPOINT  UNTIL                    FAILURES\n"
        "1001      2025-11-26 12:10:00 UTC  5\n");
  CHECK(run(agent, "suspend clear 1001").out == "unsuspended 1001\n");
  const auto not_suspended = run(agent, "suspend clear 1002");
  CHECK(not_suspended.code == 1);
  CHECK(not_suspended.err == "tollgatectl suspend clear: endpoint 1002 is not suspended\n");

  CHECK(run(agent, "param set BLACKLIST_WINDOW 2m").out == "BLACKLIST_WINDOW = 120 seconds\n");
  const auto out_of_range = run(agent, "param set BLACKLIST_WINDOW 99999999");
  CHECK(out_of_range.code == 1);
  CHECK(out_of_range.err.rfind("tollgatectl param set: BLACKLIST_WINDOW must be between", 0) == 0);
  const auto get = run(agent, "param get blacklist_window");
  CHECK(get.code == 0);
  CHECK(get.out.find("value    120\n") != std::string::npos);
  CHECK(get.out.find("origin   runtime\n") != std::string::npos);
  const auto list = run(agent, "param list");
  CHECK(list.out.rfind("NAME ", 0) == 0);
  CHECK(std::count(list.out.begin(), list.out.end(), '\n') == static_cast<long>(policy::parameter_count + 1));
  CHECK(wire::json::parse(run(agent, "--json param list").out).size() == policy::parameter_count);

  const auto status = run(agent, "status");
  CHECK(status.code == 0);
  CHECK(status.out.find("uptime                  1h2m5s\n") != std::string::npos);
  CHECK(status.out.find("latency_us              p50 120, p99 900, max 2000, count 50\n") != std::string::npos);
  CHECK(status.out.find("kernel drops blacklist  packets 10, bytes 600\n") != std::string::npos);
  CHECK(wire::json::parse(run(agent, "status --json").out)["version"] == "0.1.0");
}

TEST_CASE("tollgatectl audit, and audit --follow streaming rows until the agent goes", "[ctl][e2e]") {
  agent_under_test agent;
  CHECK(run(agent, "audit").out ==
        "TIME                     ACTOR   ACTION  SUBJECT         REASON         DETAIL\n"
        "2025-11-26 12:00:00 UTC  policy  block   203.0.113.9/32  illegal_calls  call_id abc\n");
  CHECK(run(agent, "audit --since 1764158401").out == "no audit rows\n");

  const std::string command = tollgatectl + " --socket " + agent.socket() + " audit --follow --json 2>&1";
  FILE* follow = popen(command.c_str(), "r");
  REQUIRE(follow != nullptr);
  char line[4096];
  REQUIRE(std::fgets(line, sizeof line, follow) != nullptr);
  CHECK(wire::json::parse(line)["subject"] == "203.0.113.9/32");
  // The answer has been read, so the connection already follows the log.
  const std::string row = R"({"time":1764158500.0,"actor":"root","action":"whitelist_add","subject":"192.0.2.0/24"})";
  CHECK(agent.publish_audit(row) == 1);
  REQUIRE(std::fgets(line, sizeof line, follow) != nullptr);
  CHECK(std::string(line) == row + "\n");
  agent.stop();
  REQUIRE(std::fgets(line, sizeof line, follow) != nullptr);
  CHECK(std::string(line) == "tollgatectl audit: the agent closed the connection\n");
  const int status = pclose(follow);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
}

TEST_CASE("tollgatectl without an agent: one line, exit 1", "[ctl][e2e]") {
  const tollgate::test::temp_dir scratch{"tollgatectl"};
  const auto& dir = scratch.path();
  const auto err = dir / "err";
  const std::string command = tollgatectl + " --socket " + (dir / "agent.sock").string() + " status 2>" + err.string();
  const int status = std::system(command.c_str());
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(read_file(err) == "tollgatectl status: cannot reach the agent at " + (dir / "agent.sock").string() +
                              ": No such file or directory (is tollgate-agent running?)\n");
}

TEST_CASE("agent_client: a silent agent times out with a clear error", "[ctl][e2e]") {
  const tollgate::test::temp_dir scratch{"tollgatectl"};
  const auto& dir = scratch.path();
  const auto path = (dir / "silent.sock").string();
  boost::asio::io_context io;
  boost::asio::local::stream_protocol::acceptor acceptor(io, boost::asio::local::stream_protocol::endpoint(path));
  auto connected = ctl::agent_client::connect(path, std::chrono::milliseconds(200));
  REQUIRE(std::holds_alternative<ctl::agent_client>(connected));
  auto answer = std::get<ctl::agent_client>(connected).call(wire::request{1, wire::status_request{}});
  REQUIRE(std::holds_alternative<ctl::client_error>(answer));
  CHECK(std::get<ctl::client_error>(answer).message == "the agent at " + path + " did not answer within 200 ms");
}

TEST_CASE("tollgatectl --config takes the sockets and state_dir from the file", "[ctl][e2e]") {
  agent_under_test agent;
  const auto state = agent.dir() / "state";
  std::filesystem::create_directories(state);
  const auto config = (agent.dir() / "tollgate.toml").string();
  std::ofstream(config) << "[agent]\nsocket = \"" << agent.socket() << "\"\nstate_dir = \"" << state.string() << "\"\n";
  const auto out = agent.dir() / "out";
  const auto err = agent.dir() / "err";
  const auto bare = [&](const std::string& arguments) {  // no --socket: only the file names it
    const std::string command = tollgatectl + " " + arguments + " >" + out.string() + " 2>" + err.string() + " </dev/null";
    const int status = std::system(command.c_str());
    return run_result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
  };
  CHECK(bare("--config " + config + " status").code == 0);
  CHECK(bare("status --config " + config).code == 0);  // after the verb too
  // cdr looks for switch.db in the file's state_dir, and says where it looked.
  auto cdr = bare("--config " + config + " cdr");
  CHECK(cdr.code == 1);
  CHECK(cdr.err.find((state / "switch.db").string()) != std::string::npos);
  // --state-dir wins over the file.
  cdr = bare("--config " + config + " --state-dir " + (agent.dir() / "elsewhere").string() + " cdr");
  CHECK(cdr.err.find((agent.dir() / "elsewhere" / "switch.db").string()) != std::string::npos);
  // A bad file is refused naming the file and the key.
  const auto bad = (agent.dir() / "bad.toml").string();
  std::ofstream(bad) << "[agent]\nsocket = 7\n";
  const auto refused = bare("--config " + bad + " status");
  CHECK(refused.code == 1);
  CHECK(refused.err.find("bad.toml:2") != std::string::npos);
  CHECK(refused.err.find("socket") != std::string::npos);
}
