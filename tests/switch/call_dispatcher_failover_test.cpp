#include "switch/call_dispatcher.hpp"

#include <catch2/catch.hpp>

#include "b2bua/support.hpp"
#include "call_dispatcher_fixture.hpp"

using namespace tollgate;
using test::gateway_peer;
namespace bt = tollgate::b2bua::test;

namespace {

std::shared_ptr<config::config> failover_config(int reply_unauthorized) {
  auto c = test::routed_config();
  config::routing_gateway r = c->routing_gateways.back();
  r.name = "carrier-2";
  r.host = "192.0.2.60";
  c->routing_gateways.push_back(r);
  (void)c->parameters.set(policy::parameter::SS_REPLY_UNAUTHORIZED, reply_unauthorized,
                          policy::parameter_origin::config);
  return c;
}

struct failover_fixture : test::bound_phone_fixture {
  explicit failover_fixture(int reply_unauthorized) : bound_phone_fixture(failover_config(reply_unauthorized)) {}
};

}  // namespace

TEST_CASE("a call fails over to the second routing gateway, and a late failure towards the first is ignored",
          "[switch][call_dispatcher]") {
  failover_fixture f(1);
  REQUIRE(f.calls.on_message(bt::parse(bt::invite_text({})), gateway_peer, *f.config, f.clock.now()));
  REQUIRE(f.calls.active() == 1);
  const b2bua::destination first{"192.0.2.50", 5060, config::transport::udp, test::switch_address};
  const b2bua::destination second{"192.0.2.60", 5060, config::transport::udp, test::switch_address};
  REQUIRE(f.sender.to.back() == first);
  f.sender.sent.clear();
  f.sender.to.clear();
  f.calls.on_transport_failed(1, first, f.clock.now());
  REQUIRE(f.sender.sent.size() == 1);
  CHECK(f.sender.sent[0].starts_with("INVITE "));
  CHECK(f.sender.to[0] == second);
  CHECK(f.calls.find("a-call-1")->b_peer() == second);
  // A second report about the first gateway (its retransmission, its connection) changes nothing.
  f.calls.on_transport_failed(1, first, f.clock.now());
  CHECK(f.sender.sent.size() == 1);
  CHECK(f.calls.active() == 1);
  // The second one fails too: 503 to the caller.
  f.calls.on_transport_failed(1, second, f.clock.now());
  f.calls.flush(f.clock.now());
  bool refused = false;
  for (const auto& s : f.sender.sent) refused = refused || s.starts_with("SIP/2.0 503");
  CHECK(refused);
}
