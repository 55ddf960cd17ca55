// Calls through the real tollgate-switch on loopback: SIPp as an IP mapping gateway calling,
// SIPp as the carrier (a routing gateway) answering, CDRs read back from switch.db.
#include "switch/call_dispatcher.hpp"

#include <catch2/catch.hpp>

#include "b2bua/support.hpp"
#include "ctl/agent_client.hpp"
#include "support/temp_dir.hpp"
#include "call_e2e_support.hpp"

using namespace tollgate;
using namespace tollgate::test;
using namespace std::chrono_literals;

TEST_CASE("SIPp gateway -> switch -> SIPp carrier: answered, hung up by the caller, one CDR", "[switch][e2e][calls]") {
  for (const std::string transport : {"u1"}) {
    temp_dir dir;
    fs::path root(dir.file(""));
    fake_agent agent(root / "agent.sock");
    sipp_uas carrier(root, "carrier_answer.xml", 1, transport);
    routing_gateway_spec g;
    g.port = carrier.port();
    g.prefixes = {"0044"};
    switch_process sw(root, loopback_gateway_config(g));
    uac_options o;
    o.transport = transport;
    o.duration_ms = 1200;
    run_call(sw, root, carrier, o);
    const auto cdrs = require_cdrs(sw, 1);
    const auto& c = cdrs[0];
    CHECK(c.caller == "1001");
    CHECK(c.callee == "0044123456");
    CHECK(c.src_ip == "127.0.0.1");
    CHECK(c.transport == "udp");
    CHECK(c.user_agent == "sipp-gateway");
    CHECK(c.account == "customer-a");
    CHECK(c.routing_gateway == "carrier");
    CHECK(c.mode == store::billing_mode::gateway);
    CHECK(c.disconnect_code == 200);
    REQUIRE(c.answer_time);
    REQUIRE(c.end_time);
    CHECK(*c.answer_time >= c.start_time);
    CHECK(*c.end_time - *c.answer_time >= 1000ms);
    CHECK(c.duration_s == 1);
    CHECK(agent.count("illegal_call") == 0);
  }
}

TEST_CASE("SIPp over TCP on both legs: the switch opens the carrier connection itself", "[switch][e2e][calls]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  sipp_uas carrier(root, "carrier_answer.xml", 2, "t1");
  routing_gateway_spec g;
  g.port = carrier.port();
  g.transport = "tcp";
  switch_process sw(root, loopback_gateway_config(g));
  uac_options o;
  o.transport = "t1";
  o.calls = 2;
  run_call(sw, root, carrier, o);
  const auto cdrs = require_cdrs(sw, 2);
  for (const auto& c : cdrs) {
    CHECK(c.transport == "tcp");
    CHECK(c.disconnect_code == 200);
    CHECK(c.answer_time);
  }
}

TEST_CASE("an INVITE from an unknown source: 403, an illegal CDR, an illegal_call report", "[switch][e2e][calls]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  fake_agent agent(root / "agent.sock");
  routing_gateway_spec g;
  g.port = free_port();  // never reached
  switch_process sw(root, "[parameters]\nSERVER_BILLING_RECORD_ILLEGAL_CALL = 1\n" +
                              mapping_gateway_config("customer-a", "ip", {"192.0.2.0/24"}) + routing_gateway_config(g));
  uac_options o;
  o.scenario = "call_uac_refused.xml";
  o.calls = 3;
  const auto caller = sipp_uac(sw, root, o);
  INFO(caller.output << sw.log());
  CHECK(caller.exit_code == 0);
  const auto cdrs = require_cdrs(sw, 3);
  for (const auto& c : cdrs) {
    CHECK(c.mode == store::billing_mode::illegal);
    CHECK(c.disconnect_code == 403);
    CHECK(c.duration_s == 0);
    CHECK(c.src_ip == "127.0.0.1");
    CHECK(c.account.empty());
    CHECK(c.user_agent == "sipp-gateway");
  }
  CHECK(await([&] { return agent.count("\"illegal_call\"") == 3; }, 10s));
}

TEST_CASE("the carrier hangs up: its BYE reaches the caller, the CDR says so", "[switch][e2e][calls]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  sipp_uas carrier(root, "carrier_hangup.xml", 1, "u1", {"-d", "1100"});
  routing_gateway_spec g;
  g.host = "localhost";  // a name, resolved by the switch
  g.port = carrier.port();
  switch_process sw(root, loopback_gateway_config(g));
  uac_options o;
  o.scenario = "call_uac_callee_hangs_up.xml";
  run_call(sw, root, carrier, o);
  const auto cdrs = require_cdrs(sw, 1);
  CHECK(cdrs[0].disconnect_code == 200);
  CHECK(cdrs[0].disconnect_reason == "callee hung up");
  CHECK(cdrs[0].duration_s == 1);
}

