#include "switch/call_dispatcher.hpp"

#include <catch2/catch.hpp>

#include "b2bua/support.hpp"
#include "call_dispatcher_fixture.hpp"

using namespace tollgate;
using namespace std::chrono_literals;
using test::carrier;
using test::carrier_peer;
using test::gateway_peer;
using test::stranger;
namespace bt = tollgate::b2bua::test;

namespace {

struct sent_message {
  b2bua::destination to;
  std::string text;
  std::uint64_t call;
};

/// Records what the dispatcher sends.
struct fake_sender final : switch_::call_sender {
  std::vector<sent_message> sent;
  void send(const b2bua::destination& to, std::string text, std::uint64_t call) override {
    sent.push_back({to, std::move(text), call});
  }
  std::optional<config::socket_address> local_towards(const b2bua::destination&) override {
    return test::switch_address;
  }
  /// Removes and returns the messages sent so far that start with `prefix`, in order.
  std::vector<sent_message> take(std::string_view prefix = {}) {
    std::vector<sent_message> out;
    std::vector<sent_message> rest;
    for (auto& s : sent) {
      (std::string_view(s.text).starts_with(prefix) ? out : rest).push_back(std::move(s));
    }
    sent = std::move(rest);
    return out;
  }
};

std::shared_ptr<config::config> calls_config() {
  auto c = test::routed_config();
  (void)c->parameters.set(policy::parameter::SERVER_BILLING_RECORD_ILLEGAL_CALL, 1, policy::parameter_origin::config);
  return c;
}

struct dispatcher_fixture {
  explicit dispatcher_fixture(std::shared_ptr<config::config> c = calls_config()) : config(std::move(c)) {}
  base::manual_clock clock{base::from_unix_seconds(1764158400)};
  std::shared_ptr<config::config> config;
  switch_::endpoint_directory directory{config};
  sip::digest_server digest{{}, test::test_secret(), directory.credentials()};
  switch_::binding_table bindings;
  fake_sender sender;
  std::vector<store::cdr_record> written;
  std::vector<policy::report> reports;
  int writes = 0;
  bool fail_writes = false;
  std::uint64_t counter = 0;
  switch_::call_dispatcher calls{switch_::call_services{
      digest, bindings, sender,
      [this](std::span<const store::cdr_record> rows) -> store::result<void> {
        ++writes;
        if (fail_writes) return store::make_error(store::errc::io_error, "disk I/O error (injected)");
        written.insert(written.end(), rows.begin(), rows.end());
        return {};
      },
      [this](const policy::report& r) { reports.push_back(r); }, [this] { return ++counter; }}};

  bool feed(const std::string& text, const switch_::peer& from) {
    return calls.on_message(bt::parse(text), from, *config, clock.now());
  }
  /// Runs the dispatcher's deadlines up to `until` (bounded), moving the clock to each.
  void run_until(base::timestamp until) {
    for (int i = 0; i < 10000; ++i) {
      const auto next = calls.next_deadline();
      if (!next || *next > until) break;
      clock.set(std::max(clock.now(), *next));
      calls.on_tick(clock.now());
    }
    clock.set(std::max(clock.now(), until));
  }
};

bt::invite_spec invite_from(const std::string& host, const std::string& call_id) {
  bt::invite_spec s;
  s.call_id = call_id;
  s.host = host;
  return s;
}

bt::invite_spec invite_from_gateway(const std::string& call_id = "a-call-1") {
  return invite_from("198.51.100.7", call_id);
}

/// An INVITE from `stranger`, a source that is neither a gateway nor registered.
std::string invite_from_stranger(const std::string& call_id) {
  return bt::invite_text(invite_from("203.0.113.9", call_id));
}

}  // namespace

