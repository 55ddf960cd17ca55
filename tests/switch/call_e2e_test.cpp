// Calls through the real tollgate-switch on loopback: SIPp as an IP mapping gateway calling,
// SIPp as the carrier (a routing gateway) answering, CDRs read back from switch.db.
#include "switch/call_dispatcher.hpp"

#include <catch2/catch.hpp>

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
    switch_process sw(root, mapping_gateway_config("customer-a", "ip", {"127.0.0.1/32"}) + routing_gateway_config(g));
    uac_options o;
    o.transport = transport;
    o.duration_ms = 1200;
    const auto caller = sipp_uac(sw, root, o);
    const auto callee = carrier.wait();
    INFO(caller.output << callee.output << sw.log());
    CHECK(caller.exit_code == 0);
    CHECK(callee.exit_code == 0);
    const auto cdrs = await_cdrs(sw, 1);
    REQUIRE(cdrs.size() == 1);
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
