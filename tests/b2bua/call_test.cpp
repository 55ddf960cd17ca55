#include "b2bua/call.hpp"

#include <catch2/catch.hpp>

#include "sip/builder.hpp"
#include "sip/digest_client.hpp"
#include "support.hpp"

using namespace tollgate;
using namespace tollgate::b2bua;
using namespace std::chrono_literals;

namespace {

const base::timestamp t0 = base::from_unix_seconds(1764158400);
const source_address caller_src{*base::ip_address::parse("198.51.100.7"), 5060, config::transport::udp};
const destination carrier{"192.0.2.50", 5060, config::transport::udp};
const std::string b_sdp = "v=0\r\no=callee 2 2 IN IP4 192.0.2.50\r\n";

route gateway_route(bool credentials = false) {
  route r;
  r.kind = route_kind::gateway;
  r.target = "carrier-1";
  r.callee = "0044123456";
  r.request_uri = "sip:0044123456@192.0.2.50";
  r.address = carrier;
  if (credentials) {
    r.auth_username = "acct";
    r.auth_password = "pw";
  }
  return r;
}

struct fixture {
  std::uint64_t counter = 0;
  base::timestamp now = t0;
  std::optional<call> c;
  effects all;  // every effect so far
  std::vector<store::cdr_record> cdrs;
  std::vector<route> fallbacks;  // for the next start()
  base::millis no_response = 5s;  // gateway_no_response_timeout for the next start()
  source_address source = caller_src;  // for the next start()
  std::optional<config::socket_address> a_local;  // a mapping gateway's `local`, for the next start()

  effects start(const test::invite_spec& spec = {}, std::optional<route> r = gateway_route()) {
    call_options o;
    o.local_host = "192.0.2.1";
    o.random = [this] { return ++counter; };
    o.no_answer_timeout = 60s;
    o.gateway_no_response_timeout = no_response;
    call_setup s{source, "customer-a", store::billing_mode::gateway, std::move(r), fallbacks, a_local};
    c.emplace(test::parse(test::invite_text(spec)), std::move(s), std::move(o), now);
    return keep(c->start(now));
  }
  effects feed(const std::string& text) { return keep(c->on_event(message_received{test::parse(text)}, now)); }
  effects keep(effects fx) {
    for (const auto& e : fx) {
      all.push_back(e);
      if (const auto* w = std::get_if<write_cdr>(&e)) cdrs.push_back(w->record);
    }
    return fx;
  }
  /// Fires the earliest armed timer (moving the clock there); empty when none is armed.
  effects fire_next() {
    const auto& armed = c->armed_timers();
    if (armed.empty()) return {};
    auto best = armed.begin();
    for (auto it = armed.begin(); it != armed.end(); ++it) {
      if (it->second < best->second) best = it;
    }
    now = std::max(now, best->second);
    return keep(c->on_event(timer_fired{best->first}, now));
  }
  /// Fires timers until the call ends (bounded).
  void run_out() {
    for (int i = 0; i < 200 && !c->ended(); ++i) {
      if (c->armed_timers().empty()) break;
      fire_next();
    }
  }
};

// The callee's and the caller's views of the dialogs, built from what the call sent.
struct callee_side {
  sip::message invite;
  std::string tag = "btag";
  std::string respond(int status, std::string_view body = {}) const {
    return test::response_text(invite, status, tag, "192.0.2.50", body);
  }
};

}  // namespace

TEST_CASE("a call from INVITE to BYE: two dialogs, relayed answers, SDP both ways", "[b2bua][call]") {
  fixture f;
  auto fx = f.start();
  CHECK(test::only(fx, "SIP/2.0 100").call_id() == "a-call-1");
  CHECK(test::sent(fx, "SIP/2.0 100").front().to == caller_src.as_destination());
  const auto b_invites = test::sent(fx, "INVITE ");
  REQUIRE(b_invites.size() == 1);
  CHECK(b_invites.front().to == carrier);
  callee_side b{test::parse(b_invites.front().text)};
  CHECK(b.invite.request_uri_text() == "sip:0044123456@192.0.2.50");
  CHECK(b.invite.call_id() != "a-call-1");
  CHECK(b.invite.call_id() == f.c->b_call_id());
  CHECK(b.invite.from()->tag() != "ftag1");
  CHECK(b.invite.from()->address.user == "1001");
  CHECK(b.invite.top_via()->branch() != "z9hG4bKa1");
  CHECK(b.invite.max_forwards() == 69u);
  CHECK(b.invite.cseq()->number == 1);
  CHECK(b.invite.body() == test::invite_spec{}.body);
  CHECK(f.c->state() == call_state::calling);

  fx = f.feed(b.respond(100));
  CHECK(test::sent(fx, "SIP/2.0").empty());
  fx = f.feed(b.respond(180));
  const sip::message ringing = test::only(fx, "SIP/2.0 180");
  CHECK(ringing.call_id() == "a-call-1");
  const std::string a_tag(ringing.to()->tag());
  CHECK_FALSE(a_tag.empty());
  CHECK(f.c->state() == call_state::early);

  f.now += 5s;
  fx = f.feed(b.respond(200, b_sdp));
  const sip::message ok = test::only(fx, "SIP/2.0 200");
  CHECK(ok.to()->tag() == a_tag);
  CHECK(ok.body() == b_sdp);
  CHECK(ok.header("Contact") == "<sip:192.0.2.1:5060>");
  CHECK(f.c->state() == call_state::answered);
  CHECK(f.cdrs.empty());

  // The 2xx is retransmitted to A until its ACK.
  fx = f.fire_next();
  CHECK(test::sent(fx, "SIP/2.0 200").size() == 1);

  fx = f.feed(test::dialog_request("ACK", "sip:192.0.2.1:5060", "198.51.100.7", "z9hG4bKack1",
                                   "<sip:1001@198.51.100.7>;tag=ftag1", "<sip:0044123456@192.0.2.1>;tag=" + a_tag,
                                   "a-call-1", 1));
  const sip::message ack = test::only(fx, "ACK ");
  CHECK(ack.call_id() == f.c->b_call_id());
  CHECK(ack.request_uri_text() == "sip:ua@192.0.2.50");
  CHECK(ack.to()->tag() == "btag");
  CHECK(ack.cseq()->number == 1);
  CHECK(f.c->state() == call_state::confirmed);
  CHECK(f.c->armed_timers().empty());  // both INVITE transactions ended with their 2xx

  f.now += 60s;
  fx = f.feed(test::dialog_request("BYE", "sip:192.0.2.1:5060", "198.51.100.7", "z9hG4bKbye1",
                                   "<sip:1001@198.51.100.7>;tag=ftag1", "<sip:0044123456@192.0.2.1>;tag=" + a_tag,
                                   "a-call-1", 2));
  CHECK(test::only(fx, "SIP/2.0 200").cseq()->method == "BYE");
  const sip::message bye = test::only(fx, "BYE ");
  CHECK(bye.call_id() == f.c->b_call_id());
  CHECK(bye.cseq()->number == 2);
  REQUIRE(f.cdrs.size() == 1);
  CHECK(f.cdrs[0].answer_time == t0 + 5s);
  CHECK(f.cdrs[0].duration_s == 60);
  CHECK(f.cdrs[0].disconnect_code == 200);
  CHECK(f.cdrs[0].routing_gateway == "carrier-1");
  CHECK(f.cdrs[0].account == "customer-a");

  fx = f.feed(test::response_text(bye, 200, "btag", "192.0.2.50"));
  f.run_out();
  CHECK(f.c->ended());
  CHECK(f.c->armed_timers().empty());
  CHECK(test::count<call_ended>(f.all) == 1);
  CHECK(f.cdrs.size() == 1);
}