TEST_CASE("an answered call: relayed both ways by Call-ID, the CDR committed before the BYE's 200",
          "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  REQUIRE(f.feed(bt::invite_text(invite_from_gateway()), gateway_peer));
  CHECK(f.calls.active() == 1);
  CHECK(f.sender.take("SIP/2.0 100").size() == 1);
  f.run_until(f.clock.now() + 5ms);
  auto invites = f.sender.take("INVITE ");
  REQUIRE(invites.size() == 1);
  CHECK(invites[0].to == test::carrier_leg);
  const sip::message b_invite = bt::parse(invites[0].text);
  CHECK(b_invite.call_id() != "a-call-1");
  CHECK(f.calls.find(b_invite.call_id()) == f.calls.find("a-call-1"));

  REQUIRE(f.feed(bt::response_text(b_invite, 180, "btag", "192.0.2.50"), carrier_peer));
  auto ringing = f.sender.take("SIP/2.0 180");
  REQUIRE(ringing.size() == 1);
  CHECK(ringing[0].to.host == "198.51.100.7");
  REQUIRE(f.feed(bt::response_text(b_invite, 200, "btag", "192.0.2.50", "v=0\r\n"), carrier_peer));
  auto ok = f.sender.take();
  REQUIRE_FALSE(ok.empty());
  const auto a_ok = std::find_if(ok.begin(), ok.end(), [](const auto& s) { return s.text.starts_with("SIP/2.0 200"); });
  REQUIRE(a_ok != ok.end());
  CHECK(f.calls.counters().answered == 1);
  const sip::message a_200 = bt::parse(a_ok->text);
  const std::string to_a = std::string(a_200.header(sip::header_id::to));

  // The caller's ACK goes on to the carrier; then the caller hangs up.
  const std::string from_a = "<sip:1001@198.51.100.7>;tag=ftag1";
  REQUIRE(f.feed(bt::dialog_request("ACK", "sip:192.0.2.1:5060", "198.51.100.7", "z9hG4bKack1", from_a, to_a,
                                    "a-call-1", 1),
                 gateway_peer));
  CHECK(f.sender.take("ACK ").size() == 1);
  f.clock.advance(3s);
  REQUIRE(f.feed(bt::dialog_request("BYE", "sip:192.0.2.1:5060", "198.51.100.7", "z9hG4bKbye1", from_a, to_a,
                                    "a-call-1", 2),
                 gateway_peer));
  auto after_bye = f.sender.take();
  // The BYE goes to the carrier at once; the 200 to the caller waits for the CDR commit.
  CHECK(std::count_if(after_bye.begin(), after_bye.end(), [](const auto& s) { return s.text.starts_with("BYE "); }) == 1);
  CHECK(std::none_of(after_bye.begin(), after_bye.end(), [](const auto& s) { return s.text.starts_with("SIP/2.0 200"); }));
  CHECK(f.calls.cdrs().queued() == 1);
  CHECK(f.written.empty());
  REQUIRE(f.calls.next_deadline() == f.clock.now() + 20ms);
  f.run_until(f.clock.now() + 19ms);
  CHECK(f.written.empty());
  f.run_until(f.clock.now() + 1ms);
  REQUIRE(f.written.size() == 1);
  CHECK(f.sender.take("SIP/2.0 200").size() == 1);
  const auto& cdr = f.written[0];
  CHECK(cdr.call_id == "a-call-1");
  CHECK(cdr.account == "customers");
  CHECK(cdr.routing_gateway == "carrier-1");
  CHECK(cdr.mode == store::billing_mode::gateway);
  CHECK(cdr.duration_s == 3);
  CHECK(cdr.disconnect_code == 200);

  // The carrier answers our BYE; the call ends once its transactions have.
  auto byes = f.sender.sent;  // nothing pending
  CHECK(byes.empty());
  f.run_until(f.clock.now() + 64s);
  CHECK(f.calls.active() == 0);
  CHECK(f.calls.timers().size() == 0);
  CHECK(f.calls.counters().attempted == 1);
  CHECK(f.calls.counters().failed == 0);
}

