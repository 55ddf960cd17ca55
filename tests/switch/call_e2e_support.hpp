// Support for end-to-end call tests: config text for gateways, SIPp as caller (UAC) and as
// carrier (UAS) on loopback, and the CDRs the switch wrote to switch.db.
#pragma once

#include <signal.h>

#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "e2e_support.hpp"
#include "store/cdr.hpp"
#include "store/switch_schema.hpp"

namespace tollgate::test {

/// The scenario file `name` in tests/switch/sipp.
inline fs::path call_scenario(const std::string& name) {
  return fs::path(TOLLGATE_SOURCE_DIR) / "tests/switch/sipp" / name;
}

inline std::string toml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
  return out + "]";
}

/// [[mapping_gateway]] authorized by source address (auth = "ip", CIDRs) or by address and
/// port (auth = "ip+port", "a.b.c.d:port" entries).
inline std::string mapping_gateway_config(const std::string& name, const std::string& auth,
                                          const std::vector<std::string>& addresses, int billing_mode = 1) {
  return "\n[[mapping_gateway]]\nname = \"" + name + "\"\nauth = \"" + auth + "\"\naddresses = " +
         toml_list(addresses) + "\nbilling_mode = " + std::to_string(billing_mode) + "\n";
}

/// [[mapping_gateway]] with auth = "password".
inline std::string password_gateway_config(const std::string& name, const std::string& username,
                                           const std::string& password) {
  return "\n[[mapping_gateway]]\nname = \"" + name + "\"\nauth = \"password\"\nusername = \"" + username +
         "\"\npassword = \"" + password + "\"\n";
}

struct routing_gateway_spec {
  std::string name = "carrier";
  std::string host = "127.0.0.1";
  int port = 5060;
  std::string transport = "udp";
  std::vector<std::string> prefixes{""};
  unsigned strip = 0;
  std::string add;
  std::string auth_username;  // both or neither
  std::string auth_password;
};

inline std::string routing_gateway_config(const routing_gateway_spec& g) {
  std::string out = "\n[[routing_gateway]]\nname = \"" + g.name + "\"\nhost = \"" + g.host + "\"\nport = " +
                    std::to_string(g.port) + "\ntransport = \"" + g.transport + "\"\nprefixes = " +
                    toml_list(g.prefixes) + "\nstrip = " + std::to_string(g.strip) + "\n";
  if (!g.add.empty()) out += "add = \"" + g.add + "\"\n";
  if (!g.auth_username.empty()) {
    out += "auth_username = \"" + g.auth_username + "\"\nauth_password = \"" + g.auth_password + "\"\n";
  }
  return out;
}

