#include "switch/call_dispatcher.hpp"

#include <catch2/catch.hpp>

#include "b2bua/support.hpp"
#include "switch_fixture.hpp"

using namespace tollgate;
using namespace std::chrono_literals;
namespace bt = tollgate::b2bua::test;

namespace {

const switch_::peer gateway_peer{config::transport::udp, *base::ip_address::parse("198.51.100.7"), 5060};
const switch_::peer phone_peer{config::transport::udp, *base::ip_address::parse("192.0.2.20"), 5062};

/// Records what the dispatcher sends.
struct counting_sender final : switch_::call_sender {
  std::vector<std::string> sent;
  std::vector<b2bua::destination> to;
  void send(const b2bua::destination& d, std::string text, std::uint64_t) override {
    sent.push_back(std::move(text));
    to.push_back(d);
  }
  switch_::local_address local_for(const switch_::peer&, const b2bua::destination&) override {
    return {"192.0.2.1", 5060};
  }
};

std::shared_ptr<config::config> failover_config(int reply_unauthorized) {
  auto c = std::make_shared<config::config>(*test::test_config(2));
  config::mapping_gateway g;
  g.name = "customers";
  g.networks = {*base::ip_prefix::parse("198.51.100.0/29")};
  c->mapping_gateways.push_back(g);
  config::routing_gateway r;
  r.name = "carrier-1";
  r.host = "192.0.2.50";
  r.prefixes = {"00"};
  c->routing_gateways.push_back(r);
  r.name = "carrier-2";
  r.host = "192.0.2.60";
  c->routing_gateways.push_back(r);
  (void)c->parameters.set(policy::parameter::SS_REPLY_UNAUTHORIZED, reply_unauthorized,
                          policy::parameter_origin::config);
  return c;
}

struct failover_fixture {
  explicit failover_fixture(int reply_unauthorized) : config(failover_config(reply_unauthorized)) {
    store::binding_row row;
    row.endpoint = "1001";
    row.contact = "sip:1001@192.0.2.20:5062";
    row.source_ip = phone_peer.ip;
    row.source_port = phone_peer.port;
    row.transport = "udp";
    row.expires_at = clock.now() + 1h;
    bindings.put(row);
  }
  base::manual_clock clock{base::from_unix_seconds(1764158400)};
  std::shared_ptr<config::config> config;
  switch_::endpoint_directory directory{config};
  sip::digest_server digest{{}, test::test_secret(), directory.credentials()};
  switch_::binding_table bindings;
  counting_sender sender;
  std::uint64_t counter = 0;
  switch_::call_dispatcher calls{switch_::call_services{
      digest, bindings, sender, [](std::span<const store::cdr_record>) -> store::result<void> { return {}; }, {},
      [this] { return ++counter; }}};
};

}  // namespace

TEST_CASE("a call fails over to the second routing gateway, and a late failure towards the first is ignored",
          "[switch][call_dispatcher]") {
  failover_fixture f(1);
  REQUIRE(f.calls.on_message(bt::parse(bt::invite_text({})), gateway_peer, *f.config, f.clock.now()));
  REQUIRE(f.calls.active() == 1);
  const b2bua::destination first{"192.0.2.50", 5060, config::transport::udp};
  const b2bua::destination second{"192.0.2.60", 5060, config::transport::udp};
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