TEST_CASE("CANCEL: 200 and 487 on A, CANCEL on B once it rang", "[b2bua][call]") {
  fixture f;
  auto fx = f.start();
  callee_side b{test::parse(test::sent(fx, "INVITE ").front().text)};

  // Cancelled before B said anything: the CANCEL waits for B's provisional.
  fx = f.feed(test::dialog_request("CANCEL", "sip:0044123456@192.0.2.1", "198.51.100.7", "z9hG4bKa1",
                                   "<sip:1001@198.51.100.7>;tag=ftag1", "<sip:0044123456@192.0.2.1>", "a-call-1", 1));
  CHECK(test::only(fx, "SIP/2.0 200").cseq()->method == "CANCEL");
  CHECK(test::only(fx, "SIP/2.0 487").cseq()->method == "INVITE");
  CHECK(test::sent(fx, "CANCEL ").empty());
  REQUIRE(f.cdrs.size() == 1);
  CHECK(f.cdrs[0].disconnect_code == 487);

  fx = f.feed(b.respond(180));
  CHECK(test::sent(fx, "SIP/2.0 180").empty());
  const sip::message cancel = test::only(fx, "CANCEL ");
  CHECK(cancel.top_via()->branch() == b.invite.top_via()->branch());
  CHECK(cancel.cseq()->number == b.invite.cseq()->number);
  CHECK(cancel.to()->tag().empty());

  f.feed(test::response_text(cancel, 200, "btag", "192.0.2.50"));
  fx = f.feed(b.respond(487));
  CHECK(test::sent(fx, "ACK ").size() == 1);  // hop by hop, from the transaction
  CHECK(test::sent(fx, "SIP/2.0").empty());   // A already has its 487
  f.feed(test::dialog_request("ACK", "sip:0044123456@192.0.2.1", "198.51.100.7", "z9hG4bKa1",
                              "<sip:1001@198.51.100.7>;tag=ftag1", "<sip:0044123456@192.0.2.1>;tag=x", "a-call-1", 1));
  f.run_out();
  CHECK(f.c->ended());
  CHECK(f.cdrs.size() == 1);
}

TEST_CASE("the carrier's 407 is answered once with the gateway's credentials", "[b2bua][call]") {
  fixture f;
  auto fx = f.start({}, gateway_route(true));
  callee_side b{test::parse(test::sent(fx, "INVITE ").front().text)};
  sip::response_builder challenge(b.invite, 407);
  challenge.to_tag("btag").header("Proxy-Authenticate", "Digest realm=\"carrier\", nonce=\"abc\", qop=\"auth\"");
  fx = f.feed(challenge.build());
  CHECK(test::sent(fx, "ACK ").size() == 1);
  CHECK(test::sent(fx, "SIP/2.0").empty());
  const sip::message again = test::only(fx, "INVITE ");
  CHECK(again.cseq()->number == 2);
  CHECK(again.call_id() == b.invite.call_id());
  CHECK(again.from()->tag() == b.invite.from()->tag());
  CHECK(again.top_via()->branch() != b.invite.top_via()->branch());
  CHECK(again.header("Proxy-Authorization").find("username=\"acct\"") != std::string_view::npos);
  CHECK(again.body() == b.invite.body());

  // A second challenge is not answered again: A gets a 403.
  sip::response_builder second(again, 407);
  second.to_tag("btag2").header("Proxy-Authenticate", "Digest realm=\"carrier\", nonce=\"def\", qop=\"auth\"");
  fx = f.feed(second.build());
  CHECK(test::sent(fx, "INVITE ").empty());
  CHECK(test::sent(fx, "SIP/2.0 403").size() == 1);
  REQUIRE(f.cdrs.size() == 1);
  CHECK(f.cdrs[0].disconnect_code == 403);
}

TEST_CASE("a 401 without configured credentials is not answered", "[b2bua][call]") {
  fixture f;
  auto fx = f.start();
  callee_side b{test::parse(test::sent(fx, "INVITE ").front().text)};
  sip::response_builder challenge(b.invite, 401);
  challenge.to_tag("btag").header("WWW-Authenticate", "Digest realm=\"carrier\", nonce=\"abc\"");
  fx = f.feed(challenge.build());
  CHECK(test::sent(fx, "INVITE ").empty());
  CHECK(test::sent(fx, "SIP/2.0 403").size() == 1);
}

