// The real tollgate-switch's control socket with the real tollgatectl: registrations after
// sipsak registers, live traces as text and as pcap (read by tshark), reload and SIGHUP
// with good and bad files, and a non-admin refused.
#include "switch/control_service.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "ctl/agent_client.hpp"
#include "support/temp_dir.hpp"
#include "e2e_support.hpp"

using namespace tollgate;
using namespace tollgate::test;
using namespace std::chrono_literals;

namespace {

std::string endpoint(const std::string& name) {
  return "\n[[endpoint]]\nname = \"" + name + "\"\npassword = \"s3cret-" + name + "-Long\"\n";
}

const std::string base_config = "[parameters]\nSS_AUTHCHALLENGEMODE = 1\n" + endpoint("1001");

std::string tollgatectl() { return std::string(TOLLGATE_BINARY_DIR) + "/ctl/tollgatectl"; }

run_result run_ctl(const switch_process& sw, const fs::path& dir, std::vector<std::string> arguments,
               const std::string& log = "ctl.log") {
  std::vector<std::string> argv{tollgatectl(), "--switch-socket", sw.control_socket().string(), "--socket",
                                (dir / "no-agent.sock").string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return run(argv, dir, 30s, log);
}

run_result register_endpoint(const switch_process& sw, const fs::path& dir, const std::string& name,
                             const std::string& contact_port = "5999") {
  return run({"sipsak", "-U", "-i", "-C", "sip:" + name + "@127.0.0.1:" + contact_port, "-s",
              "sip:" + name + "@127.0.0.1", "-r", std::to_string(sw.port()), "--auth-username=" + name, "-a",
              "s3cret-" + name + "-Long", "--expires=600"},
             dir, 20s, "sipsak.log");
}

/// Rewrites the config file the switch was started with (same listen addresses).
void write_config(const switch_process& sw, const std::string& body, const std::string& listen = "") {
  const std::string port = std::to_string(sw.port());
  std::ofstream(sw.config()) << "[switch]\nlisten = ["
                             << (listen.empty() ? "\"udp:127.0.0.1:" + port + "\", \"tcp:127.0.0.1:" + port + "\""
                                                : listen)
                             << "]\n\n" << body;
}

/// How many traces the switch has started (it logs each): a trace is live once counted.
std::size_t traces_started(const switch_process& sw) {
  const std::string log = sw.log();
  std::size_t n = 0;
  for (auto at = log.find(" traces {"); at != std::string::npos; at = log.find(" traces {", at + 1)) ++n;
  return n;
}

wire::json registrations(const switch_process& sw, const fs::path& dir) {
  const auto r = run_ctl(sw, dir, {"registrations", "--json"}, "registrations.log");
  REQUIRE(r.exit_code == 0);
  return wire::json::parse(r.output);
}

bool registered(const wire::json& rows, const std::string& name) {
  for (const auto& row : rows) {
    if (row["endpoint"] == name) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("tollgatectl registrations and trace against the real switch", "[switch][control][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, base_config);

  CHECK(run_ctl(sw, root, {"registrations"}).output == "no registrations\n");
  CHECK(registrations(sw, root) == wire::json::array());

  // A trace of endpoint 1001 over four messages: REGISTER, 401, REGISTER, 200.
  const pid_t trace = spawn({tollgatectl(), "--switch-socket", sw.control_socket().string(), "trace", "--endpoint",
                             "1001", "--count", "4"},
                            root, root / "trace.txt");
  REQUIRE(await([&] { return traces_started(sw) == 1; }, 10s));
  const auto probe = run({"sipsak", "-s", "sip:ping@127.0.0.1", "-r", std::to_string(sw.port())}, root, 20s);
  CHECK(probe.exit_code == 0);  // an OPTIONS from "sipsak" to "ping": not 1001's, not traced
  REQUIRE(register_endpoint(sw, root, "1001").exit_code == 0);
  CHECK(reap(trace, 20s) == 0);
  const std::string text = read_file(root / "trace.txt");
  INFO(text);
  CHECK(text.find("udp in  127.0.0.1:") != std::string::npos);
  CHECK(text.find("-> 127.0.0.1:" + std::to_string(sw.port())) != std::string::npos);
  CHECK(text.find("udp out 127.0.0.1:" + std::to_string(sw.port()) + " -> 127.0.0.1:") != std::string::npos);
  CHECK(text.find("\nREGISTER sip:127.0.0.1 SIP/2.0\n") != std::string::npos);
  CHECK(text.find("\nSIP/2.0 401 Unauthorized\n") != std::string::npos);
  CHECK(text.find("\nSIP/2.0 200 OK\n") != std::string::npos);
  CHECK(text.find("OPTIONS") == std::string::npos);

  const auto rows = registrations(sw, root);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["endpoint"] == "1001");
  CHECK(rows[0]["contact"] == "sip:1001@127.0.0.1:5999");
  CHECK(rows[0]["transport"] == "udp");
  CHECK(rows[0]["ip"] == "127.0.0.1");
  CHECK(rows[0]["expires_in"].get<int>() > 590);
  CHECK(rows[0]["user_agent"].get<std::string>().starts_with("sipsak"));
  // --duration ends a trace that sees nothing; --json gives the switch's lines.
  const auto quiet = run_ctl(sw, root, {"trace", "--call-id", "no-such-call", "--duration", "0.3"}, "quiet.log");
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.output == "tollgatectl trace: 0 message(s) shown, 0 dropped by the switch in all\n");
  const pid_t json_trace = spawn({tollgatectl(), "--switch-socket", sw.control_socket().string(), "--json", "trace",
                                  "--endpoint", "1001", "--count", "1"},
                                 root, root / "trace.json");
  REQUIRE(await([&] { return traces_started(sw) == 3; }, 10s));
  REQUIRE(register_endpoint(sw, root, "1001").exit_code == 0);
  CHECK(reap(json_trace, 20s) == 0);
  const std::string json_lines = read_file(root / "trace.json");
  INFO(json_lines);
  CHECK(json_lines.ends_with("\ntollgatectl trace: 1 message(s) shown, 0 dropped by the switch in all\n"));
  const auto first = wire::json::parse(json_lines.substr(0, json_lines.find('\n')));
  CHECK(first["direction"] == "in");
  CHECK(first["transport"] == "udp");
  CHECK(first["local"] == "127.0.0.1:" + std::to_string(sw.port()));
  CHECK(first["message"].get<std::string>().starts_with("REGISTER sip:127.0.0.1 SIP/2.0\r\n"));

  const auto table = run_ctl(sw, root, {"registrations"}).output;
  CHECK(table.starts_with("ENDPOINT  CONTACT                  SOURCE"));
  CHECK(table.find("1001      sip:1001@127.0.0.1:5999  127.0.0.1:") != std::string::npos);
}

TEST_CASE("trace --pcap writes UDP and TCP messages that tshark reads", "[switch][control][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, base_config);
  const fs::path pcap = root / "trace.pcap";
  const pid_t trace = spawn({tollgatectl(), "--switch-socket", sw.control_socket().string(), "trace", "--ip",
                             "127.0.0.1", "--count", "6", "--pcap", pcap.string()},
                            root, root / "trace.log");
  REQUIRE(await([&] { return traces_started(sw) == 1; }, 10s));
  REQUIRE(register_endpoint(sw, root, "1001").exit_code == 0);  // 4 messages over UDP
  const auto options = run({"sipsak", "-s", "sip:ping@127.0.0.1", "-r", std::to_string(sw.port()), "--transport=tcp"},
                           root, 20s);
  CHECK(options.exit_code == 0);  // 2 messages over TCP
  CHECK(reap(trace, 20s) == 0);
  INFO(read_file(root / "trace.log"));
  const auto fields = run({"tshark", "-r", pcap.string(), "-T", "fields", "-e", "frame.protocols", "-e",
                           "sip.Method", "-e", "sip.Status-Code", "-e", "udp.dstport", "-e", "tcp.dstport"},
                          root, 60s, "tshark.log");
  INFO(fields.output);
  REQUIRE(fields.exit_code == 0);
  const std::string port = std::to_string(sw.port());
  CHECK(fields.output.find("eth:ethertype:ip:udp:sip\tREGISTER\t\t" + port) != std::string::npos);
  CHECK(fields.output.find("eth:ethertype:ip:udp:sip\t\t401\t") != std::string::npos);
  CHECK(fields.output.find("eth:ethertype:ip:udp:sip\t\t200\t") != std::string::npos);
  CHECK(fields.output.find("eth:ethertype:ip:tcp:sip\tOPTIONS\t\t\t" + port) != std::string::npos);
  CHECK(fields.output.find("eth:ethertype:ip:tcp:sip\t\t200\t") != std::string::npos);
}

TEST_CASE("reload and SIGHUP: new endpoints register, bindings stay, bad files are refused", "[switch][control][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, base_config);
  REQUIRE(register_endpoint(sw, root, "1001").exit_code == 0);
  CHECK(register_endpoint(sw, root, "1002").exit_code != 0);  // not configured yet

  // tollgatectl reload: the switch reloads; the agent is not running, which is no failure.
  write_config(sw, base_config + endpoint("1002"));
  auto reloaded = run_ctl(sw, root, {"reload", "--json"});
  INFO(reloaded.output);
  CHECK(reloaded.exit_code == 0);
  const auto answer = wire::json::parse(reloaded.output.substr(0, reloaded.output.rfind('}') + 1));
  CHECK(answer["switch"]["ok"] == true);
  CHECK(answer["switch"]["result"]["endpoints"] == 2);
  CHECK(answer["switch"]["result"]["restart_needed"] == wire::json::array());
  CHECK(answer["agent"]["ok"] == false);
  CHECK(answer["agent"]["not_running"] == true);
  REQUIRE(register_endpoint(sw, root, "1002", "5998").exit_code == 0);
  auto rows = registrations(sw, root);
  CHECK(registered(rows, "1001"));  // the old binding is kept
  CHECK(registered(rows, "1002"));

  // A file that does not load is refused with the loader's words, and the old config stays.
  write_config(sw, "[parameters]\nSS_AUTHCHALLENGEMODE = 9\n" + endpoint("1001") + endpoint("1002"));
  const auto refused = run_ctl(sw, root, {"reload"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("tollgatectl reload: switch not reloaded: ") != std::string::npos);
  CHECK(refused.output.find("SS_AUTHCHALLENGEMODE must be between 1 and 3 (got 9)") != std::string::npos);
  CHECK(register_endpoint(sw, root, "1002", "5998").exit_code == 0);

  // Changed listen addresses are reported, not rebound.
  write_config(sw, base_config + endpoint("1002"), "\"udp:127.0.0.1:1\"");
  const auto moved = run_ctl(sw, root, {"reload", "--json"});
  CHECK(moved.output.find("[switch] listen changed from") != std::string::npos);
  CHECK(moved.output.find("restart tollgate-switch to listen there") != std::string::npos);
  CHECK(register_endpoint(sw, root, "1001").exit_code == 0);  // still on the old port

  // SIGHUP does the same: 1003 appears...
  write_config(sw, base_config + endpoint("1002") + endpoint("1003"));
  CHECK(register_endpoint(sw, root, "1003").exit_code != 0);
  ::kill(sw.pid(), SIGHUP);
  REQUIRE(await([&] { return sw.log().find("reloaded " + sw.config().string()) != std::string::npos &&
                             sw.log().find("3 endpoints") != std::string::npos; },
                10s));
  CHECK(register_endpoint(sw, root, "1003", "5997").exit_code == 0);
  // ...and a bad file on SIGHUP is logged and changes nothing.
  write_config(sw, base_config + "[[endpoint]]\nname = \"1004\"\n");
  ::kill(sw.pid(), SIGHUP);
  REQUIRE(await([&] { return sw.log().find("SIGHUP: config refused") != std::string::npos; }, 10s));
  CHECK(sw.running());
  CHECK(register_endpoint(sw, root, "1003", "5997").exit_code == 0);
  rows = registrations(sw, root);
  CHECK(rows.size() == 3);
}

TEST_CASE("the control socket refuses a user who is neither root nor in tollgate-admin", "[switch][control][e2e]") {
  REQUIRE(::geteuid() == 0);  // the e2e tests run as root; nobody is whom we become
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, base_config);
  REQUIRE(await([&] { return fs::exists(sw.control_socket()); }, 10s));
  // Let anyone reach the socket file, so that the refusal comes from SO_PEERCRED.
  REQUIRE(::chmod(root.c_str(), 0755) == 0);
  REQUIRE(::chmod(sw.control_socket().c_str(), 0666) == 0);
  const auto r = run({"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", tollgatectl(),
                      "--switch-socket", sw.control_socket().string(), "registrations"},
                     root, 30s, "nobody.log");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("tollgatectl registrations: permission denied: nobody (uid 65534) is not root and not in group "
                      "tollgate-admin") != std::string::npos);
  CHECK(sw.log().find("control socket: refused nobody") != std::string::npos);
  // Root still may.
  CHECK(run_ctl(sw, root, {"registrations"}).exit_code == 0);
}

TEST_CASE("a stalled trace reader is told the exact number of messages it lost", "[switch][control][e2e]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, base_config);
  auto connected = ctl::agent_client::connect(sw.control_socket().string(), 10s, "switch");
  REQUIRE(std::holds_alternative<ctl::agent_client>(connected));
  auto& client = std::get<ctl::agent_client>(connected);
  auto subscribed = client.call(wire::request{1, wire::trace_request{}});
  REQUIRE(std::holds_alternative<wire::response>(subscribed));
  REQUIRE(std::get<wire::response>(subscribed).ok);

  // The reader reads nothing while 3,000 OPTIONS and their answers, about 3 MB of trace
  // lines, pass: far more than the switch's 1 MiB queue and the socket's buffers.
  udp_client probe;
  int answered = 0;
  for (int i = 0; i < 3000; ++i) {
    probe.send(sw.port(), options_request(probe.port(), "stall" + std::to_string(i)));
    if (probe.receive(2s).starts_with("SIP/2.0 200")) ++answered;
  }
  REQUIRE(answered == 3000);

  REQUIRE_FALSE(client.send(wire::request{2, wire::trace_stop_request{}}));
  std::uint64_t records = 0;
  std::uint64_t noticed = 0;
  std::optional<wire::response> stopped;
  while (!stopped) {
    auto line = client.next_line(10s);
    REQUIRE(std::holds_alternative<std::string>(line));
    const auto json = wire::json::parse(std::get<std::string>(line));
    if (json.contains("id")) {
      auto parsed = wire::parse_response(std::get<std::string>(line));
      REQUIRE(std::holds_alternative<wire::response>(parsed));
      stopped = std::get<wire::response>(parsed);
    } else if (json.contains("dropped")) {
      noticed += json["dropped"].get<std::uint64_t>();
    } else {
      ++records;
    }
  }
  REQUIRE(stopped->ok);
  const auto delivered = stopped->result["delivered"].get<std::uint64_t>();
  const auto dropped = stopped->result["dropped"].get<std::uint64_t>();
  INFO("records " << records << ", delivered " << delivered << ", dropped " << dropped << ", noticed " << noticed);
  CHECK(dropped > 0);
  CHECK(records == delivered);              // every line the switch counted as sent arrived
  CHECK(delivered + dropped == 2 * 3000);   // each OPTIONS in and its 200 out, none unaccounted
  CHECK(noticed <= dropped);                // notices along the way lag; the end is exact
  CHECK(sw.log().find("0 dropped") == std::string::npos);
  CHECK(sw.log().find(std::to_string(dropped) + " dropped") != std::string::npos);

  // A second stop has no trace to end.
  auto again = client.call(wire::request{3, wire::trace_stop_request{}});
  REQUIRE(std::holds_alternative<wire::response>(again));
  CHECK_FALSE(std::get<wire::response>(again).ok);
}
