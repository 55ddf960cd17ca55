#include "switch/call_dispatcher.hpp"

#include <catch2/catch.hpp>

#include "b2bua/support.hpp"
#include "switch_fixture.hpp"

using namespace tollgate;
using namespace std::chrono_literals;
namespace bt = tollgate::b2bua::test;

namespace {

const switch_::peer gateway_peer{config::transport::udp, *base::ip_address::parse("198.51.100.7"), 5060};
const switch_::peer carrier_peer{config::transport::udp, *base::ip_address::parse("192.0.2.50"), 5060};
const switch_::peer phone_peer{config::transport::udp, *base::ip_address::parse("192.0.2.20"), 5062};
const switch_::peer stranger{config::transport::udp, *base::ip_address::parse("203.0.113.9"), 5060};

/// Counts what the dispatcher sends.
struct counting_sender final : switch_::call_sender {
  std::vector<std::string> sent;
  void send(const b2bua::destination&, std::string text, std::uint64_t) override { sent.push_back(std::move(text)); }
  switch_::local_address local_for(const switch_::peer&, const b2bua::destination&) override {
    return {"192.0.2.1", 5060};
  }
};

std::shared_ptr<config::config> silent_config(int reply_unauthorized) {
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
  (void)c->parameters.set(policy::parameter::SS_REPLY_UNAUTHORIZED, reply_unauthorized,
                          policy::parameter_origin::config);
  return c;
}

struct silence_fixture {
  explicit silence_fixture(int reply_unauthorized) : config(silent_config(reply_unauthorized)) {
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

  /// How many responses `text` from `from` drew.
  std::size_t answers_to(const std::string& text, const switch_::peer& from) {
    sender.sent.clear();
    REQUIRE(calls.on_message(bt::parse(text), from, *config, clock.now()));
    return sender.sent.size();
  }
};

std::string in_dialog(std::string_view method, std::string_view via_host) {
  return bt::dialog_request(method, "sip:192.0.2.1", via_host, "z9hG4bKprobe", "<sip:100@x>;tag=a",
                            "<sip:200@y>;tag=b", "no-such-dialog", 2);
}

std::string cancel(std::string_view via_host) {
  return bt::dialog_request("CANCEL", "sip:200@192.0.2.1", via_host, "z9hG4bKprobe", "<sip:100@x>;tag=a",
                            "<sip:200@y>", "no-such-dialog", 1);
}

}  // namespace

TEST_CASE("with SS_REPLY_UNAUTHORIZED = 0 a stranger probing unknown dialogs gets no answer",
          "[switch][call_dispatcher]") {
  silence_fixture f(0);
  for (std::string_view method : {"BYE", "INVITE", "UPDATE", "INFO"}) {
    INFO(method);
    CHECK(f.answers_to(in_dialog(method, "203.0.113.9"), stranger) == 0);
  }
  CHECK(f.answers_to(cancel("203.0.113.9"), stranger) == 0);
  CHECK(f.calls.counters().unknown_dialog == 5);
  CHECK(f.calls.counters().unknown_dialog_silenced == 5);
  CHECK(f.calls.active() == 0);
}

TEST_CASE("with SS_REPLY_UNAUTHORIZED = 0 gateways and registered sources still get 481 for unknown dialogs",
          "[switch][call_dispatcher]") {
  silence_fixture f(0);
  const auto& [who, via] = GENERATE(table<switch_::peer, std::string>({{gateway_peer, "198.51.100.7"},
                                                                        {carrier_peer, "192.0.2.50"},
                                                                        {phone_peer, "192.0.2.20"}}));
  INFO(via);
  f.sender.sent.clear();
  REQUIRE(f.calls.on_message(bt::parse(in_dialog("BYE", via)), who, *f.config, f.clock.now()));
  REQUIRE(f.sender.sent.size() == 1);
  CHECK(f.sender.sent[0].starts_with("SIP/2.0 481"));
  f.sender.sent.clear();
  REQUIRE(f.calls.on_message(bt::parse(cancel(via)), who, *f.config, f.clock.now()));
  REQUIRE(f.sender.sent.size() == 1);
  CHECK(f.sender.sent[0].starts_with("SIP/2.0 481"));
  CHECK(f.calls.counters().unknown_dialog_silenced == 0);
}

TEST_CASE("with SS_REPLY_UNAUTHORIZED = 1 everyone gets 481 for an unknown dialog", "[switch][call_dispatcher]") {
  silence_fixture f(1);
  CHECK(f.answers_to(in_dialog("BYE", "203.0.113.9"), stranger) == 1);
  CHECK(f.sender.sent[0].starts_with("SIP/2.0 481"));
  CHECK(f.answers_to(cancel("203.0.113.9"), stranger) == 1);
  CHECK(f.sender.sent[0].starts_with("SIP/2.0 481"));
  CHECK(f.calls.counters().unknown_dialog_silenced == 0);
}