TEST_CASE("an illegal INVITE: the 403 leaves only after its CDR commit, a retransmission is answered from the cache",
          "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  const std::string invite = invite_from_stranger("illegal-1");
  REQUIRE(f.feed(invite, stranger));
  CHECK(f.sender.sent.empty());  // held
  REQUIRE(f.reports.size() == 1);
  CHECK(f.reports[0].type == policy::report_type::illegal_call);
  CHECK(f.calls.counters().illegal == 1);
  f.run_until(f.clock.now() + 20ms);
  REQUIRE(f.written.size() == 1);
  CHECK(f.written[0].mode == store::billing_mode::illegal);
  CHECK(f.written[0].disconnect_code == 403);
  CHECK(f.written[0].src_ip == "203.0.113.9");
  auto refused = f.sender.take("SIP/2.0 403");
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].to.host == "203.0.113.9");

  // The retransmission: the same 403, no second CDR, no second report.
  f.clock.advance(500ms);
  REQUIRE(f.feed(invite, stranger));
  CHECK(f.sender.take("SIP/2.0 403").size() == 1);
  f.run_until(f.clock.now() + 1s);
  CHECK(f.written.size() == 1);
  CHECK(f.reports.size() == 1);
  CHECK(f.calls.counters().rejected_retransmissions == 1);
  // Its ACK is absorbed.
  CHECK(f.feed(bt::dialog_request("ACK", "sip:0044123456@192.0.2.1", "203.0.113.9", "z9hG4bKa1",
                                  "<sip:1001@203.0.113.9>;tag=ftag1", "<sip:0044123456@192.0.2.1>;tag=x", "illegal-1", 1),
               stranger));
  CHECK(f.sender.sent.empty());
}

TEST_CASE("a failed CDR write answers the 403s at once and keeps the rows until a write succeeds",
          "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  f.fail_writes = true;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(f.feed(invite_from_stranger("flood-" + std::to_string(i)), stranger));
  }
  f.run_until(f.clock.now() + 500ms);
  CHECK(f.writes == 1);
  CHECK(f.calls.cdrs().queued() == 3);
  CHECK(f.calls.cdrs().held() == 0);
  CHECK(f.sender.take("SIP/2.0 403").size() == 3);  // released by the failure
  // While writes fail, new illegal calls are answered at once.
  REQUIRE(f.feed(invite_from_stranger("flood-3"), stranger));
  CHECK(f.sender.take("SIP/2.0 403").size() == 1);
  CHECK(f.calls.cdrs().queued() == 4);
  f.fail_writes = false;
  f.run_until(f.clock.now() + 600ms);  // the retry, a second after the failure
  CHECK(f.writes == 2);
  CHECK(f.written.size() == 4);
  CHECK(f.calls.cdrs().counters().write_failures == 1);
  CHECK(f.calls.cdrs().counters().released_unwritten == 4);
  CHECK(f.calls.cdrs().counters().dropped == 0);
  // Writing again, a 403 waits for its row as before.
  REQUIRE(f.feed(invite_from_stranger("flood-4"), stranger));
  CHECK(f.sender.sent.empty());
  f.run_until(f.clock.now() + 100ms);
  CHECK(f.sender.take("SIP/2.0 403").size() == 1);
}

TEST_CASE("512 queued rows are committed at once, without waiting for the timer", "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  for (int i = 0; i < 512; ++i) {
    REQUIRE(f.feed(invite_from_stranger("burst-" + std::to_string(i)), stranger));
  }
  CHECK(f.writes == 1);
  CHECK(f.written.size() == 512);
  CHECK(f.sender.take("SIP/2.0 403").size() == 512);
  CHECK(f.calls.cdrs().counters().commits == 1);
}

TEST_CASE("only registered sources are challenged, unknown dialogs get 481, stray responses are dropped",
          "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  test::bind_phone(f.bindings, f.clock.now());
  const switch_::peer phone = test::phone_peer;
  bt::invite_spec s;
  s.call_id = "from-phone";
  s.host = "192.0.2.20";
  REQUIRE(f.feed(bt::invite_text(s), phone));
  auto challenge = f.sender.take();
  REQUIRE(challenge.size() == 1);
  CHECK(challenge[0].text.starts_with("SIP/2.0 407"));
  CHECK(f.calls.counters().challenged == 1);
  CHECK(f.reports.empty());

  const std::string bye = bt::dialog_request("BYE", "sip:192.0.2.1", "192.0.2.20", "z9hG4bKb", "<sip:1001@x>;tag=a",
                                             "<sip:2@y>;tag=b", "no-such-call", 2);
  REQUIRE(f.feed(bye, phone));
  CHECK(f.sender.take("SIP/2.0 481").size() == 1);
  const std::string stray = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx\r\nFrom: <sip:a@x>;tag=1\r\n"
                            "To: <sip:b@y>;tag=2\r\nCall-ID: nobody\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  REQUIRE(f.feed(stray, phone));
  CHECK(f.calls.counters().stray_responses == 1);
  CHECK(f.sender.sent.empty());
  // Out-of-dialog requests that are no call stay with the request handler.
  sip::request_builder options("OPTIONS", "sip:tollgate");
  options.via("UDP", "192.0.2.20:5062", sip::make_branch(7)).from("<sip:1001@tollgate>", "a").to("<sip:tollgate>");
  CHECK_FALSE(f.feed(options.call_id("o-1").cseq(1).build(), phone));
}

