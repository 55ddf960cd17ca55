#include "switch/call_dispatcher.hpp"

#include <catch2/catch.hpp>

#include "b2bua/support.hpp"
#include "call_dispatcher_fixture.hpp"

using namespace tollgate;
using test::carrier_peer;
using test::gateway_peer;
using test::phone_peer;
using test::stranger;
namespace bt = tollgate::b2bua::test;

namespace {

std::shared_ptr<config::config> silent_config(int reply_unauthorized) {
  auto c = test::routed_config();
  (void)c->parameters.set(policy::parameter::SS_REPLY_UNAUTHORIZED, reply_unauthorized,
                          policy::parameter_origin::config);
  return c;
}

struct silence_fixture : test::bound_phone_fixture {
  explicit silence_fixture(int reply_unauthorized) : bound_phone_fixture(silent_config(reply_unauthorized)) {}

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
