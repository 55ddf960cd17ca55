// The real tollgate-agent in a server namespace, a plain UDP SIP responder as the switch,
// sipvicious, SIPp and hand-made datagrams from the attacker namespace.
#include "agent/queue_pump.hpp"

#include "tests/netfilter/kernel_fixture.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include "tests/support/temp_dir.hpp"

using namespace tollgate;
using namespace tollgate::netfilter::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

/// Polls `condition` every 50 ms until it holds or `deadline` passes.
bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
  for (auto waited = 0ms; waited <= deadline; waited += 50ms) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

/// Output of a shell command (stdout and stderr).
std::string output_of(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen((command + " 2>&1").c_str(), "r")) {
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, p)) out.append(buffer, n);
    ::pclose(p);
  }
  return out;
}


/// A child process, its output appended to a log; killed with SIGKILL and reaped when destroyed.
class process {
public:
  process(const std::vector<std::string>& argv, const fs::path& log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  ~process() { kill9(); }
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  bool signal(int number) const { return pid_ > 0 && ::kill(pid_, number) == 0; }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  /// The exit code once it has exited within `deadline`.
  std::optional<int> exit_code(std::chrono::milliseconds deadline) {
    int status = 0;
    const bool exited = wait_for([&] { return pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_; }, deadline);
    if (!exited) return std::nullopt;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

private:
  pid_t pid_ = -1;
};

const std::string source_dir = TOLLGATE_SOURCE_DIR;
const std::string agent_binary = std::string(TOLLGATE_BINARY_DIR) + "/agent/tollgate-agent";

std::string options_from(const std::string& user_agent, const std::string& call_id) {
  return "OPTIONS sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5062;branch=z9hG4bK-" + call_id +
         "\r\nTo: <sip:100@192.0.2.1>\r\nFrom: <sip:200@192.0.2.9>;tag=a1\r\nCall-ID: " + call_id +
         "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nUser-Agent: " + user_agent + "\r\nContent-Length: 0\r\n\r\n";
}

/// Namespaces, a temp dir, the responder on 5060 in the server namespace, and the agent.
struct agent_world {
  netns_pair ns;
  tollgate::test::temp_dir dir{"tollgate-inspector"};
  std::unique_ptr<process> responder;
  std::unique_ptr<process> agent;
  std::size_t starts = 0;

  agent_world() {
    REQUIRE(ns.ok());
    std::ofstream(dir.path() / "tollgate.toml") << "[agent]\n"
                                              << "socket = \"" << (dir.path() / "agent.sock").string() << "\"\n"
                                              << "state_dir = \"" << dir.path().string() << "\"\n"
                                              << "queue = 0\nsip_ports = [5060]\n";
    responder = std::make_unique<process>(
        std::vector<std::string>{"ip", "netns", "exec", ns.server(), "/usr/bin/python3",
                                 source_dir + "/tests/agent/sip_responder.py", switch_log().string()},
        dir.path() / "responder.err");
    REQUIRE(wait_for([&] { return read_text(switch_log()).find("\"ready\"") != std::string::npos; }, 10s));
  }
  ~agent_world() {
    agent.reset();
    responder.reset();
  }

  fs::path switch_log() const { return dir.path() / "switch.jsonl"; }
  fs::path agent_log() const { return dir.path() / "agent.log"; }

  /// Starts tollgate-agent and waits until its table exists and its loop serves.
  void start_agent() {
    agent = std::make_unique<process>(
        std::vector<std::string>{"ip", "netns", "exec", ns.server(), agent_binary, "--config",
                                 (dir.path() / "tollgate.toml").string(), "--state-dir", dir.path().string()},
        agent_log());
    ++starts;
    REQUIRE(wait_for([&] { return run("ip netns exec " + ns.server() + " nft list table inet tollgate") == 0; }, 20s));
    REQUIRE(wait_for([&] { return occurrences(read_text(agent_log()), "agent: serving on") == starts; }, 20s));
  }

  /// SIP datagrams from `source` that reached the switch.
  std::size_t reached_from(const std::string& source) const {
    return occurrences(read_text(switch_log()), "\"src\": \"" + source + "\"");
  }
  bool blocked(const std::string& source) const {
    const auto set = output_of("ip netns exec " + ns.server() + " nft -j list set inet tollgate block_v4");
    return set.find("\"" + source + "\"") != std::string::npos;
  }
  std::string in_attacker(const std::string& command) const {
    return output_of("ip netns exec " + ns.attacker() + " " + command);
  }
  void send_from(const std::string& source, const std::string& payload) const {
    const auto socket = inside(ns.attacker(), [&] { return std::make_unique<udp_socket>(addr(source), 0); });
    REQUIRE(socket->send_to(addr("192.0.2.1"), 5060, payload));
  }
  /// Runs a SIPp scenario of tests/agent/sipp once from `source`; "exit=0" when it passed.
  std::string sipp(const std::string& scenario, const std::string& source) const {
    return in_attacker("timeout 60 sipp -sf " + source_dir + "/tests/agent/sipp/" + scenario + ".xml -i " + source +
                       " -p 5070 -m 1 -timeout 20s -timeout_error -nostdin 192.0.2.1:5060 >/dev/null; echo exit=$?");
  }
  std::string sipp_register(const std::string& source) const { return sipp("register", source); }
  /// Rewrites the config with one [parameters] line and sends SIGHUP.
  void reload_with(const std::string& parameter_line) {
    std::ofstream(dir.path() / "tollgate.toml") << "[agent]\n"
                                              << "socket = \"" << (dir.path() / "agent.sock").string() << "\"\n"
                                              << "state_dir = \"" << dir.path().string() << "\"\n"
                                              << "queue = 0\nsip_ports = [5060]\n"
                                              << "[parameters]\n" << parameter_line << "\n";
    REQUIRE(agent->signal(SIGHUP));
  }
  std::string table() const { return output_of("ip netns exec " + ns.server() + " nft list table inet tollgate"); }
};

}  // namespace

TEST_CASE("svmap and svwar never reach the switch and their sources are blocked", "[agent][inspector][kernel]") {
  agent_world w;
  w.start_agent();

  const auto svmap = w.in_attacker("timeout 60 svmap -b 192.0.2.2 192.0.2.1");
  INFO(svmap);
  CHECK(svmap.find("found nothing") != std::string::npos);
  CHECK(w.reached_from("192.0.2.2") == 0);
  CHECK(wait_for([&] { return w.blocked("192.0.2.2"); }, 10s));

  // svwar 0.3.3 ignores -b and binds to any address: a route makes 192.0.2.5 its source.
  REQUIRE(run("ip -n " + w.ns.attacker() + " route replace 192.0.2.1/32 dev tga0 src 192.0.2.5") == 0);
  const auto svwar = w.in_attacker("timeout 60 svwar -e100-120 192.0.2.1");
  INFO(svwar);
  INFO(read_text(w.agent_log()));
  CHECK(svwar.find("found nothing") != std::string::npos);
  CHECK(w.reached_from("192.0.2.5") == 0);
  CHECK(wait_for([&] { return w.blocked("192.0.2.5"); }, 10s));

  // A phone registering with a normal User-Agent passes both transactions.
  REQUIRE(run("ip -n " + w.ns.attacker() + " route del 192.0.2.1/32") == 0);
  CHECK(w.sipp_register("192.0.2.3").find("exit=0") != std::string::npos);
  CHECK(w.reached_from("192.0.2.3") == 2);
  // And a call: INVITE, ACK, BYE.
  CHECK(w.sipp("call", "192.0.2.3").find("exit=0") != std::string::npos);
  CHECK(w.reached_from("192.0.2.3") == 5);
  CHECK_FALSE(w.blocked("192.0.2.3"));
  INFO(read_text(w.agent_log()));
  CHECK(read_text(w.agent_log()).find("scanner") != std::string::npos);  // audited block
}

TEST_CASE("malformed datagrams are dropped and enough of them block the source", "[agent][inspector][kernel]") {
  agent_world w;
  w.start_agent();
  const std::string malformed = "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP x\r\nCSeq: one\r\n\r\n";
  for (int i = 0; i < 3; ++i) w.send_from("192.0.2.4", malformed);
  w.send_from("192.0.2.4", options_from("Yealink SIP-T46S", "after-malformed"));
  REQUIRE(wait_for([&] { return w.reached_from("192.0.2.4") >= 1; }, 10s));
  CHECK(w.reached_from("192.0.2.4") == 1);
  CHECK(read_text(w.switch_log()).find("CSeq: one") == std::string::npos);
  CHECK_FALSE(w.blocked("192.0.2.4"));
  // BLACKLIST_REGISTER_FAILURES (10) malformed messages in the window block the source.
  for (int i = 0; i < 10; ++i) w.send_from("192.0.2.4", malformed);
  CHECK(wait_for([&] { return w.blocked("192.0.2.4"); }, 10s));
  CHECK(w.reached_from("192.0.2.4") == 1);
}

TEST_CASE("SIP flows while the agent is dead and inspection resumes after a restart", "[agent][inspector][kernel]") {
  agent_world w;
  w.start_agent();
  w.send_from("192.0.2.5", options_from("friendly-scanner", "scan-before-kill"));
  CHECK(wait_for([&] { return w.blocked("192.0.2.5"); }, 10s));
  CHECK(w.reached_from("192.0.2.5") == 0);

  w.agent->kill9();
  // Queue bypass: with nobody bound to the queue, SIP goes straight through, uninspected.
  CHECK(w.sipp_register("192.0.2.3").find("exit=0") != std::string::npos);
  w.send_from("192.0.2.6", options_from("friendly-scanner", "scan-while-dead"));
  CHECK(wait_for([&] { return w.reached_from("192.0.2.6") == 1; }, 10s));
  CHECK(w.blocked("192.0.2.5"));  // the table and its blocks outlive the agent

  w.start_agent();
  w.send_from("192.0.2.7", options_from("friendly-scanner", "scan-after-restart"));
  w.send_from("192.0.2.8", options_from("Yealink SIP-T46S", "legit-after-restart"));
  REQUIRE(wait_for([&] { return w.reached_from("192.0.2.8") == 1; }, 10s));
  CHECK(w.reached_from("192.0.2.7") == 0);
  CHECK(wait_for([&] { return w.blocked("192.0.2.7"); }, 10s));
}

TEST_CASE("the agent refuses to start when its queue is bound by someone else", "[agent][inspector][kernel]") {
  agent_world w;
  auto holder = inside(w.ns.server(), [] { return netfilter::queue_receiver::open(netfilter::queue_config{}); });
  REQUIRE(holder);
  process agent({"ip", "netns", "exec", w.ns.server(), agent_binary, "--config",
                 (w.dir.path() / "tollgate.toml").string(), "--state-dir", w.dir.path().string()},
                w.agent_log());
  CHECK(agent.exit_code(20s) == std::optional<int>(1));
  const auto log = read_text(w.agent_log());
  INFO(log);
  CHECK(log.find("NFQUEUE 0 is bound by another process") != std::string::npos);
  CHECK(run("ip netns exec " + w.ns.server() + " nft list table inet tollgate") != 0);  // nothing changed
}

TEST_CASE("INSPECT_ENABLE = 0 removes the queue rule and nothing else, = 1 brings inspection back",
          "[agent][inspector][kernel]") {
  agent_world w;
  w.start_agent();
  INFO(w.table());
  REQUIRE(w.table().find("queue num") != std::string::npos);

  w.reload_with("INSPECT_ENABLE = 0");
  REQUIRE(wait_for([&] { return w.table().find("queue num") == std::string::npos; }, 10s));
  CHECK(w.table().find("block_v4") != std::string::npos);
  w.send_from("192.0.2.6", options_from("friendly-scanner", "scan-while-disabled"));
  CHECK(wait_for([&] { return w.reached_from("192.0.2.6") == 1; }, 10s));

  w.reload_with("INSPECT_ENABLE = 1");
  REQUIRE(wait_for([&] { return w.table().find("queue num") != std::string::npos; }, 10s));
  w.send_from("192.0.2.7", options_from("friendly-scanner", "scan-after-enable"));
  w.send_from("192.0.2.8", options_from("Yealink SIP-T46S", "legit-after-enable"));
  REQUIRE(wait_for([&] { return w.reached_from("192.0.2.8") == 1; }, 10s));
  CHECK(w.reached_from("192.0.2.7") == 0);
  CHECK(wait_for([&] { return w.blocked("192.0.2.7"); }, 10s));
  CHECK(w.agent->exit_code(0ms) == std::nullopt);  // still running
}