TEST_CASE("a carrier that sends nothing: 408 after gateway_no_response_timeout, from the configuration",
          "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  f.config->sip.gateway_no_response_timeout = 2000ms;
  REQUIRE(f.feed(bt::invite_text(invite_from_gateway("silent-2")), gateway_peer));
  f.run_until(f.clock.now() + 2100ms);
  const auto sent = f.sender.take();
  const auto invites = std::count_if(sent.begin(), sent.end(), [](const auto& s) { return s.text.starts_with("INVITE "); });
  CHECK(invites == 3);  // 0, 0.5, 1.5 s, then given up at 2 s
  CHECK(std::count_if(sent.begin(), sent.end(), [](const auto& s) { return s.text.starts_with("SIP/2.0 408"); }) == 1);
  CHECK(std::count_if(sent.begin(), sent.end(), [](const auto& s) { return s.text.starts_with("CANCEL "); }) == 0);
  REQUIRE(f.written.size() == 1);
  CHECK(f.written[0].disconnect_code == 408);
}

TEST_CASE("a carrier that never answers: Timer B ends the call with 408 and a CDR", "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  f.config->sip.gateway_no_response_timeout = 32000ms;  // the maximum: Timer B comes first
  REQUIRE(f.feed(bt::invite_text(invite_from_gateway("silent-1")), gateway_peer));
  f.run_until(f.clock.now() + 40s);
  const auto sent = f.sender.take();
  const auto invites = std::count_if(sent.begin(), sent.end(), [](const auto& s) { return s.text.starts_with("INVITE "); });
  CHECK(invites == 7);  // T1 doubling: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s
  // The 408 is retransmitted (Timer G) since this caller never ACKs it.
  CHECK(std::count_if(sent.begin(), sent.end(), [](const auto& s) { return s.text.starts_with("SIP/2.0 408"); }) >= 1);
  REQUIRE(f.written.size() == 1);
  CHECK(f.written[0].disconnect_code == 408);
  CHECK(f.calls.counters().failed == 1);
  f.run_until(f.clock.now() + 64s);
  CHECK(f.calls.active() == 0);
}

TEST_CASE("a transport failure of the B leg fails the call with 503", "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  REQUIRE(f.feed(bt::invite_text(invite_from_gateway("unreachable-1")), gateway_peer));
  auto invites = f.sender.take("INVITE ");
  REQUIRE(invites.size() == 1);
  f.calls.on_transport_failed(invites[0].call, invites[0].to, f.clock.now());
  f.run_until(f.clock.now() + 20ms);
  REQUIRE(f.written.size() == 1);
  CHECK(f.written[0].disconnect_code == 503);
  CHECK(f.sender.take("SIP/2.0 503").size() == 1);
  CHECK(f.calls.counters().transport_failures == 1);
}

