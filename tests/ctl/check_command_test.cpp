#include "ctl/check_command.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "config/descriptors.hpp"
#include "config/load.hpp"

using namespace tollgate;

namespace {

const char* const hardened = R"(
[parameters]
SS_ENDPOINTREGISTERSUSPEND = 1
SS_ENDPOINTREGISTERRETRY = 5
SS_ENDPOINTREGISTERSUSPENDTIME = 600

[whitelist]
cidrs = ["192.0.2.10/32"]

[[endpoint]]
name = "1001"
password = "Long-enough-1001"
)";

const char* const weak = R"(
[parameters]
SS_ENDPOINTREGISTERRETRY = 20

[[endpoint]]
name = "1001"
password = "1001"
)";

std::shared_ptr<const config::config> parse(const char* text) {
  auto loaded = config::parse(text, "tollgate.toml");
  if (!loaded) FAIL(loaded.message());
  return loaded.value();
}

ctl::running_system reachable(const policy::parameter_set& parameters) {
  ctl::running_system s;
  s.agent_reachable = true;
  s.socket = "/run/tollgate/agent.sock";
  s.parameters = parameters;
  s.kernel = {{"table", "inet tollgate"}, {"counters", wire::json::object()}};
  return s;
}

std::vector<std::string> ids(const std::vector<config::finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.id);
  return out;
}

struct printed {
  int code;
  std::string out;
};
printed print(const config::config& c, const ctl::running_system& s, bool json = false) {
  std::ostringstream out;
  const int code = ctl::print_check(c, s, json, out);
  return {code, out.str()};
}

}  // namespace

TEST_CASE("check: a hardened config on a healthy agent has no findings and exits 0", "[ctl][check]") {
  const auto c = parse(hardened);
  const auto s = reachable(c->parameters);
  CHECK(ctl::check_findings(*c, s).empty());
  const auto result = print(*c, s);
  CHECK(result.code == 0);
  CHECK(result.out ==
        "config: tollgate.toml\n"
        "parameters: running values of the agent at /run/tollgate/agent.sock\n"
        "no findings: the system passes the hardening checklist\n");
  const auto json = wire::json::parse(print(*c, s, true).out);
  CHECK(json["passed"] == true);
  CHECK(json["findings"].empty());
}

TEST_CASE("check: the running parameters are audited, not the file's", "[ctl][check]") {
  const auto c = parse(hardened);
  auto running = c->parameters;
  REQUIRE_FALSE(running.set(policy::parameter::SS_ENDPOINTREGISTERSUSPEND, 0, policy::parameter_origin::runtime));
  const auto result = print(*c, reachable(running));
  CHECK(result.code == 1);
  CHECK(result.out.find("high      suspend_disabled  authentication suspend is off") != std::string::npos);
  CHECK(result.out.find("set SS_ENDPOINTREGISTERSUSPEND = 1 in [parameters]") != std::string::npos);
  CHECK(result.out.find("1 finding(s), 1 of severity medium or high\n") != std::string::npos);
}

TEST_CASE("check: a weak config lists each finding with its fix, low findings alone pass", "[ctl][check]") {
  const auto c = parse(weak);
  const auto s = reachable(c->parameters);
  const auto found = ids(ctl::check_findings(*c, s));
  CHECK(found == std::vector<std::string>{"suspend_disabled", "weak_password", "suspend_retry_high",
                                          "suspend_time_short", "whitelist_empty"});
  const auto json = wire::json::parse(print(*c, s, true).out);
  CHECK(json["passed"] == false);
  CHECK(json["parameters"] == "running");
  REQUIRE(json["findings"].size() == 5);
  CHECK(json["findings"][1] == wire::json{{"id", "weak_password"},
                                          {"severity", "high"},
                                          {"message", "endpoint 1001: the password equals the name"},
                                          {"fix", "give endpoint 1001 a password of at least 12 characters mixing "
                                                  "letters, digits and symbols"}});
  CHECK(print(*c, s).code == 1);

  // Only a low-severity finding: reported, but the check passes.
  const auto quiet = parse(R"(
[parameters]
SS_ENDPOINTREGISTERSUSPEND = 1
SS_ENDPOINTREGISTERSUSPENDTIME = 600
[whitelist]
cidrs = ["192.0.2.10/32"]
[inspector]
user_agents = []
)");
  const auto low = print(*quiet, reachable(quiet->parameters));
  CHECK(low.out.find("scanner_list_empty") != std::string::npos);
  CHECK(low.code == 0);
}

TEST_CASE("check: SHA-256 digests are noted as a trade-off, low, and pass", "[ctl][check]") {
  const std::string base = hardened;
  // The shipped MD5 alone: nothing to note.
  CHECK(ctl::check_findings(*parse(hardened), reachable(parse(hardened)->parameters)).empty());

  const auto global = parse((base + "[switch]\ndigest_algorithms = [\"MD5\", \"SHA-256\"]\n").c_str());
  auto result = print(*global, reachable(global->parameters));
  CHECK(result.code == 0);
  CHECK(result.out.find("low       digest_sha256_offered  [switch] digest_algorithms offers SHA-256 to every endpoint: "
                        "phones such as baresip 1.0 fail to register") != std::string::npos);
  CHECK(result.out.find("1 finding(s), 0 of severity medium or high\n") != std::string::npos);

  const auto one = parse((base + "digest_algorithms = [\"SHA-256\", \"MD5\"]\n").c_str());  // on endpoint 1001
  const auto found = ctl::check_findings(*one, reachable(one->parameters));
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == "digest_sha256_offered");
  CHECK(found[0].severity == config::severity::low);
  CHECK(found[0].message.find("endpoint(s) 1001: their phones must take it") != std::string::npos);
}