/// SIPp as a carrier: a UAS on its own loopback port, running `scenario` in the background
/// until it has handled `calls` calls (or is stopped).
class sipp_uas {
public:
  /// `port` 0 picks a free one.
  sipp_uas(const fs::path& dir, const std::string& scenario, int calls = 1, const std::string& transport = "u1",
           const std::vector<std::string>& extra = {}, const std::string& name = "uas", int port = 0)
      : dir_(dir), name_(name), port_(port != 0 ? port : free_port()) {
    std::vector<std::string> argv{"sipp", "-sf", call_scenario(scenario).string(), "-i", "127.0.0.1", "-p",
                                  std::to_string(port_), "-t", transport, "-m", std::to_string(calls), "-nostdin",
                                  "-trace_err", "-error_file", (dir_ / (name_ + "_errors.log")).string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = spawn(argv, dir_, dir_ / (name_ + ".log"));
    // SIPp binds its port at start: wait until the port is taken (UDP or TCP, as it runs).
    const int type = transport.starts_with("t") ? SOCK_STREAM : SOCK_DGRAM;
    (void)await(
        [&] {
          fd_owner probe(::socket(AF_INET, type, 0));
          sockaddr_in a{};
          a.sin_family = AF_INET;
          a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
          a.sin_port = htons(static_cast<std::uint16_t>(port_));
          return ::bind(probe.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0;
        },
        std::chrono::seconds(5));
  }
  ~sipp_uas() { stop(); }

  int port() const { return port_; }
  /// Waits for SIPp to finish its calls (bounded); returns its exit code and output.
  run_result wait(std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    run_result r;
    if (pid_ > 0) {
      r.exit_code = reap(pid_, limit);
      pid_ = -1;
    }
    r.output = read_file(dir_ / (name_ + ".log")) + read_file(dir_ / (name_ + "_errors.log"));
    return r;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    (void)reap(pid_, std::chrono::seconds(5));
    pid_ = -1;
  }

private:
  fs::path dir_;
  std::string name_;
  int port_;
  pid_t pid_ = -1;
};

struct uac_options {
  std::string scenario = "call_uac.xml";
  std::string callee = "0044123456";  // -s
  std::string caller = "1001";        // -key caller
  int calls = 1;                      // -m
  int rate = 10;                      // -r, calls per second
  int limit = 0;                      // -l, simultaneous calls (0: SIPp's default)
  int duration_ms = 200;              // -d, the pause between ACK and BYE
  std::string transport = "u1";
  std::vector<std::string> extra;
  std::chrono::seconds deadline{40};
  std::string name = "uac";
};

/// The mapping gateway "customer-a" for 127.0.0.1, and the routing gateway `g`.
inline std::string loopback_gateway_config(const routing_gateway_spec& g) {
  return mapping_gateway_config("customer-a", "ip", {"127.0.0.1/32"}) + routing_gateway_config(g);
}

/// SIPp as a caller from 127.0.0.1 on a fresh port towards the switch, run to completion.
inline run_result sipp_uac(const switch_process& sw, const fs::path& dir, const uac_options& o = {}) {
  std::vector<std::string> argv{"sipp", sw.target(), "-sf", call_scenario(o.scenario).string(), "-s", o.callee,
                                "-key", "caller", o.caller, "-m", std::to_string(o.calls), "-r",
                                std::to_string(o.rate), "-d", std::to_string(o.duration_ms), "-t", o.transport,
                                "-nostdin", "-i", "127.0.0.1", "-p", std::to_string(free_port()), "-timeout", "30s",
                                "-timeout_error", "-trace_err", "-error_file", (dir / (o.name + "_errors.log")).string()};
  if (o.limit > 0) argv.insert(argv.end(), {"-l", std::to_string(o.limit)});
  argv.insert(argv.end(), o.extra.begin(), o.extra.end());
  auto r = run(argv, dir, o.deadline, o.name + ".log");
  r.output += read_file(dir / (o.name + "_errors.log"));
  return r;
}

/// Registers `user` with `password` (digest) from 127.0.0.1 with sipsak, binding `contact`
/// (sipsak sends from a port of its own, not the contact's).
inline run_result sipsak_register(const switch_process& sw, const fs::path& dir, const std::string& user,
                                  const std::string& password, const std::string& contact, int expires = 600) {
  return run({"sipsak", "-U", "-i", "-C", contact, "-s", "sip:" + user + "@127.0.0.1", "-r", std::to_string(sw.port()),
              "--auth-username=" + user, "-a", password, "--expires=" + std::to_string(expires)},
             dir, std::chrono::seconds(20), "sipsak.log");
}

/// Registers `user` with SIPp from 127.0.0.1:`local_port` (register_only.xml), so that a
/// SIPp UAS started on that port afterwards is the registered phone: calls to a registered
/// endpoint go to the address its REGISTER came from.
inline run_result sipp_register(const switch_process& sw, const fs::path& dir, const std::string& user,
                                const std::string& password, int local_port, const std::string& transport = "u1") {
  return run({"sipp", sw.target(), "-sf", call_scenario("register_only.xml").string(), "-key", "caller", user, "-au",
              user, "-ap", password, "-m", "1", "-t", transport, "-nostdin", "-i", "127.0.0.1", "-p",
              std::to_string(local_port), "-timeout", "20s", "-timeout_error"},
             dir, std::chrono::seconds(30), "register.log");
}

/// The CDRs in the switch's switch.db, newest first (read-only, beside the running switch).
inline std::vector<store::cdr_record> read_cdrs(const switch_process& sw, const store::cdr_filter& filter = {}) {
  store::open_options o;
  o.read_only = true;
  auto db = store::open_switch_db((sw.state() / "switch.db").string(), o);
  if (!db) throw std::runtime_error("switch.db: " + db.error().message);
  auto rows = store::cdr_query(db.value()).find(filter);
  if (!rows) throw std::runtime_error("switch.db cdr: " + rows.error().message);
  return std::move(rows.value());
}

/// Waits until switch.db holds at least `n` CDRs (bounded); returns them, newest first.
inline std::vector<store::cdr_record> await_cdrs(const switch_process& sw, std::size_t n,
                                                 std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  std::vector<store::cdr_record> rows;
  (void)await(
      [&] {
        rows = read_cdrs(sw);
        return rows.size() >= n;
      },
      limit);
  return rows;
}

/// What SIPp said on both sides of a call through the switch.
struct call_run {
  run_result caller;
  run_result callee;
};

/// Runs the SIPp caller `o` towards `sw` to completion, then waits for `callee` (the carrier
/// or phone); checks that both ended well.
inline call_run run_call(const switch_process& sw, const fs::path& dir, sipp_uas& callee, const uac_options& o = {}) {
  call_run r{sipp_uac(sw, dir, o), {}};
  r.callee = callee.wait();
  INFO(r.caller.output << r.callee.output << sw.log());
  CHECK(r.caller.exit_code == 0);
  CHECK(r.callee.exit_code == 0);
  return r;
}

/// Waits until switch.db holds `n` CDRs (bounded) and requires exactly `n`; returns them, newest first.
inline std::vector<store::cdr_record> require_cdrs(const switch_process& sw, std::size_t n) {
  auto rows = await_cdrs(sw, n);
  INFO(sw.log());
  REQUIRE(rows.size() == n);
  return rows;
}

}  // namespace tollgate::test
