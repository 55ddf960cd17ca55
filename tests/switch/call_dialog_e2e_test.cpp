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
  switch_process sw(root, mapping_gateway_config("customer-a", "ip", {"127.0.0.1/32"}) + routing_gateway_config(g));
  uac_options o;
  o.scenario = "dialog_uac.xml";
  const auto caller = sipp_uac(sw, root, o);
  const auto callee = carrier.wait();
  INFO(caller.output << callee.output << sw.log());
  CHECK(caller.exit_code == 0);
  CHECK(callee.exit_code == 0);
  const auto cdrs = await_cdrs(sw, 1);
  REQUIRE(cdrs.size() == 1);
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
  switch_process sw(root, mapping_gateway_config("customer-a", "ip", {"127.0.0.1/32"}) + routing_gateway_config(g));
  uac_options o;
  o.scenario = "dialog_uac_hops.xml";
  o.extra = {"-key", "max_forwards", "0"};
  const auto caller = sipp_uac(sw, root, o);
  INFO(caller.output << sw.log());
  CHECK(caller.exit_code == 0);
  const auto cdrs = await_cdrs(sw, 1);
  REQUIRE(cdrs.size() == 1);
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
  const auto cdrs = await_cdrs(sw, 1);
  REQUIRE(cdrs.size() == 1);
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