TEST_CASE("the request handler hands calls to the dispatcher and keeps REGISTER and OPTIONS",
          "[switch][call_dispatcher][request_handler]") {
  test::switch_fixture f(2);
  fake_sender sender;
  std::vector<store::cdr_record> written;
  std::vector<policy::report> reports;
  std::uint64_t counter = 0;
  switch_::call_dispatcher calls{switch_::call_services{
      f.digest, f.bindings, sender,
      [&](std::span<const store::cdr_record> rows) -> store::result<void> {
        written.insert(written.end(), rows.begin(), rows.end());
        return {};
      },
      [&](const policy::report& r) { reports.push_back(r); }, [&] { return ++counter; }}};
  const auto config = calls_config();
  f.handler.route_calls(calls, [&] { return std::shared_ptr<const config::config>(config); });

  bt::invite_spec s;
  s.call_id = "before-register";
  s.host = "198.51.100.20";
  CHECK_FALSE(f.handler.on_datagram(bt::invite_text(s), f.phone, f.clock.now()));
  CHECK(calls.counters().illegal == 1);  // no registration from this source yet
  calls.on_tick(f.clock.now() + 20ms);
  CHECK(written.size() == 1);
  CHECK(sender.take("SIP/2.0 403").size() == 1);

  const auto registered = f.register_with("1001", "s3cret-1001-Long");
  REQUIRE(registered);
  CHECK(registered->status_code() == 200);
  CHECK(sender.sent.empty());  // REGISTER stays with the registrar
  s.call_id = "after-register";
  s.branch = "z9hG4bKa2";
  CHECK_FALSE(f.handler.on_datagram(bt::invite_text(s), f.phone, f.clock.now()));
  CHECK(calls.counters().challenged == 1);
  CHECK(sender.take("SIP/2.0 407").size() == 1);

  sip::request_builder options("OPTIONS", "sip:tollgate");
  options.via("UDP", "198.51.100.20:5062", sip::make_branch(77)).from("<sip:1001@tollgate>", "a").to("<sip:tollgate>");
  const auto answer = f.send(options.call_id("o-2").cseq(1).build());
  REQUIRE(answer);
  CHECK(answer->header("Allow").find("INVITE") != std::string_view::npos);
  const std::string stray = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx\r\nFrom: <sip:a@x>;tag=1\r\n"
                            "To: <sip:b@y>;tag=2\r\nCall-ID: nobody\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  CHECK_FALSE(f.handler.on_datagram(stray, f.phone, f.clock.now()));
  CHECK(f.handler.counters().responses_ignored == 0);
  CHECK(calls.counters().stray_responses == 1);
}

TEST_CASE("illegal INVITEs with SS_REPLY_UNAUTHORIZED = 0 get silence, without illegal-call CDRs a 403 at once",
          "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  bt::invite_spec s;
  s.host = "203.0.113.9";
  SECTION("silence, and still a CDR and a report") {
    (void)f.config->parameters.set(policy::parameter::SS_REPLY_UNAUTHORIZED, 0, policy::parameter_origin::config);
    s.call_id = "silent-1";
    REQUIRE(f.feed(bt::invite_text(s), stranger));
    f.clock.advance(500ms);
    REQUIRE(f.feed(bt::invite_text(s), stranger));  // retransmitted: still nothing
    f.run_until(f.clock.now() + 1s);
    CHECK(f.sender.sent.empty());
    CHECK(f.written.size() == 1);
    CHECK(f.reports.size() == 1);
  }
  SECTION("no CDR: the 403 waits for nothing") {
    (void)f.config->parameters.set(policy::parameter::SERVER_BILLING_RECORD_ILLEGAL_CALL, 0,
                                   policy::parameter_origin::config);
    s.call_id = "unrecorded-1";
    REQUIRE(f.feed(bt::invite_text(s), stranger));
    CHECK(f.sender.take("SIP/2.0 403").size() == 1);
    CHECK(f.calls.cdrs().queued() == 0);
    CHECK(f.reports.size() == 1);
  }
}

TEST_CASE("stopping ends the calls in progress and writes their CDRs", "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  REQUIRE(f.feed(bt::invite_text(invite_from_gateway("stopping-1")), gateway_peer));
  f.sender.take();
  f.calls.terminate_all("switch stopping", f.clock.now());
  CHECK(f.sender.take("SIP/2.0 503").empty());  // held until the commit
  CHECK(f.calls.flush(f.clock.now()));
  REQUIRE(f.written.size() == 1);
  CHECK(f.written[0].disconnect_reason == "switch stopping");
  CHECK(f.sender.take("SIP/2.0 503").size() == 1);
}

TEST_CASE("an INVITE's 407 offers the caller's own digest_algorithms, other callers [switch]'s",
          "[switch][call_dispatcher]") {
  auto c = calls_config();
  c->endpoints.at(0).digest_algorithms = {"SHA-256", "MD5"};  // 1001 only
  dispatcher_fixture f(c);
  test::bind_phone(f.bindings, f.clock.now());
  bt::invite_spec s = invite_from("192.0.2.20", "sha-phone");
  REQUIRE(f.feed(bt::invite_text(s), test::phone_peer));
  auto challenge = f.sender.take("SIP/2.0 407");
  REQUIRE(challenge.size() == 1);
  auto m = bt::parse(challenge[0].text);
  auto offered = m.header_values("Proxy-Authenticate");
  REQUIRE(offered.size() == 2);
  CHECK(offered[0].find("algorithm=SHA-256") != std::string_view::npos);
  CHECK(offered[1].find("algorithm=MD5") != std::string_view::npos);

  // From a user without a list of its own, from the same bound address: MD5 alone.
  s = invite_from("192.0.2.20", "md5-phone");
  s.caller = "1002";
  s.branch = "z9hG4bKa2";  // a new transaction, not a retransmission of the first
  REQUIRE(f.feed(bt::invite_text(s), test::phone_peer));
  challenge = f.sender.take("SIP/2.0 407");
  REQUIRE(challenge.size() == 1);
  m = bt::parse(challenge[0].text);
  offered = m.header_values("Proxy-Authenticate");
  REQUIRE(offered.size() == 1);
  CHECK(offered[0].find("algorithm=MD5") != std::string_view::npos);
}

