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