TEST_CASE("final failures are relayed and the call ends when its transactions do", "[b2bua][call]") {
  fixture f;
  auto fx = f.start();
  callee_side b{test::parse(test::sent(fx, "INVITE ").front().text)};
  fx = f.feed(b.respond(486));
  CHECK(test::sent(fx, "ACK ").size() == 1);
  CHECK(test::sent(fx, "SIP/2.0 486").size() == 1);
  f.run_out();  // A never ACKs: G retransmits, H ends it
  CHECK(f.c->ended());
  REQUIRE(f.cdrs.size() == 1);
  CHECK(f.cdrs[0].disconnect_code == 486);
  CHECK(test::sent(f.all, "SIP/2.0 486").size() > 1);
}

TEST_CASE("no answer from the gateway: 408 after Timer B", "[b2bua][call]") {
  fixture f;
  f.no_response = 32s;
  f.start({}, gateway_route());
  f.run_out();
  CHECK(f.c->ended());
  CHECK(test::sent(f.all, "INVITE ").size() > 5);  // Timer A retransmissions up to Timer B
  CHECK(test::sent(f.all, "SIP/2.0 408").size() >= 1);
  REQUIRE(f.cdrs.size() == 1);
  CHECK(f.cdrs[0].disconnect_code == 408);
}

TEST_CASE("ringing without answer: Timer C cancels B and answers 408", "[b2bua][call]") {
  fixture f;
  auto fx = f.start();
  callee_side b{test::parse(test::sent(fx, "INVITE ").front().text)};
  f.feed(b.respond(180));
  fx = f.fire_next();
  while (test::sent(fx, "CANCEL ").empty() && !f.c->armed_timers().empty()) fx = f.fire_next();
  CHECK(f.now >= t0 + 60s);
  CHECK(test::sent(fx, "SIP/2.0 408").size() == 1);
  f.run_out();  // the callee never answers the CANCEL either
  CHECK(f.c->ended());
  REQUIRE(f.cdrs.size() == 1);
  CHECK(f.cdrs[0].disconnect_code == 408);
}

TEST_CASE("an unreachable gateway gives 503, an unreachable endpoint 480", "[b2bua][call]") {
  for (const bool endpoint : {false, true}) {
    fixture f;
    route r = gateway_route();
    if (endpoint) r.kind = route_kind::endpoint;
    f.start({}, r);
    const auto fx = f.keep(f.c->on_event(transport_failed{leg::b}, f.now));
    CHECK(test::sent(fx, endpoint ? "SIP/2.0 480" : "SIP/2.0 503").size() == 1);
    f.run_out();
    CHECK(f.c->ended());
    REQUIRE(f.cdrs.size() == 1);
    CHECK(f.cdrs[0].disconnect_code == (endpoint ? 480 : 503));
  }
}

TEST_CASE("Max-Forwards 0 is refused with 483, no route with 404", "[b2bua][call]") {
  {
    fixture f;
    test::invite_spec s;
    s.max_forwards = 0;
    const auto fx = f.start(s);
    CHECK(test::sent(fx, "INVITE ").empty());
    CHECK(test::sent(fx, "SIP/2.0 483").size() == 1);
    f.run_out();
    CHECK(f.c->ended());
    CHECK(f.cdrs.at(0).disconnect_code == 483);
  }
  {
    fixture f;
    const auto fx = f.start({}, std::nullopt);
    CHECK(test::sent(fx, "SIP/2.0 404").size() == 1);
    f.run_out();
    CHECK(f.c->ended());
    CHECK(f.cdrs.at(0).disconnect_code == 404);
    CHECK(f.cdrs.at(0).routing_gateway.empty());
  }
}

namespace {

// A request from the caller in its confirmed dialog, whose To tag (the call's) is `a_tag`.
std::string from_caller(std::string_view method, std::string_view branch, const std::string& a_tag, unsigned cseq,
                        std::string_view body = {}) {
  return test::dialog_request(method, "sip:192.0.2.1:5060", "198.51.100.7", branch, "<sip:1001@198.51.100.7>;tag=ftag1",
                              "<sip:0044123456@192.0.2.1>;tag=" + a_tag, "a-call-1", cseq, body);
}

// Brings a call to confirmed; returns the B INVITE and A's tag.
std::pair<callee_side, std::string> confirmed(fixture& f) {
  auto fx = f.start();
  callee_side b{test::parse(test::sent(fx, "INVITE ").front().text)};
  fx = f.feed(b.respond(200, b_sdp));
  const std::string a_tag(test::only(fx, "SIP/2.0 200").to()->tag());
  f.feed(from_caller("ACK", "z9hG4bKack1", a_tag, 1));
  REQUIRE(f.c->state() == call_state::confirmed);
  return {std::move(b), a_tag};
}

}  // namespace

TEST_CASE("BYE from the callee goes to the caller in the caller's dialog", "[b2bua][call]") {
  fixture f;
  auto [b, a_tag] = confirmed(f);
  auto fx = f.feed(test::dialog_request("BYE", "sip:192.0.2.1:5060", "192.0.2.50", "z9hG4bKbb1",
                                        "<sip:0044123456@192.0.2.50>;tag=btag",
                                        std::string("<sip:1001@192.0.2.1>;tag=") + std::string(b.invite.from()->tag()),
                                        f.c->b_call_id(), 7));
  CHECK(test::only(fx, "SIP/2.0 200").call_id() == f.c->b_call_id());
  const sip::message bye = test::only(fx, "BYE ");
  CHECK(test::sent(fx, "BYE ").front().to == caller_src.as_destination());
  CHECK(bye.call_id() == "a-call-1");
  CHECK(bye.request_uri_text() == "sip:1001@198.51.100.7:5060");
  CHECK(bye.from()->tag() == a_tag);
  CHECK(bye.to()->tag() == "ftag1");
  REQUIRE(f.cdrs.size() == 1);
  CHECK(f.cdrs[0].disconnect_reason == "callee hung up");
  f.feed(test::response_text(bye, 200, "x", "198.51.100.7"));
  f.run_out();
  CHECK(f.c->ended());
}

