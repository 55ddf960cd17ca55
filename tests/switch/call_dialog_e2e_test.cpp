// In-dialog behaviour through the real tollgate-switch on loopback: re-INVITE, UPDATE and
// INFO relayed both ways between a SIPp caller and a SIPp carrier, Max-Forwards and loops.
#include "switch/call_dispatcher.hpp"

#include <catch2/catch.hpp>

#include "support/temp_dir.hpp"
#include "call_e2e_support.hpp"

using namespace tollgate;
using namespace tollgate::test;
using namespace std::chrono_literals;

TEST_CASE("re-INVITE, UPDATE and INFO are relayed end to end in both directions", "[switch][e2e][calls][dialog]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  sipp_uas carrier(root, "dialog_carrier.xml", 1, "u1");
  routing_gateway_spec g;
  g.port = carrier.port();
  g.prefixes = {"0044"};
  switch_process sw(root, loopback_gateway_config(g));
  uac_options o;
  o.scenario = "dialog_uac.xml";
  run_call(sw, root, carrier, o);
  const auto cdrs = require_cdrs(sw, 1);
  CHECK(cdrs[0].disconnect_code == 200);
  CHECK(cdrs[0].disconnect_reason == "caller hung up");
  CHECK(cdrs[0].answer_time);
}

TEST_CASE("an INVITE with Max-Forwards 0 is refused with 483 and a CDR, the carrier never sees it",
          "[switch][e2e][calls][dialog]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  udp_client carrier;  // the routing gateway: must receive nothing
  routing_gateway_spec g;
  g.port = carrier.port();
  switch_process sw(root, loopback_gateway_config(g));
  uac_options o;
  o.scenario = "dialog_uac_hops.xml";
  o.extra = {"-key", "max_forwards", "0"};
  const auto caller = sipp_uac(sw, root, o);
  INFO(caller.output << sw.log());
  CHECK(caller.exit_code == 0);
  const auto cdrs = require_cdrs(sw, 1);
  CHECK(cdrs[0].disconnect_code == 483);
  CHECK_FALSE(cdrs[0].answer_time);
  CHECK(carrier.receive(300ms).empty());
}

TEST_CASE("a routing loop back into the switch is refused 482 on every leg, with a CDR, and leaves no call behind",
          "[switch][e2e][calls][dialog]") {
  const std::string transport = GENERATE(std::string("udp"), std::string("tcp"));
  INFO(transport);
  temp_dir dir;
  fs::path root(dir.file(""));
  switch_process sw(root, mapping_gateway_config("loop", "ip", {"127.0.0.1/32"}));
  // The routing gateway is the switch itself (its port is known only once it runs).
  routing_gateway_spec g;
  g.name = "itself";
  g.port = sw.port();
  g.transport = transport;
  std::ofstream(sw.config(), std::ios::app) << routing_gateway_config(g);
  ::kill(sw.pid(), SIGHUP);
  REQUIRE(await([&] { return sw.log().find("1 routing gateways") != std::string::npos; }, 10s));

  uac_options o;
  o.scenario = "dialog_uac_loop.xml";
  o.transport = "t1";
  const auto caller = sipp_uac(sw, root, o);
  INFO(caller.output << sw.log());
  CHECK(caller.exit_code == 0);
  const auto cdrs = require_cdrs(sw, 1);
  CHECK(cdrs[0].disconnect_code == 482);
  CHECK(cdrs[0].account == "loop");
  CHECK(cdrs[0].routing_gateway == "itself");
  CHECK_FALSE(cdrs[0].answer_time);
  // The looped INVITE opened no second call: one CDR, however long we wait for another.
  CHECK(await_cdrs(sw, 2, 500ms).size() == 1);
  if (transport == "tcp") {
    // Over TCP no transaction lingers for retransmissions: nothing is held at the stop.
    CHECK(sw.stop() == 0);
    CHECK(sw.log().find("calls held") == std::string::npos);
  }
}

TEST_CASE("an unreachable carrier (closed UDP port, refused TCP connection) fails the call with 503 at once",
          "[switch][e2e][calls][dialog]") {
  const std::string transport = GENERATE(std::string("udp"), std::string("tcp"));
  INFO(transport);
  temp_dir dir;
  fs::path root(dir.file(""));
  routing_gateway_spec g;
  g.port = free_port();  // nothing listens there
  g.transport = transport;
  switch_process sw(root, loopback_gateway_config(g));
  uac_options o;
  o.scenario = "dialog_uac_unreachable.xml";
  o.calls = 3;
  const auto started = std::chrono::steady_clock::now();
  const auto caller = sipp_uac(sw, root, o);
  const auto took = std::chrono::steady_clock::now() - started;
  INFO(caller.output << sw.log());
  CHECK(caller.exit_code == 0);
  // ICMP port unreachable (UDP) or the refused connection (TCP), not Timer B's 32 s.
  CHECK(took < 10s);
  const auto cdrs = require_cdrs(sw, 3);
  for (const auto& c : cdrs) {
    CHECK(c.disconnect_code == 503);
    CHECK(c.disconnect_reason == "callee unreachable");
    CHECK(c.routing_gateway == "carrier");
  }
}

