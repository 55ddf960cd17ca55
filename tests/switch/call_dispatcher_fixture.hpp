// The call dispatcher's tests: their peers, their routing configuration and a phone bound to a dispatcher.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.hpp"
#include "switch/call_dispatcher.hpp"
#include "switch_fixture.hpp"

namespace tollgate::test {

inline const switch_::peer gateway_peer{config::transport::udp, *base::ip_address::parse("198.51.100.7"), 5060};
inline const switch_::peer carrier_peer{config::transport::udp, *base::ip_address::parse("192.0.2.50"), 5060};
inline const switch_::peer phone_peer{config::transport::udp, *base::ip_address::parse("192.0.2.20"), 5062};
inline const switch_::peer stranger{config::transport::udp, *base::ip_address::parse("203.0.113.9"), 5060};
inline const b2bua::destination carrier{"192.0.2.50", 5060, config::transport::udp};
/// Where the test senders say every message leaves from.
inline const config::socket_address switch_address{*base::ip_address::parse("192.0.2.1"), 5060};
/// The carrier as the B leg sends to it: from switch_address.
inline const b2bua::destination carrier_leg{"192.0.2.50", 5060, config::transport::udp, switch_address};

/// The test configuration with the mapping gateway "customers" (198.51.100.0/29) and the routing
/// gateway "carrier-1" (`carrier`) for the prefix "00".
inline std::shared_ptr<config::config> routed_config() {
  auto c = std::make_shared<config::config>(*test_config(2));
  config::mapping_gateway g;
  g.name = "customers";
  g.networks = {*base::ip_prefix::parse("198.51.100.0/29")};
  c->mapping_gateways.push_back(g);
  config::routing_gateway r;
  r.name = "carrier-1";
  r.host = carrier.host;
  r.prefixes = {"00"};
  c->routing_gateways.push_back(r);
  return c;
}

/// Records what the dispatcher sends, and where.
struct recording_sender final : switch_::call_sender {
  std::vector<std::string> sent;
  std::vector<b2bua::destination> to;
  void send(const b2bua::destination& d, std::string text, std::uint64_t) override {
    sent.push_back(std::move(text));
    to.push_back(d);
  }
  std::optional<config::socket_address> local_towards(const b2bua::destination&) override {
    return switch_address;
  }
};

/// Binds the phone 1001 at `phone_peer` for an hour from `now`.
inline void bind_phone(switch_::binding_table& bindings, base::timestamp now) {
  store::binding_row row;
  row.endpoint = "1001";
  row.contact = "sip:1001@192.0.2.20:5062";
  row.source_ip = phone_peer.ip;
  row.source_port = phone_peer.port;
  row.transport = "udp";
  row.expires_at = now + std::chrono::hours(1);
  bindings.put(row);
}

/// A dispatcher under `config` with the phone 1001 bound at `phone_peer`; its CDRs go nowhere.
struct bound_phone_fixture {
  explicit bound_phone_fixture(std::shared_ptr<config::config> c) : config(std::move(c)) {
    bind_phone(bindings, clock.now());
  }
  base::manual_clock clock{base::from_unix_seconds(1764158400)};
  std::shared_ptr<config::config> config;
  switch_::endpoint_directory directory{config};
  sip::digest_server digest{{}, test_secret(), directory.credentials()};
  switch_::binding_table bindings;
  recording_sender sender;
  std::uint64_t counter = 0;
  switch_::call_dispatcher calls{switch_::call_services{
      digest, bindings, sender, [](std::span<const store::cdr_record>) -> store::result<void> { return {}; }, {},
      [this] { return ++counter; }}};
};

}  // namespace tollgate::test
