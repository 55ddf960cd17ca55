#include "ctl/simulate.hpp"

#include <catch2/catch.hpp>

#include "config/load.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tollgate;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A golden case is NAME.events.jsonl, NAME.expected.jsonl and optionally NAME.args: one
// "NAME=VALUE" per line, or "--until T".
void run_golden(const std::filesystem::path& events) {
  const std::string stem = events.filename().string().substr(0, events.filename().string().find('.'));
  const auto dir = events.parent_path();
  INFO("golden case " << stem);
  ctl::simulate_options options;
  std::ifstream args(dir / (stem + ".args"));
  for (std::string line; std::getline(args, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("--config ", 0) == 0) {
      const auto loaded = config::load_file((dir / line.substr(9)).string());
      REQUIRE(loaded);
      const auto until = options.until;
      options = ctl::options_from_config(*loaded.value());
      options.until = until;
    } else if (line.rfind("--until ", 0) == 0) {
      options.until = base::from_unix_seconds(std::stod(line.substr(8)));
    } else if (line.rfind("--whitelist ", 0) == 0) {
      options.whitelist.push_back(*base::ip_prefix::parse(line.substr(12)));
    } else {
      REQUIRE_FALSE(ctl::apply_assignment(options.parameters, line));
    }
  }
  std::ifstream in(events);
  std::ostringstream out;
  std::ostringstream err;
  ctl::simulate(options, in, out, err);
  CHECK(out.str() == read_file(dir / (stem + ".expected.jsonl")));
  const auto expected_errors = dir / (stem + ".expected.err");
  CHECK(err.str() == (std::filesystem::exists(expected_errors) ? read_file(expected_errors) : ""));
}

}  // namespace

TEST_CASE("simulate reproduces every golden case", "[ctl][simulate]") {
  const std::filesystem::path dir = std::filesystem::path(TOLLGATE_SOURCE_DIR) / "tests/ctl/golden";
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.size() > 13 && name.ends_with(".events.jsonl")) {
      run_golden(entry.path());
      ++cases;
    }
  }
  CHECK(cases >= 5);
}

TEST_CASE("parameter assignments are checked", "[ctl][simulate]") {
  policy::parameter_set p;
  CHECK_FALSE(ctl::apply_assignment(p, "SS_ENDPOINTREGISTERRETRY=5"));
  CHECK(p.get(policy::parameter::SS_ENDPOINTREGISTERRETRY) == 5);
  CHECK(ctl::apply_assignment(p, "SS_ENDPOINTREGISTERRETRY=0") ==
        std::string("SS_ENDPOINTREGISTERRETRY must be between 1 and 100 (got 0)"));
  CHECK(ctl::apply_assignment(p, "NOPE=1") == std::string("unknown parameter \"NOPE\""));
  CHECK(ctl::apply_assignment(p, "SS_ENDPOINTREGISTERRETRY") == std::string("expected NAME=VALUE, got \"SS_ENDPOINTREGISTERRETRY\""));
  CHECK(ctl::apply_assignment(p, "SS_ENDPOINTREGISTERRETRY=5x") ==
        std::string("SS_ENDPOINTREGISTERRETRY must be an integer (got \"5x\")"));
}

TEST_CASE("garbage input never stops the replay", "[ctl][simulate]") {
  std::string input = "\x01\x02\xff\n{\"time\":\n" + std::string(100000, '{') + "\n";
  input += R"({"time":1764158402.0,"type":"illegal_call","ip":"203.0.113.9"})" "\n";
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  const auto summary = ctl::simulate({}, in, out, err);
  CHECK(summary.bad_lines == 3);
  CHECK(summary.events == 1);
}

namespace {
int run_tollgatectl(const std::string& args) {
  const std::string command = std::string(TOLLGATE_BINARY_DIR) + "/ctl/tollgatectl " + args + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST_CASE("tollgatectl simulate exits 0 done, 1 failed, 2 usage", "[ctl][simulate]") {
  const std::string golden = std::string(TOLLGATE_SOURCE_DIR) + "/tests/ctl/golden/";
  CHECK(run_tollgatectl("simulate " + golden + "extension_scan.events.jsonl") == 0);
  CHECK(run_tollgatectl("simulate " + golden + "config_site.events.jsonl --config " + golden + "config_site.toml") == 0);
  CHECK(run_tollgatectl("simulate /nonexistent.jsonl") == 1);
  CHECK(run_tollgatectl("simulate " + golden + "extension_scan.events.jsonl --config /nonexistent.toml") == 1);
  CHECK(run_tollgatectl("simulate " + golden + "extension_scan.events.jsonl --set SS_ENDPOINTREGISTERRETRY=0") == 2);
  CHECK(run_tollgatectl("simulate") == 2);
  // No event replayed at all is a failure; the bad lines are still named.
  CHECK(run_tollgatectl("simulate /dev/null") == 1);
  const std::string bad = std::string(TOLLGATE_BINARY_DIR) + "/simulate-bad.jsonl";
  std::ofstream(bad) << "not json\n{\"time\":1}\n";
  CHECK(run_tollgatectl("simulate " + bad) == 1);
  std::ofstream(bad, std::ios::app) << R"({"time":1764158402.0,"type":"illegal_call","ip":"203.0.113.9"})" << "\n";
  CHECK(run_tollgatectl("simulate " + bad) == 0);
  std::filesystem::remove(bad);
  CHECK(run_tollgatectl("frobnicate") == 2);
}