TEST_CASE("re-INVITE and UPDATE are relayed with each leg's own CSeq", "[b2bua][call]") {
  fixture f;
  auto [b, a_tag] = confirmed(f);
  auto fx = f.feed(from_caller("INVITE", "z9hG4bKre1", a_tag, 2, "v=0\r\nhold\r\n"));
  const sip::message reinvite = test::only(fx, "INVITE ");
  CHECK(reinvite.call_id() == f.c->b_call_id());
  CHECK(reinvite.cseq()->number == 2);
  CHECK(reinvite.body() == "v=0\r\nhold\r\n");
  CHECK(reinvite.to()->tag() == "btag");

  // A concurrent request while one is relayed: 491.
  fx = f.feed(from_caller("UPDATE", "z9hG4bKup0", a_tag, 3));
  CHECK(test::sent(fx, "SIP/2.0 491").size() == 1);

  fx = f.feed(test::response_text(reinvite, 200, "btag", "192.0.2.50", "v=0\r\nheld\r\n"));
  const sip::message ok = test::only(fx, "SIP/2.0 200");
  CHECK(ok.call_id() == "a-call-1");
  CHECK(ok.cseq()->number == 2);
  CHECK(ok.body() == "v=0\r\nheld\r\n");
  fx = f.feed(from_caller("ACK", "z9hG4bKack2", a_tag, 2));
  CHECK(test::only(fx, "ACK ").cseq()->number == 2);

  // UPDATE from the callee.
  fx = f.feed(test::dialog_request("UPDATE", "sip:192.0.2.1:5060", "192.0.2.50", "z9hG4bKup1",
                                   "<sip:0044123456@192.0.2.50>;tag=btag",
                                   std::string("<sip:1001@192.0.2.1>;tag=") + std::string(b.invite.from()->tag()),
                                   f.c->b_call_id(), 10, "v=0\r\nupd\r\n"));
  const sip::message update = test::only(fx, "UPDATE ");
  CHECK(update.call_id() == "a-call-1");
  CHECK(update.cseq()->number == 1);
  CHECK(update.body() == "v=0\r\nupd\r\n");
  fx = f.feed(test::response_text(update, 200, "x", "198.51.100.7"));
  const sip::message upd_ok = test::only(fx, "SIP/2.0 200");
  CHECK(upd_ok.call_id() == f.c->b_call_id());
  CHECK(upd_ok.cseq()->number == 10);
  CHECK(f.cdrs.empty());
}