TEST_CASE("calls in progress are bounded: max_calls for all, max_calls_per_source for one, each 503 counted",
          "[switch][call_dispatcher]") {
  dispatcher_fixture f;
  f.config->sip.max_calls = 3;
  f.config->sip.max_calls_per_source = 2;
  f.config->sip.gateway_no_response_timeout = 32000ms;  // the other calls stay in progress throughout
  const auto from = [](const std::string& ip) {
    return switch_::peer{config::transport::udp, *base::ip_address::parse(ip), 5060};
  };
  const auto call = [&](const std::string& ip, const std::string& call_id) {
    REQUIRE(f.feed(bt::invite_text(invite_from(ip, call_id)), from(ip)));
  };
  call("198.51.100.7", "bound-1");
  call("198.51.100.7", "bound-2");
  CHECK(f.calls.active() == 2);
  CHECK(f.calls.active_from(*base::ip_address::parse("198.51.100.7")) == 2);
  CHECK(f.sender.take("INVITE ").size() == 2);

  call("198.51.100.7", "bound-3");  // a third from the same source
  CHECK(f.sender.take("SIP/2.0 503").size() == 1);
  CHECK(f.sender.take("INVITE ").empty());
  CHECK(f.calls.counters().overloaded_source == 1);

  call("198.51.100.6", "bound-4");  // another source of the same gateway: room
  CHECK(f.calls.active() == 3);
  const auto placed = f.sender.take("INVITE ");
  REQUIRE(placed.size() == 1);

  call("198.51.100.5", "bound-5");  // all three slots taken
  CHECK(f.sender.take("SIP/2.0 503").size() == 1);
  CHECK(f.calls.counters().overloaded == 1);
  CHECK(f.calls.counters().attempted == 3);
  CHECK(f.written.empty());  // a refused INVITE is counted, not billed

  // A call that ends gives its slot back, to any source, once its transactions are done
  // (this caller never ACKs the 503: Timer H).
  f.calls.on_transport_failed(placed[0].call, placed[0].to, f.clock.now());
  f.run_until(f.clock.now() + 20ms);
  CHECK(f.calls.active() == 3);
  f.run_until(f.clock.now() + 33s);
  CHECK(f.calls.active() == 2);
  CHECK(f.calls.active_from(*base::ip_address::parse("198.51.100.6")) == 0);
  f.sender.take();
  call("198.51.100.5", "bound-6");
  CHECK(f.sender.take("INVITE ").size() == 1);
  CHECK(f.calls.active() == 3);

  // A bigger bound on reload takes effect for the next INVITE.
  f.config->sip.max_calls = 10;
  call("198.51.100.4", "bound-7");
  CHECK(f.calls.active() == 4);
}

TEST_CASE("max_calls_per_source counts an IPv6 source by its /64 and IPv4-mapped as IPv4", "[switch][call_dispatcher]") {
  const auto ip = [](const char* text) { return *base::ip_address::parse(text); };
  CHECK(switch_::counted_source(ip("2001:db8:1:2:aaaa::1")) == ip("2001:db8:1:2::"));
  CHECK(switch_::counted_source(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")) == ip("2001:db8:1:2::"));
  CHECK(switch_::counted_source(ip("2001:db8:1:3::1")) == ip("2001:db8:1:3::"));
  CHECK(switch_::counted_source(ip("::ffff:198.51.100.7")) == ip("198.51.100.7"));
  CHECK(switch_::counted_source(ip("198.51.100.7")) == ip("198.51.100.7"));
}