TEST_CASE("check: an unreachable agent is a finding, and the file's parameters are audited", "[ctl][check]") {
  const auto c = parse(hardened);
  ctl::running_system s;
  s.socket = "/tmp/none.sock";
  s.agent_error = "cannot reach the agent at /tmp/none.sock: No such file or directory (is tollgate-agent running?)";
  CHECK(ids(ctl::check_findings(*c, s)) == std::vector<std::string>{"agent_not_running"});
  const auto result = print(*c, s);
  CHECK(result.code == 1);
  CHECK(result.out.find("agent: not reachable (cannot reach the agent at /tmp/none.sock") != std::string::npos);
  CHECK(result.out.find("start it (systemctl start tollgate-agent)") != std::string::npos);
  const auto json = wire::json::parse(print(*c, s, true).out);
  CHECK(json["agent"]["reachable"] == false);
  CHECK(json["parameters"] == "file");
}

TEST_CASE("check: a kernel table the agent cannot read is a finding", "[ctl][check]") {
  const auto c = parse(hardened);
  auto s = reachable(c->parameters);
  s.kernel["error"] = "table inet tollgate: No such file or directory";
  const auto findings = ctl::check_findings(*c, s);
  REQUIRE(ids(findings) == std::vector<std::string>{"kernel_table_missing"});
  CHECK(findings[0].message.find("the kernel table inet tollgate cannot be read") == 0);
  CHECK(print(*c, s).code == 1);
}

TEST_CASE("check: little space left for the state directory is a finding", "[ctl][check]") {
  const auto c = parse(hardened);
  constexpr std::uintmax_t mib = 1024 * 1024;
  auto s = reachable(c->parameters);
  s.state_disk = ctl::running_system::disk_space{"/var/lib/tollgate", 100'000 * mib, 200'000 * mib};
  CHECK(ctl::check_findings(*c, s).empty());
  s.state_disk->free_bytes = 4'000 * mib;  // 2 %
  auto findings = ctl::check_findings(*c, s);
  REQUIRE(ids(findings) == std::vector<std::string>{"state_disk_low"});
  CHECK(findings[0].severity == config::severity::medium);
  CHECK(findings[0].message.find("/var/lib/tollgate has 4000 MiB free (2 %)") != std::string::npos);
  s.state_disk->free_bytes = 10 * mib;
  findings = ctl::check_findings(*c, s);
  REQUIRE(ids(findings) == std::vector<std::string>{"state_disk_low"});
  CHECK(findings[0].severity == config::severity::high);
  CHECK(print(*c, s).code == 1);
  const auto here = ctl::state_disk_of("/");
  REQUIRE(here);
  CHECK(here->total_bytes >= here->free_bytes);
  CHECK_FALSE(ctl::state_disk_of("/nonexistent/tollgate"));
}

TEST_CASE("check: a switch with fewer descriptors than the TCP limits need is a finding", "[ctl][check]") {
  const auto c = parse(hardened);
  auto s = reachable(c->parameters);
  const auto needed = config::switch_descriptors_needed(*c);
  s.switch_descriptors = needed;
  CHECK(ctl::check_findings(*c, s).empty());
  s.switch_descriptors = 1024;
  const auto findings = ctl::check_findings(*c, s);
  REQUIRE(ids(findings) == std::vector<std::string>{"descriptors_short"});
  CHECK(findings[0].message.find("the running switch's descriptor limit is 1024") == 0);
  CHECK(findings[0].fix.find("LimitNOFILE=") != std::string::npos);
  CHECK(print(*c, s).code == 1);
  CHECK_FALSE(ctl::switch_descriptors_of("/nonexistent/switch.sock", std::chrono::milliseconds{100}));
}

TEST_CASE("check: the agent's param_list becomes a parameter set", "[ctl][check]") {
  const wire::json rows = wire::json::array({{{"name", "SS_ENDPOINTREGISTERRETRY"}, {"value", 7}, {"origin", "runtime"}},
                                             {{"name", "SOME_FUTURE_PARAMETER"}, {"value", 1}}});
  const auto set = ctl::parameters_from_list(rows);
  REQUIRE(set);
  CHECK(set->get(policy::parameter::SS_ENDPOINTREGISTERRETRY) == 7);
  CHECK(set->origin(policy::parameter::SS_ENDPOINTREGISTERRETRY) == policy::parameter_origin::runtime);
  CHECK(set->get(policy::parameter::BLACKLIST_WINDOW) == 60);
  CHECK_FALSE(ctl::parameters_from_list(wire::json::array({{{"name", "SS_ENDPOINTREGISTERRETRY"}, {"value", 0}}})));
  CHECK_FALSE(ctl::parameters_from_list(wire::json::object()));
}
