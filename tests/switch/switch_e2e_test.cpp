// The real tollgate-switch against real SIP clients on loopback: SIPp, sipsak, sipvicious,
// the RFC 4475 torture messages, and a stand-in agent on the agent socket.
#include "switch/server.hpp"

#include <catch2/catch.hpp>

#include "store/binding_store.hpp"
#include "store/switch_schema.hpp"
#include "support/temp_dir.hpp"
#include "e2e_support.hpp"

using namespace tollgate;
using namespace tollgate::test;
using namespace std::chrono_literals;

namespace {

const std::string password = "s3cret-1001-Long";

std::string endpoints(int challenge_mode, const std::string& parameters = "") {
  return "[parameters]\nSS_AUTHCHALLENGEMODE = " + std::to_string(challenge_mode) + "\n" + parameters +
         "\n[[endpoint]]\nname = \"1001\"\npassword = \"" + password + "\"\n";
}

fs::path scenario(const std::string& name) {
  return fs::path(TOLLGATE_SOURCE_DIR) / "tests/switch/sipp" / name;
}

run_result sipp(const switch_process& sw, const fs::path& dir, const std::string& scenario_name,
                const std::string& pass, const std::string& transport = "u1") {
  const fs::path users = dir / "users.csv";
  std::ofstream(users) << "SEQUENTIAL\n1001;[authentication username=1001 password=" << pass << "];\n";
  return run({"sipp", sw.target(), "-sf", scenario(scenario_name).string(), "-inf", users.string(), "-m", "1",
              "-t", transport, "-nostdin", "-i", "127.0.0.1", "-p", std::to_string(free_port()), "-timeout", "20s",
              "-timeout_error", "-trace_err", "-error_file", (dir / "sipp_errors.log").string()},
             dir, 40s, "sipp.log");
}

}  // namespace

TEST_CASE("SIPp registers, re-registers and unregisters in every challenge mode", "[switch][e2e]") {
  for (const int mode : {1, 2, 3}) {
    for (const std::string transport : {"u1", "t1"}) {
      temp_dir dir;
      fs::path root(dir.file(""));
      fake_agent agent(root / "agent.sock");
      switch_process sw(root, endpoints(mode));
      const auto r = sipp(sw, root, "register.xml", password, transport);
      INFO("mode " << mode << " transport " << transport << "\n" << r.output << read_file(root / "sipp_errors.log"));
      CHECK(r.exit_code == 0);
      // Three successful registrations reach the agent; the last one unbinds.
      REQUIRE(await([&] { return agent.count("\"register_ok\"") == 3; }, 10s));
      CHECK(agent.lines().back().find("\"expires\":0") != std::string::npos);
      CHECK(agent.count("register_failed") == 0);
    }
  }
}

TEST_CASE("SIPp with a wrong password is refused and reported as a verified failure", "[switch][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  fake_agent agent(root / "agent.sock");
  switch_process sw(root, endpoints(2));
  const auto r = sipp(sw, root, "register_refused.xml", "not-the-password");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  REQUIRE(await([&] { return agent.count("register_failed") == 1; }, 10s));
  const std::string line = agent.lines().back();
  CHECK(line.find("\"endpoint\":\"1001\"") != std::string::npos);
  CHECK(line.find("\"verified\":true") != std::string::npos);
  CHECK(line.find("\"reason\":\"wrong_password\"") != std::string::npos);
  // The right password expecting 403 fails: the scenario really checks the answer.
  CHECK(sipp(sw, root, "register_refused.xml", password).exit_code != 0);
}