TEST_CASE("Max-Forwards is decremented on relays and 483 at zero", "[b2bua][call]") {
  fixture f;
  auto [b, a_tag] = confirmed(f);
  std::string text = test::dialog_request("INFO", "sip:192.0.2.1:5060", "198.51.100.7", "z9hG4bKi1",
                                          "<sip:1001@198.51.100.7>;tag=ftag1",
                                          "<sip:0044123456@192.0.2.1>;tag=" + a_tag, "a-call-1", 2);
  text.replace(text.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
  auto fx = f.feed(text);
  CHECK(test::sent(fx, "SIP/2.0 483").size() == 1);
  CHECK(test::sent(fx, "INFO ").empty());
}

TEST_CASE("a 2xx never ACKed ends the call with BYEs", "[b2bua][call]") {
  fixture f;
  auto fx = f.start();
  callee_side b{test::parse(test::sent(fx, "INVITE ").front().text)};
  f.feed(b.respond(200, b_sdp));
  for (int i = 0; i < 50 && test::sent(f.all, "BYE ").empty(); ++i) f.fire_next();
  CHECK(test::sent(f.all, "SIP/2.0 200").size() > 5);
  CHECK(test::sent(f.all, "BYE ").size() == 2);
  f.run_out();
  CHECK(f.c->ended());
  REQUIRE(f.cdrs.size() == 1);
  CHECK(f.cdrs[0].disconnect_code == 408);
}

TEST_CASE("terminate: an answered call gets a BYE on both legs, a ringing one 503 and a CANCEL", "[b2bua][call]") {
  SECTION("answered") {
    fixture f;
    callee_side b{test::parse(test::sent(f.start(), "INVITE ").front().text)};
    f.now += 2s;
    const auto ok = test::only(f.feed(b.respond(200, b_sdp)), "SIP/2.0 200");
    f.feed(test::dialog_request("ACK", "sip:192.0.2.1:5060", "198.51.100.7", "z9hG4bKack1",
                                "<sip:1001@198.51.100.7>;tag=ftag1",
                                "<sip:0044123456@192.0.2.1>;tag=" + std::string(ok.to()->tag()), "a-call-1", 1));
    f.now += 7s;
    const auto fx = f.keep(f.c->terminate("switch stopping", f.now));
    const auto byes = test::sent(fx, "BYE ");
    REQUIRE(byes.size() == 2);
    CHECK(byes[0].to == caller_src.as_destination());
    CHECK(byes[1].to == carrier);
    REQUIRE(f.cdrs.size() == 1);
    CHECK(f.cdrs[0].duration_s == 7);
    CHECK(f.cdrs[0].disconnect_code == 503);
    CHECK(f.cdrs[0].disconnect_reason == "switch stopping");
    CHECK(f.c->terminate("again", f.now).empty());  // the outcome is known: nothing more
    f.run_out();
    CHECK(f.c->ended());
  }
  SECTION("ringing") {
    fixture f;
    callee_side b{test::parse(test::sent(f.start(), "INVITE ").front().text)};
    f.feed(b.respond(180));
    const auto fx = f.keep(f.c->terminate("switch stopping", f.now));
    CHECK(test::only(fx, "SIP/2.0 503").call_id() == "a-call-1");
    CHECK(test::only(fx, "CANCEL ").call_id() == f.c->b_call_id());
    REQUIRE(f.cdrs.size() == 1);
    CHECK(f.cdrs[0].disconnect_code == 503);
    CHECK_FALSE(f.cdrs[0].answer_time);
  }
}

TEST_CASE("a retransmitted BYE gets its 200 again, not a 481, and no second CDR or BYE", "[b2bua][call]") {
  fixture f;
  callee_side b{test::parse(test::sent(f.start(), "INVITE ").front().text)};
  const auto ok = test::only(f.feed(b.respond(200, b_sdp)), "SIP/2.0 200");
  const std::string to = "<sip:0044123456@192.0.2.1>;tag=" + std::string(ok.to()->tag());
  f.feed(test::dialog_request("ACK", "sip:192.0.2.1:5060", "198.51.100.7", "z9hG4bKack1",
                              "<sip:1001@198.51.100.7>;tag=ftag1", to, "a-call-1", 1));
  const std::string bye = test::dialog_request("BYE", "sip:192.0.2.1:5060", "198.51.100.7", "z9hG4bKbye1",
                                               "<sip:1001@198.51.100.7>;tag=ftag1", to, "a-call-1", 2);
  auto fx = f.feed(bye);
  CHECK(test::only(fx, "SIP/2.0 200").cseq()->method == "BYE");
  CHECK(test::sent(fx, "BYE ").size() == 1);
  f.now += 500ms;
  fx = f.feed(bye);
  CHECK(test::only(fx, "SIP/2.0 200").cseq()->method == "BYE");
  CHECK(test::sent(fx, "SIP/2.0 481").empty());
  CHECK(test::sent(fx, "BYE ").empty());
  CHECK(f.cdrs.size() == 1);
}

TEST_CASE("a re-INVITE from the callee: its retransmission gets our 200 again, its ACK goes on to the caller",
          "[b2bua][call]") {
  fixture f;
  auto [b, a_tag] = confirmed(f);
  const std::string from_b = "<sip:0044123456@192.0.2.50>;tag=btag";
  const std::string to_b = std::string("<sip:1001@192.0.2.1>;tag=") + std::string(b.invite.from()->tag());
  const std::string reinvite_text = test::dialog_request("INVITE", "sip:192.0.2.1:5060", "192.0.2.50", "z9hG4bKbre",
                                                         from_b, to_b, f.c->b_call_id(), 11, "v=0\r\nmoved\r\n");
  auto fx = f.feed(reinvite_text);
  const sip::message to_a = test::only(fx, "INVITE ");
  CHECK(to_a.call_id() == "a-call-1");
  CHECK(to_a.request_uri_text() == "sip:1001@198.51.100.7:5060");
  CHECK(to_a.body() == "v=0\r\nmoved\r\n");
  fx = f.feed(test::response_text(to_a, 200, "ftag1", "198.51.100.7", "v=0\r\nok\r\n"));
  const sip::message ok = test::only(fx, "SIP/2.0 200");
  CHECK(ok.call_id() == f.c->b_call_id());
  CHECK(ok.cseq()->number == 11);
  CHECK(ok.body() == "v=0\r\nok\r\n");
  // The caller's 200 is ACKed only when the callee ACKs ours (end to end).
  CHECK(test::sent(fx, "ACK ").empty());

  fx = f.feed(reinvite_text);  // our 200 was lost
  CHECK(test::sent(fx, "INVITE ").empty());
  CHECK(test::only(fx, "SIP/2.0 200").cseq()->number == 11);

  fx = f.feed(test::dialog_request("ACK", "sip:192.0.2.1:5060", "192.0.2.50", "z9hG4bKback", from_b, to_b,
                                   f.c->b_call_id(), 11));
  const sip::message ack = test::only(fx, "ACK ");
  CHECK(ack.call_id() == "a-call-1");
  CHECK(ack.cseq()->number == to_a.cseq()->number);
  CHECK(test::sent(fx, "SIP/2.0").empty());
  CHECK(f.cdrs.empty());
}

TEST_CASE("a re-INVITE refused by the other side: the refusal is relayed and its ACK absorbed hop by hop",
          "[b2bua][call]") {
  fixture f;
  auto [b, a_tag] = confirmed(f);
  auto fx = f.feed(from_caller("INVITE", "z9hG4bKre1", a_tag, 2, "v=0\r\nvideo\r\n"));
  const sip::message reinvite = test::only(fx, "INVITE ");
  fx = f.feed(test::response_text(reinvite, 488, "btag", "192.0.2.50"));
  CHECK(test::only(fx, "SIP/2.0 488").call_id() == "a-call-1");
  CHECK(test::only(fx, "ACK ").call_id() == f.c->b_call_id());  // B's client transaction ACKs
  fx = f.feed(from_caller("ACK", "z9hG4bKre1", a_tag, 2));
  CHECK(test::sent(fx, "ACK ").empty());
  CHECK(test::sent(fx, "SIP/2.0").empty());
  // No 488 retransmission after the ACK: timers only for the absorbed retransmissions (Timer I).
  for (int i = 0; i < 20 && !f.c->armed_timers().empty(); ++i) {
    CHECK(test::sent(f.fire_next(), "SIP/2.0 488").empty());
  }
  CHECK(f.c->state() == call_state::confirmed);
  CHECK(f.cdrs.empty());
}

TEST_CASE("our own B leg INVITE coming back (a routing loop) is refused 482, and the caller gets it with a CDR",
          "[b2bua][call]") {
  fixture f;
  auto fx = f.start();
  const auto sent_invite = test::sent(fx, "INVITE ");
  REQUIRE(sent_invite.size() == 1);
  fx = f.feed(sent_invite.front().text);  // the same INVITE, received back
  const sip::message loop = test::only(fx, "SIP/2.0 482");
  CHECK(loop.call_id() == f.c->b_call_id());
  CHECK(test::sent(fx, "INVITE ").empty());
  fx = f.feed(sip::response_builder(test::parse(sent_invite.front().text), 482).build());
  CHECK(test::only(fx, "SIP/2.0 482").call_id() == "a-call-1");
  REQUIRE(f.cdrs.size() == 1);
  CHECK(f.cdrs[0].disconnect_code == 482);
  f.run_out();
  CHECK(f.c->ended());
}

TEST_CASE("an unreachable or 503 gateway fails over to the next route, but not after a provisional",
          "[b2bua][call]") {
  const destination second{"192.0.2.60", 5070, config::transport::udp};
  route next = gateway_route();
  next.target = "carrier-2";
  next.request_uri = "sip:0044123456@192.0.2.60:5070";
  next.address = second;
  SECTION("transport failure, then answered by the second gateway") {
    fixture f;
    f.fallbacks = {next};
    auto fx = f.start();
    const sip::message first = test::only(fx, "INVITE ");
    fx = f.keep(f.c->on_event(transport_failed{leg::b}, f.now));
    CHECK(test::sent(fx, "SIP/2.0 5").empty());
    const auto retried = test::sent(fx, "INVITE ");
    REQUIRE(retried.size() == 1);
    CHECK(retried[0].to == second);
    const sip::message invite = test::parse(retried[0].text);
    CHECK(invite.request_uri_text() == "sip:0044123456@192.0.2.60:5070");
    CHECK(invite.call_id() == first.call_id());
    CHECK(invite.cseq()->number > first.cseq()->number);
    CHECK(invite.top_via()->branch() != first.top_via()->branch());
    fx = f.feed(test::response_text(invite, 200, "b2tag", "192.0.2.60", "v=0\r\n"));
    CHECK(test::only(fx, "SIP/2.0 200").call_id() == "a-call-1");
    CHECK(test::sent(fx, "ACK ").empty());  // the caller's ACK goes on end to end
    CHECK(f.c->cdr().routing_gateway == "carrier-2");
  }
  SECTION("503 without a provisional: the next gateway; 503 from the last one goes to the caller") {
    fixture f;
    f.fallbacks = {next};
    auto fx = f.start();
    const sip::message first = test::only(fx, "INVITE ");
    fx = f.feed(test::response_text(first, 503, "b1tag", "192.0.2.50"));
    CHECK(test::only(fx, "ACK ").call_id() == first.call_id());
    CHECK(test::sent(fx, "SIP/2.0 503").empty());
    const auto retried = test::sent(fx, "INVITE ");
    REQUIRE(retried.size() == 1);
    CHECK(retried[0].to == second);
    fx = f.feed(test::response_text(test::parse(retried[0].text), 503, "b2tag", "192.0.2.60"));
    CHECK(test::sent(fx, "SIP/2.0 503").size() == 1);
    CHECK(test::sent(fx, "INVITE ").empty());
    f.run_out();
    CHECK(f.c->ended());
    REQUIRE(f.cdrs.size() == 1);
    CHECK(f.cdrs[0].disconnect_code == 503);
    CHECK(f.cdrs[0].routing_gateway == "carrier-2");
  }
  SECTION("a gateway that rang is not replaced: its 503 goes to the caller") {
    fixture f;
    f.fallbacks = {next};
    auto fx = f.start();
    const sip::message first = test::only(fx, "INVITE ");
    f.feed(test::response_text(first, 180, "b1tag", "192.0.2.50"));
    fx = f.feed(test::response_text(first, 503, "b1tag", "192.0.2.50"));
    CHECK(test::sent(fx, "SIP/2.0 503").size() == 1);
    CHECK(test::sent(fx, "INVITE ").empty());
  }
}

TEST_CASE("Record-Route on either leg becomes that leg's route set (RFC 3261 §12.1)", "[b2bua][call]") {
  fixture f;
  test::invite_spec spec;
  spec.extra = "Record-Route: <sip:p2.example.net;lr>, <sip:p1.example.net;lr>\r\n";
  auto fx = f.start(spec);
  callee_side b{test::parse(test::sent(fx, "INVITE ").front().text)};
  CHECK(b.invite.header_values("Route").empty());  // the B leg INVITE carries none of A's routes
  std::string ok = b.respond(200, b_sdp);
  ok.insert(ok.find("Call-ID:"), "Record-Route: <sip:c1.example.com;lr>\r\nRecord-Route: <sip:c2.example.com;lr>\r\n");
  fx = f.feed(ok);
  // The caller's 200 returns A's Record-Route as received (the caller builds its route set).
  const sip::message a_ok = test::only(fx, "SIP/2.0 200");
  REQUIRE(a_ok.record_routes());
  REQUIRE(a_ok.record_routes()->size() == 2);
  CHECK(a_ok.record_routes()->at(0).address.text == "sip:p2.example.net;lr");
  const std::string a_tag(a_ok.to()->tag());
  fx = f.feed(test::dialog_request("ACK", "sip:192.0.2.1:5060", "198.51.100.7", "z9hG4bKack1",
                                   "<sip:1001@198.51.100.7>;tag=ftag1", "<sip:0044123456@192.0.2.1>;tag=" + a_tag,
                                   "a-call-1", 1));
  // The ACK on B: B's route set, the 2xx's Record-Route reversed (we are its UAC).
  const sip::message ack = test::only(fx, "ACK ");
  REQUIRE(ack.routes());
  REQUIRE(ack.routes()->size() == 2);
  CHECK(ack.routes()->at(0).address.text == "sip:c2.example.com;lr");
  CHECK(ack.routes()->at(1).address.text == "sip:c1.example.com;lr");

  // The callee hangs up: the BYE to A follows A's route set in order (we are its UAS).
  fx = f.feed(test::dialog_request("BYE", "sip:192.0.2.1:5060", "192.0.2.50", "z9hG4bKbb1",
                                   "<sip:0044123456@192.0.2.50>;tag=btag",
                                   std::string("<sip:1001@192.0.2.1>;tag=") + std::string(b.invite.from()->tag()),
                                   f.c->b_call_id(), 7));
  const sip::message bye = test::only(fx, "BYE ");
  CHECK(bye.call_id() == "a-call-1");
  REQUIRE(bye.routes());
  REQUIRE(bye.routes()->size() == 2);
  CHECK(bye.routes()->at(0).address.text == "sip:p2.example.net;lr");
  CHECK(bye.routes()->at(1).address.text == "sip:p1.example.net;lr");
}

TEST_CASE("a gateway that sends nothing, not even 100, is given up after gateway_no_response_timeout",
          "[b2bua][call]") {
  const destination second{"192.0.2.60", 5070, config::transport::udp};
  route next = gateway_route();
  next.target = "carrier-2";
  next.request_uri = "sip:0044123456@192.0.2.60:5070";
  next.address = second;
  // Fires timers until an effect sends a message starting with `prefix` (bounded).
  const auto fire_until = [](fixture& f, std::string_view prefix) {
    effects fx;
    for (int i = 0; i < 50 && test::sent(fx, prefix).empty() && !f.c->armed_timers().empty(); ++i) fx = f.fire_next();
    return fx;
  };
  SECTION("silence: the next gateway after the timeout, no CANCEL, and it answers") {
    fixture f;
    f.fallbacks = {next};
    auto fx = f.start();
    const sip::message first = test::only(fx, "INVITE ");
    fx = fire_until(f, "INVITE sip:0044123456@192.0.2.60");
    CHECK(f.now == t0 + 5s);
    const auto retried = test::sent(fx, "INVITE ");
    REQUIRE(retried.size() == 1);
    CHECK(retried[0].to == second);
    CHECK(test::sent(f.all, "CANCEL ").empty());
    CHECK(test::sent(f.all, "SIP/2.0 408").empty());
    const sip::message invite = test::parse(retried[0].text);
    CHECK(invite.call_id() == first.call_id());
    CHECK(invite.cseq()->number > first.cseq()->number);
    // The abandoned transaction is stopped: no more retransmissions to the first gateway.
    const auto to_first = [&] {
      std::size_t n = 0;
      for (const auto& m : test::sent(f.all, "INVITE ")) n += m.to == carrier ? 1 : 0;
      return n;
    };
    const std::size_t first_count = to_first();
    CHECK(first_count == 4);  // sent at 0, 0.5, 1.5 and 3.5 s (Timer A), then given up
    fx = f.fire_next();  // Timer A of the second INVITE
    CHECK(f.now == t0 + 5500ms);
    CHECK(test::only(fx, "INVITE ").call_id() == first.call_id());
    CHECK(test::sent(fx, "INVITE ")[0].to == second);
    CHECK(to_first() == first_count);
    fx = f.feed(test::response_text(invite, 200, "b2tag", "192.0.2.60", "v=0\r\n"));
    CHECK(test::only(fx, "SIP/2.0 200").call_id() == "a-call-1");
    CHECK(f.c->cdr().routing_gateway == "carrier-2");
    CHECK(f.c->b_peer() == second);

    // The first gateway wakes up: its 180 is ignored, its 200 ACKed and hung up there.
    fx = f.feed(test::response_text(first, 180, "b1tag", "192.0.2.50"));
    CHECK(test::all<send_message>(fx).empty());
    fx = f.feed(test::response_text(first, 200, "b1tag", "192.0.2.50", "v=0\r\n"));
    const auto acks = test::sent(fx, "ACK ");
    const auto byes = test::sent(fx, "BYE ");
    REQUIRE(acks.size() == 1);
    REQUIRE(byes.size() == 1);
    CHECK(acks[0].to == carrier);
    CHECK(byes[0].to == carrier);
    const sip::message ack = test::parse(acks[0].text);
    const sip::message bye = test::parse(byes[0].text);
    CHECK(ack.cseq()->number == first.cseq()->number);
    CHECK(ack.to()->tag() == "b1tag");
    CHECK(bye.to()->tag() == "b1tag");
    CHECK(bye.call_id() == first.call_id());
    CHECK(bye.cseq()->number > first.cseq()->number);
    CHECK(bye.request_uri_text() == "sip:ua@192.0.2.50");
    CHECK(test::sent(fx, "SIP/2.0").empty());  // nothing towards the caller
    // Its 200 retransmitted: ACKed again, no second BYE.
    fx = f.feed(test::response_text(first, 200, "b1tag", "192.0.2.50", "v=0\r\n"));
    CHECK(test::sent(fx, "ACK ").size() == 1);
    CHECK(test::sent(fx, "BYE ").empty());
    CHECK(f.c->state() == call_state::answered);
  }
  SECTION("a 100 Trying before the timeout disarms it: Timer C decides") {
    fixture f;
    f.fallbacks = {next};
    auto fx = f.start();
    const sip::message first = test::only(fx, "INVITE ");
    f.now = t0 + 4s;
    f.feed(test::response_text(first, 100, "", "192.0.2.50"));
    fx = fire_until(f, "CANCEL ");
    CHECK(f.now >= t0 + 60s);
    CHECK(test::sent(fx, "SIP/2.0 408").size() == 1);
    for (const auto& m : test::sent(f.all, "INVITE ")) CHECK(m.to == carrier);
    CHECK(f.c->cdr().routing_gateway == "carrier-1");
  }
  SECTION("the last route silent too: 408 to the caller, CDR 408 naming it") {
    fixture f;
    f.fallbacks = {next};
    f.start();
    fire_until(f, "INVITE sip:0044123456@192.0.2.60");
    REQUIRE(f.now == t0 + 5s);
    auto fx = fire_until(f, "SIP/2.0 408");
    CHECK(f.now == t0 + 10s);
    CHECK(test::sent(fx, "SIP/2.0 408").size() == 1);
    CHECK(test::sent(f.all, "CANCEL ").empty());
    f.run_out();
    CHECK(f.c->ended());
    REQUIRE(f.cdrs.size() == 1);
    CHECK(f.cdrs[0].disconnect_code == 408);
    CHECK(f.cdrs[0].routing_gateway == "carrier-2");
  }
  SECTION("the caller cancels first: the silent attempt is dropped and the call ends without Timer B") {
    fixture f;
    f.fallbacks = {next};
    auto fx = f.start();
    fx = f.feed(test::dialog_request("CANCEL", "sip:0044123456@192.0.2.1", "198.51.100.7", "z9hG4bKa1",
                                     "<sip:1001@198.51.100.7>;tag=ftag1", "<sip:0044123456@192.0.2.1>", "a-call-1", 1));
    CHECK(test::sent(fx, "SIP/2.0 487").size() == 1);
    f.run_out();
    CHECK(f.c->ended());
    // Retransmitted by Timer A until the timeout (0, 0.5, 1.5, 3.5 s), not on to Timer B.
    const auto invites = test::sent(f.all, "INVITE ");
    CHECK(invites.size() == 4);
    for (const auto& m : invites) CHECK(m.to == carrier);
    CHECK(test::sent(f.all, "CANCEL ").empty());
  }
  SECTION("a registered endpoint has no such timeout: Timer B") {
    fixture f;
    route r = gateway_route();
    r.kind = route_kind::endpoint;
    f.start({}, r);
    auto fx = fire_until(f, "SIP/2.0 408");
    CHECK(f.now >= t0 + 32s);
  }
}

TEST_CASE("each leg speaks from its own address: B's Via and Contact name B's local, the caller is answered from "
          "where its INVITE arrived, a pinned A local carries A's requests and Contact",
          "[b2bua][call]") {
  const config::socket_address internet{*base::ip_address::parse("203.0.113.1"), 5060};
  const config::socket_address carrier_side{*base::ip_address::parse("198.51.100.1"), 5060};
  const config::socket_address other_carrier_side{*base::ip_address::parse("192.0.2.1"), 5080};
  fixture f;
  f.source.local = internet;
  route r = gateway_route();
  r.address.local = carrier_side;
  SECTION("unpinned: everything on A from the INVITE's address, everything on B from B's") {
    auto fx = f.start({}, r);
    const auto trying = test::sent(fx, "SIP/2.0 100");
    REQUIRE(trying.size() == 1);
    CHECK(trying[0].to.local == internet);
    const auto invites = test::sent(fx, "INVITE ");
    REQUIRE(invites.size() == 1);
    CHECK(invites[0].to.local == carrier_side);
    callee_side b{test::parse(invites[0].text)};
    const sip::message& invite = b.invite;
    CHECK(invite.top_via()->host == "198.51.100.1");
    CHECK(invite.top_via()->port_or_default() == 5060);
    CHECK(invite.header("Contact") == "<sip:198.51.100.1:5060>");
    fx = f.feed(b.respond(200, b_sdp));
    const auto ok = test::sent(fx, "SIP/2.0 200");
    REQUIRE(ok.size() == 1);
    CHECK(ok[0].to.local == internet);
    CHECK(test::parse(ok[0].text).header("Contact") == "<sip:203.0.113.1:5060>");
    fx = f.fire_next();  // the 2xx retransmitted until the caller's ACK: from the same address
    for (const auto& m : test::sent(fx, "SIP/2.0 200")) CHECK(m.to.local == internet);
    const std::string a_tag(test::parse(ok[0].text).to()->tag());
    f.feed(from_caller("ACK", "z9hG4bKack1", a_tag, 1));
    fx = f.feed(test::dialog_request("BYE", "sip:198.51.100.1:5060", "192.0.2.50", "z9hG4bKbb1",
                                     "<sip:0044123456@192.0.2.50>;tag=btag",
                                     std::string("<sip:1001@198.51.100.1>;tag=") + std::string(invite.from()->tag()),
                                     f.c->b_call_id(), 7));
    const auto byes = test::sent(fx, "BYE ");
    REQUIRE(byes.size() == 1);
    CHECK(byes[0].to.local == internet);
    CHECK(test::parse(byes[0].text).top_via()->host == "203.0.113.1");
    const auto answered = test::sent(fx, "SIP/2.0 200");
    REQUIRE(answered.size() == 1);
    CHECK(answered[0].to.local == carrier_side);
  }
  SECTION("a mapping gateway's local: A's requests and Contact use it, the INVITE's answers do not") {
    f.a_local = other_carrier_side;
    auto fx = f.start({}, r);
    callee_side b{test::parse(test::sent(fx, "INVITE ").front().text)};
    fx = f.feed(b.respond(200, b_sdp));
    const auto ok = test::sent(fx, "SIP/2.0 200");
    REQUIRE(ok.size() == 1);
    CHECK(ok[0].to.local == internet);
    CHECK(test::parse(ok[0].text).header("Contact") == "<sip:192.0.2.1:5080>");
    f.feed(from_caller("ACK", "z9hG4bKack1", std::string(test::parse(ok[0].text).to()->tag()), 1));
    fx = f.keep(f.c->terminate("stopping", f.now));  // a BYE on both legs
    std::vector<send_message> to_caller;
    for (const auto& m : test::sent(fx, "BYE ")) {
      if (test::parse(m.text).call_id() == "a-call-1") to_caller.push_back(m);
    }
    REQUIRE(to_caller.size() == 1);
    CHECK(to_caller[0].to.local == other_carrier_side);
    CHECK(test::parse(to_caller[0].text).top_via()->host == "192.0.2.1");
  }
  SECTION("a fallback route reached from another address: the retried INVITE names that one") {
    route next = gateway_route();
    next.target = "carrier-2";
    next.address = {"192.0.2.60", 5070, config::transport::udp, other_carrier_side};
    f.fallbacks = {next};
    f.start({}, r);
    const auto fx = f.keep(f.c->on_event(transport_failed{leg::b}, f.now));
    const auto retried = test::sent(fx, "INVITE ");
    REQUIRE(retried.size() == 1);
    CHECK(retried[0].to.local == other_carrier_side);
    const sip::message invite = test::parse(retried[0].text);
    CHECK(invite.top_via()->host == "192.0.2.1");
    CHECK(invite.top_via()->port_or_default() == 5080);
    CHECK(invite.header("Contact") == "<sip:192.0.2.1:5080>");
  }
}