TEST_CASE("a registered endpoint and a password gateway are challenged on INVITE and then call",
          "[switch][e2e][calls]") {
  const std::string endpoint_password = "s3cret-1001-Long";
  const std::string trunk_password = "trunk-Pa55word-x";
  for (const bool gateway : {false, true}) {
    temp_dir dir;
    fs::path root(dir.file(""));
    fake_agent agent(root / "agent.sock");
    sipp_uas carrier(root, "carrier_answer.xml", 1);
    routing_gateway_spec g;
    g.port = carrier.port();
    switch_process sw(root, "[parameters]\nSS_AUTHCHALLENGEMODE = 2\n\n[[endpoint]]\nname = \"1001\"\npassword = \"" +
                                endpoint_password + "\"\n" +
                                password_gateway_config("trunk-b", "trunkuser", trunk_password) +
                                routing_gateway_config(g));
    const std::string user = gateway ? "trunkuser" : "1001";
    const std::string password = gateway ? trunk_password : endpoint_password;
    const auto registered = sipsak_register(sw, root, user, password, "sip:" + user + "@127.0.0.1:5999");
    INFO(registered.output);
    REQUIRE(registered.exit_code == 0);
    uac_options o;
    o.scenario = "call_uac_auth.xml";
    o.caller = user;
    o.extra = {"-au", user, "-ap", password};
    INFO("gateway " << gateway);
    run_call(sw, root, carrier, o);
    const auto cdrs = require_cdrs(sw, 1);
    CHECK(cdrs[0].account == (gateway ? "trunk-b" : "1001"));
    CHECK(cdrs[0].mode == (gateway ? store::billing_mode::gateway : store::billing_mode::endpoint));
    CHECK(cdrs[0].disconnect_code == 200);
    CHECK(cdrs[0].user_agent == "sipp-phone");
    CHECK(agent.count("call_auth_failed") == 0);
    CHECK(agent.count("illegal_call") == 0);
  }
}

TEST_CASE("a call to a registered endpoint goes to where it registered from, before any gateway",
          "[switch][e2e][calls]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  routing_gateway_spec g;
  g.port = free_port();  // matches every number, but the endpoint comes first
  switch_process sw(root, "[[endpoint]]\nname = \"2002\"\npassword = \"s3cret-2002-Long\"\n" +
                              loopback_gateway_config(g));
  const int phone_port = free_port();
  const auto registered = sipp_register(sw, root, "2002", "s3cret-2002-Long", phone_port);
  INFO(registered.output);
  REQUIRE(registered.exit_code == 0);
  sipp_uas phone(root, "carrier_answer.xml", 1, "u1", {}, "phone", phone_port);
  uac_options o;
  o.callee = "2002";
  run_call(sw, root, phone, o);
  const auto cdrs = require_cdrs(sw, 1);
  CHECK(cdrs[0].callee == "2002");
  CHECK(cdrs[0].routing_gateway.empty());
  CHECK(cdrs[0].account == "customer-a");
  CHECK(cdrs[0].disconnect_code == 200);
}

TEST_CASE("stopping the switch ends a call in progress and writes its CDR", "[switch][e2e][calls]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  sipp_uas carrier(root, "carrier_answer.xml", 1, "u1", {"-trace_msg", "-message_file", (root / "carrier.msg").string()});
  routing_gateway_spec g;
  g.port = carrier.port();
  switch_process sw(root, loopback_gateway_config(g));
  const pid_t caller = spawn({"sipp", sw.target(), "-sf", call_scenario("call_uac.xml").string(), "-s", "0044123456",
                              "-key", "caller", "1001", "-m", "1", "-d", "60000", "-nostdin", "-i", "127.0.0.1", "-p",
                              std::to_string(free_port())},
                             root, root / "uac.log");
  // The call is up once the carrier has the ACK.
  const bool up = await([&] { return read_file(root / "carrier.msg").find("ACK sip:") != std::string::npos; }, 15s);
  CHECK(sw.stop() == 0);
  ::kill(caller, SIGKILL);
  (void)reap(caller, 5s);
  INFO(read_file(root / "carrier.msg") << sw.log());
  REQUIRE(up);
  const auto cdrs = read_cdrs(sw);
  REQUIRE(cdrs.size() == 1);
  CHECK(cdrs[0].answer_time);
  CHECK(cdrs[0].disconnect_code == 503);
  CHECK(cdrs[0].disconnect_reason == "switch stopping");
  // The carrier was told: a BYE reached it.
  CHECK(await([&] { return read_file(root / "carrier.msg").find("BYE sip:") != std::string::npos; }, 5s));
}

TEST_CASE("calls in progress stop at max_calls: 503 beyond, counted, from a gateway to a carrier that never answers",
          "[switch][e2e][calls]") {
  temp_dir dir;
  fs::path root(dir.file(""));
  udp_client silent_carrier;  // takes every INVITE, answers none
  routing_gateway_spec g;
  g.port = silent_carrier.port();
  switch_process sw(root, "max_calls = 100\ngateway_no_response_timeout = 32000\n" + loopback_gateway_config(g));  // [switch] keys first

  udp_client gateway;
  int trying = 0;
  int busy = 0;
  for (int i = 0; i < 1000; ++i) {
    b2bua::test::invite_spec s;
    s.call_id = "flood-" + std::to_string(i);
    s.branch = "z9hG4bK-flood-" + std::to_string(i);
    s.host = "127.0.0.1";
    gateway.send(sw.port(), b2bua::test::invite_text(s));
    const std::string answer = gateway.receive(2s);
    if (answer.starts_with("SIP/2.0 100")) ++trying;
    if (answer.starts_with("SIP/2.0 503")) ++busy;
  }
  INFO(sw.log());
  CHECK(trying == 100);
  CHECK(busy == 900);

  auto connected = ctl::agent_client::connect(sw.control_socket().string(), 10s, "switch");
  REQUIRE(std::holds_alternative<ctl::agent_client>(connected));
  auto status = std::get<ctl::agent_client>(connected).call(wire::request{1, wire::status_request{}});
  REQUIRE(std::holds_alternative<wire::response>(status));
  const auto& calls = std::get<wire::response>(status).result["calls"];
  CHECK(calls["in_progress"] == 100);
  CHECK(calls["attempted"] == 100);
  CHECK(calls["overloaded"] == 900);
  CHECK(calls["overloaded_source"] == 0);
  const std::string log = sw.log();
  CHECK(log.find("answered 503") != std::string::npos);
  CHECK(log.find("answered 503") == log.rfind("answered 503"));  // one line, not one per INVITE
}