TEST_CASE("sipsak: OPTIONS over UDP and TCP, REGISTER with and without the password", "[switch][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, endpoints(1));
  const std::string port = std::to_string(sw.port());
  auto r = run({"sipsak", "-s", "sip:ping@127.0.0.1", "-r", port}, root, 20s);
  CHECK(r.exit_code == 0);
  r = run({"sipsak", "-s", "sip:ping@127.0.0.1", "-r", port, "--transport=tcp"}, root, 20s);
  CHECK(r.exit_code == 0);
  r = run({"sipsak", "-U", "-i", "-C", "sip:1001@127.0.0.1:5999", "-s", "sip:1001@127.0.0.1", "-r", port,
           "--auth-username=1001", "-a", password, "--expires=600"},
          root, 20s);
  INFO(r.output);
  CHECK(r.exit_code == 0);
  r = run({"sipsak", "-U", "-i", "-C", "sip:1001@127.0.0.1:5999", "-s", "sip:1001@127.0.0.1", "-r", port,
           "--auth-username=1001", "-a", "wrong-password", "--expires=600"},
          root, 20s);
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("403") != std::string::npos);
}

TEST_CASE("bindings survive a restart of the switch", "[switch][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, endpoints(1));
  const auto r = run({"sipsak", "-U", "-i", "-C", "sip:1001@127.0.0.1:5999", "-s", "sip:1001@127.0.0.1", "-r",
                      std::to_string(sw.port()), "--auth-username=1001", "-a", password, "--expires=600"},
                     root, 20s);
  REQUIRE(r.exit_code == 0);
  CHECK(sw.stop() == 0);
  {
    auto db = store::open_switch_db((sw.state() / "switch.db").string());
    REQUIRE(db);
    auto rows = store::binding_store(db.value()).load_all();
    REQUIRE(rows);
    REQUIRE(rows->size() == 1);
    CHECK(rows->front().endpoint == "1001");
    CHECK(rows->front().contact == "sip:1001@127.0.0.1:5999");
  }
  sw.start();
  CHECK(sw.log().find("restored 1 bindings of 1 endpoints") != std::string::npos);
}

TEST_CASE("every RFC 4475 torture message over UDP leaves the switch serving", "[switch][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, endpoints(2));
  udp_client client;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(shared_dir()) / "testdata/rfc4475")) {
    if (entry.path().extension() == ".dat") files.push_back(entry.path());
  }
  REQUIRE(files.size() >= 40);
  int answered = 0;
  int n = 0;
  for (const auto& file : files) {
    INFO(file.filename().string());
    client.send(sw.port(), read_file(file));
    // Each message gets at most one answer, quickly; then the switch still answers OPTIONS.
    if (!client.receive(200ms).empty()) ++answered;
    while (!client.receive(20ms).empty()) {
    }
    client.send(sw.port(), options_request(client.port(), "alive" + std::to_string(n++)));
    std::string reply;
    REQUIRE(await([&] {
      reply = client.receive(100ms);
      return reply.find("alive" + std::to_string(n - 1)) != std::string::npos;
    }, 3s));
    CHECK(reply.starts_with("SIP/2.0 200"));
  }
  CHECK(sw.running());
  CHECK(answered > 0);
}

TEST_CASE("svwar cannot tell real extensions from unknown ones", "[switch][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, endpoints(2));
  const auto r = run({"svwar", "-e", "1000-1003", "-m", "REGISTER", "-p", std::to_string(sw.port()), "127.0.0.1"},
                     root, 60s);
  INFO(r.output);
  CHECK(r.output.find("unknown extension") != std::string::npos);
  CHECK(r.output.find("| 1001") == std::string::npos);
  CHECK(sw.running());
}