TEST_CASE("two routing gateways for a prefix: the first unreachable, the call fails over to the second at once",
          "[switch][e2e][calls][dialog]") {
  const std::string transport = GENERATE(std::string("udp"), std::string("tcp"));
  INFO(transport);
  temp_dir dir;
  fs::path root(dir.file(""));
  sipp_uas carrier(root, "carrier_answer.xml", 1, "u1");
  routing_gateway_spec down;
  down.name = "down";
  down.port = free_port();  // nothing listens there
  down.transport = transport;
  down.prefixes = {"0044"};
  routing_gateway_spec up;
  up.name = "up";
  up.port = carrier.port();
  up.prefixes = {"0044"};
  switch_process sw(root, loopback_gateway_config(down) + routing_gateway_config(up));
  const auto started = std::chrono::steady_clock::now();
  run_call(sw, root, carrier);
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  const auto cdrs = require_cdrs(sw, 1);
  CHECK(cdrs[0].routing_gateway == "up");
  CHECK(cdrs[0].disconnect_code == 200);
  CHECK(cdrs[0].answer_time);
}

TEST_CASE("two routing gateways for a prefix: the first silent, the call fails over after "
          "gateway_no_response_timeout",
          "[switch][e2e][calls][dialog]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  udp_client silent;  // bound, so no ICMP unreachable: it just never answers
  sipp_uas carrier(root, "carrier_answer.xml", 1, "u1");
  routing_gateway_spec down;
  down.name = "silent";
  down.port = silent.port();
  down.prefixes = {"0044"};
  routing_gateway_spec up;
  up.name = "up";
  up.port = carrier.port();
  up.prefixes = {"0044"};
  switch_process sw(root, "gateway_no_response_timeout = 2000\n" + loopback_gateway_config(down) +
                              routing_gateway_config(up));
  const auto started = std::chrono::steady_clock::now();
  run_call(sw, root, carrier);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(took >= 2s);  // the silent gateway had its 2 s
  CHECK(took < 2s + 5s);  // not Timer B's 32 s
  CHECK(silent.receive(1s).starts_with("INVITE sip:0044"));
  const auto cdrs = require_cdrs(sw, 1);
  CHECK(cdrs[0].routing_gateway == "up");
  CHECK(cdrs[0].disconnect_code == 200);
  CHECK(cdrs[0].answer_time);
}

namespace {

std::string unknown_dialog_request(const std::string& method, int local_port, const std::string& tag) {
  const bool cancel = method == "CANCEL";
  return method + " sip:200@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(local_port) +
         ";branch=z9hG4bK-" + tag + ";rport\r\nFrom: <sip:100@127.0.0.1>;tag=" + tag + "\r\nTo: <sip:200@127.0.0.1>" +
         (cancel ? "" : ";tag=x" + tag) + "\r\nCall-ID: " + tag + "@probe\r\nCSeq: 1 " + method +
         "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
}

/// Sends BYE and CANCEL for dialogs that do not exist, then an OPTIONS; returns every
/// status line received before the OPTIONS' 200 (which the switch sends after them).
/// Fails the test when the OPTIONS is not answered.
std::vector<std::string> probe_unknown_dialogs(const switch_process& sw) {
  udp_client probe;
  probe.send(sw.port(), unknown_dialog_request("BYE", probe.port(), "bye1"));
  probe.send(sw.port(), unknown_dialog_request("CANCEL", probe.port(), "cancel1"));
  probe.send(sw.port(), options_request(probe.port(), "alive"));
  std::vector<std::string> answers;
  bool alive = false;
  for (int i = 0; i < 10 && !alive; ++i) {
    const std::string d = probe.receive(5s);
    if (d.empty()) break;
    alive = d.find("CSeq: 1 OPTIONS") != std::string::npos;
    if (!alive) answers.push_back(d.substr(0, d.find("\r\n")));
  }
  REQUIRE(alive);
  return answers;
}

}  // namespace

TEST_CASE("unknown dialogs: silence for a stranger when SS_REPLY_UNAUTHORIZED = 0, 481 for a gateway",
          "[switch][e2e][calls][dialog]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  SECTION("a stranger hears nothing") {
    switch_process sw(root, "[parameters]\nSS_REPLY_UNAUTHORIZED = 0\n" +
                                mapping_gateway_config("customer-a", "ip", {"192.0.2.0/24"}));
    const auto answers = probe_unknown_dialogs(sw);
    INFO(sw.log());
    CHECK(answers.empty());
  }
  SECTION("a mapping gateway gets 481 for both") {
    switch_process sw(root, "[parameters]\nSS_REPLY_UNAUTHORIZED = 0\n" +
                                mapping_gateway_config("customer-a", "ip", {"127.0.0.1/32"}));
    const auto answers = probe_unknown_dialogs(sw);
    INFO(sw.log());
    REQUIRE(answers.size() == 2);
    CHECK(answers[0].starts_with("SIP/2.0 481"));
    CHECK(answers[1].starts_with("SIP/2.0 481"));
  }
  SECTION("with SS_REPLY_UNAUTHORIZED = 1 a stranger gets 481 too") {
    switch_process sw(root, mapping_gateway_config("customer-a", "ip", {"192.0.2.0/24"}));
    const auto answers = probe_unknown_dialogs(sw);
    INFO(sw.log());
    REQUIRE(answers.size() == 2);
    CHECK(answers[0].starts_with("SIP/2.0 481"));
  }
}

TEST_CASE("Record-Route is honoured on each leg: returned to the caller, Route headers towards the carrier",
          "[switch][e2e][calls][dialog]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  sipp_uas carrier(root, "dialog_carrier_record_route.xml", 1, "u1");
  routing_gateway_spec g;
  g.port = carrier.port();
  switch_process sw(root, loopback_gateway_config(g));
  uac_options o;
  o.scenario = "dialog_uac_record_route.xml";
  run_call(sw, root, carrier, o);
  const auto cdrs = require_cdrs(sw, 1);
  CHECK(cdrs[0].disconnect_code == 200);
}