TEST_CASE("svcrack sees exactly RETRY verified failures, then 403 until unsuspended", "[switch][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  std::atomic<int> failures{0};
  // The stand-in agent suspends 1001 on the 5th verified failure, as the policy would with
  // SS_ENDPOINTREGISTERSUSPEND = 1 and SS_ENDPOINTREGISTERRETRY = 5.
  fake_agent agent(root / "agent.sock", [&](const std::string& line, fake_agent& self) {
    if (line.find("\"register_failed\"") == std::string::npos || line.find("\"verified\":true") == std::string::npos) {
      return;
    }
    if (++failures == 5) {
      self.send(R"({"time":1764158400.0,"decision":"suspend","endpoint":"1001","until":4102444800.0})");
    }
  });
  switch_process sw(root, endpoints(2, "SS_ENDPOINTREGISTERSUSPEND = 1\nSS_ENDPOINTREGISTERRETRY = 5\n"));
  REQUIRE(await([&] { return agent.connections() == 1; }, 10s));
  {
    std::ofstream words(root / "words.txt");
    for (int i = 0; i < 12; ++i) words << "guess" << i << "\n";
  }
  // -t 0.5: svcrack waits that long before each send, far more than the report and the
  // suspend line need to cross the agent socket even on a loaded machine running other
  // tests beside this one, so the count of failures is exact.
  // svcrack never stops on its own once every REGISTER gets 403: it is killed when enough
  // refusals have been seen, or at the deadline.
  const pid_t crack = spawn({"svcrack", "-u", "1001", "-d", (root / "words.txt").string(), "-t", "0.5", "-p",
                             std::to_string(sw.port()), "127.0.0.1"},
                            root, root / "svcrack.log");
  const bool refused = await([&] { return agent.count("\"reason\":\"suspended\"") >= 10; }, 60s);
  ::kill(crack, SIGKILL);
  (void)reap(crack, 5s);
  INFO(read_file(root / "svcrack.log"));
  CHECK(refused);
  CHECK(agent.count("\"verified\":true,\"reason\":\"wrong_password\"") == 5);
  CHECK(failures == 5);
  // The switch suspended 1001 itself at the same failure and said so.
  CHECK(agent.count("\"type\":\"endpoint_suspended\",\"endpoint\":\"1001\"") >= 1);
  CHECK(read_file(root / "svcrack.log").find("guess") == std::string::npos);  // nothing cracked

  // The legitimate phone is refused while suspended, then registers after an unsuspend.
  CHECK(sipp(sw, root, "register_suspended.xml", password).exit_code == 0);
  agent.send(R"({"time":1764158400.0,"decision":"unsuspend","endpoint":"1001","reason":"manual","actor":"root"})");
  REQUIRE(await([&] { return sipp(sw, root, "register.xml", password).exit_code == 0; }, 20s));
}

TEST_CASE("reports are buffered while the agent is away and replayed when it comes", "[switch][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, endpoints(2));
  const auto r = sipp(sw, root, "register_refused.xml", "not-the-password");
  REQUIRE(r.exit_code == 0);
  CHECK(sw.running());
  fake_agent agent(root / "agent.sock");
  // The switch retries with backoff capped at 5 s.
  REQUIRE(await([&] { return agent.count("register_failed") == 1; }, 15s));
  CHECK(agent.connections() == 1);
}

TEST_CASE("after an agent restart the switch reconnects, replays and takes the agent's suspensions", "[switch][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, endpoints(2));
  {
    fake_agent first(root / "agent.sock");
    REQUIRE(await([&] { return first.connections() == 1; }, 10s));
    REQUIRE(sipp(sw, root, "register_refused.xml", "not-the-password").exit_code == 0);
    REQUIRE(await([&] { return first.count("register_failed") == 1; }, 10s));
  }
  // The agent is gone: the switch keeps serving and keeps this report for later.
  REQUIRE(sipp(sw, root, "register_refused.xml", "still-not-it").exit_code == 0);
  // The restarted agent sends the suspensions it knows right after the switch connects.
  fake_agent second(root / "agent.sock");
  REQUIRE(await([&] { return second.connections() == 1; }, 15s));
  second.send(R"({"time":1764158400.0,"decision":"suspend","endpoint":"1001","until":4102444800.0})");
  REQUIRE(await([&] { return second.count("register_failed") == 1; }, 15s));
  REQUIRE(await([&] { return sipp(sw, root, "register_suspended.xml", password).exit_code == 0; }, 10s));
  CHECK(await([&] { return second.count("\"reason\":\"suspended\"") >= 1; }, 5s));
  CHECK(sw.running());
}
