#include "sip/client_transaction.hpp"

#include <catch2/catch.hpp>

#include <vector>

#include "transaction_test_support.hpp"

using namespace tollgate;
using namespace tollgate::sip;
using namespace tollgate::sip::test;
using namespace std::chrono_literals;

namespace {

const base::timestamp t0{base::millis{1764158400000}};

ack_fields invite_fields() {
  ack_fields f;
  f.request_uri = "sip:bob@198.51.100.20";
  f.via = "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport";
  f.from = "<sip:alice@192.0.2.1>;tag=f1";
  f.call_id = "call-1@192.0.2.1";
  f.cseq = 7;
  f.routes = {"<sip:proxy.example;lr>"};
  return f;
}

// Fires every timer as it comes due until `until`, collecting the times of sent requests.
std::vector<base::millis> run_timers(client_transaction& tx, base::timestamp until, termination_reason* reason) {
  std::vector<base::millis> sends;
  while (!tx.terminated()) {
    const base::timestamp next = tx.timers().next_deadline();
    if (next > until) break;
    for (std::size_t i = 0; i < timer_count; ++i) {
      const auto out = tx.on_timer(static_cast<timer_id>(i), next);
      if (count<send_request>(out) > 0) sends.push_back(next - t0);
      if (const auto* e = ended(out); e != nullptr && reason != nullptr) *reason = e->reason;
    }
  }
  return sends;
}

}  // namespace

TEST_CASE("client INVITE: Timer A doubles, Timer B times out", "[sip][client_transaction]") {
  auto tx = client_transaction::invite(timer_config{}, transport_kind::unreliable, invite_fields());
  CHECK(tx.state() == client_state::calling);
  const auto out = tx.start(t0);
  CHECK(count<send_request>(out) == 1);
  REQUIRE(armed(out, timer_id::A));
  CHECK(armed(out, timer_id::A)->at == t0 + 500ms);
  REQUIRE(armed(out, timer_id::B));
  CHECK(armed(out, timer_id::B)->at == t0 + 32s);
  CHECK(tx.on_timer(timer_id::A, t0 + 499ms).empty());  // early: ignored
  termination_reason reason = termination_reason::completed;
  const auto sends = run_timers(tx, t0 + 1h, &reason);
  // 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s: uncapped doubling, then B at 32 s.
  CHECK(sends == std::vector<base::millis>{500ms, 1500ms, 3500ms, 7500ms, 15500ms, 31500ms});
  CHECK(tx.terminated());
  CHECK(reason == termination_reason::timeout);
  CHECK(tx.on_response(200, "", t0 + 40s).empty());
}

TEST_CASE("client INVITE: provisional, then 2xx ends the transaction", "[sip][client_transaction]") {
  auto tx = client_transaction::invite(timer_config{}, transport_kind::unreliable, invite_fields());
  tx.start(t0);
  auto out = tx.on_response(180, "<sip:bob@x>;tag=b1", t0 + 100ms);
  CHECK(tx.state() == client_state::proceeding);
  REQUIRE(first<deliver_response>(out));
  CHECK(first<deliver_response>(out)->status == 180);
  CHECK(cancelled(out, timer_id::A));
  CHECK(cancelled(out, timer_id::B));
  CHECK(tx.on_timer(timer_id::A, t0 + 1s).empty());  // stale
  CHECK(count<deliver_response>(tx.on_response(183, "", t0 + 2s)) == 1);
  out = tx.on_response(200, "<sip:bob@x>;tag=b1", t0 + 5s);
  CHECK(first<deliver_response>(out)->status == 200);
  CHECK(count<send_ack>(out) == 0);  // the TU ACKs a 2xx
  REQUIRE(ended(out));
  CHECK(ended(out)->reason == termination_reason::completed);
}

TEST_CASE("client INVITE: non-2xx final is ACKed, retransmissions re-ACKed, Timer D ends", "[sip][client_transaction]") {
  auto tx = client_transaction::invite(timer_config{}, transport_kind::unreliable, invite_fields());
  tx.start(t0);
  auto out = tx.on_response(486, "<sip:bob@198.51.100.20>;tag=b9", t0 + 1s);
  CHECK(tx.state() == client_state::completed);
  CHECK(count<send_ack>(out) == 1);
  CHECK(first<deliver_response>(out)->status == 486);
  REQUIRE(armed(out, timer_id::D));
  CHECK(armed(out, timer_id::D)->at == t0 + 33s);
  CHECK(tx.ack_text() ==
        "ACK sip:bob@198.51.100.20 SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport\r\n"
        "Route: <sip:proxy.example;lr>\r\n"
        "Max-Forwards: 70\r\n"
        "From: <sip:alice@192.0.2.1>;tag=f1\r\n"
        "To: <sip:bob@198.51.100.20>;tag=b9\r\n"
        "Call-ID: call-1@192.0.2.1\r\n"
        "CSeq: 7 ACK\r\n"
        "Content-Length: 0\r\n\r\n");
  out = tx.on_response(486, "<sip:bob@198.51.100.20>;tag=b9", t0 + 2s);
  CHECK(count<send_ack>(out) == 1);
  CHECK(count<deliver_response>(out) == 0);
  CHECK(tx.on_timer(timer_id::D, t0 + 32s).empty());
  out = tx.on_timer(timer_id::D, t0 + 33s);
  REQUIRE(ended(out));
  CHECK(ended(out)->reason == termination_reason::completed);
}

TEST_CASE("client INVITE over a reliable transport: no A, D is zero", "[sip][client_transaction]") {
  auto tx = client_transaction::invite(timer_config{}, transport_kind::reliable, invite_fields());
  auto out = tx.start(t0);
  CHECK_FALSE(armed(out, timer_id::A));
  CHECK(armed(out, timer_id::B));
  out = tx.on_response(503, "<sip:bob@x>;tag=z", t0 + 1s);
  CHECK(count<send_ack>(out) == 1);
  REQUIRE(ended(out));
  CHECK(tx.terminated());
}

TEST_CASE("client transactions end on transport errors", "[sip][client_transaction]") {
  auto tx = client_transaction::invite(timer_config{}, transport_kind::unreliable, invite_fields());
  tx.start(t0);
  auto out = tx.on_transport_error(t0);
  REQUIRE(ended(out));
  CHECK(ended(out)->reason == termination_reason::transport_error);
  CHECK(cancelled(out, timer_id::A));
  CHECK(tx.on_transport_error(t0).empty());
  auto nit = client_transaction::non_invite(timer_config{}, transport_kind::reliable);
  nit.start(t0);
  CHECK(ended(nit.on_transport_error(t0))->reason == termination_reason::transport_error);
}

TEST_CASE("client non-INVITE: Timer E doubles up to T2, Timer F times out", "[sip][client_transaction]") {
  auto tx = client_transaction::non_invite(timer_config{}, transport_kind::unreliable);
  CHECK(tx.state() == client_state::trying);
  const auto out = tx.start(t0);
  CHECK(armed(out, timer_id::E)->at == t0 + 500ms);
  CHECK(armed(out, timer_id::F)->at == t0 + 32s);
  termination_reason reason = termination_reason::completed;
  const auto sends = run_timers(tx, t0 + 1h, &reason);
  // Intervals 0.5, 1, 2, 4, 4, 4 ... s.
  std::vector<base::millis> expected{500ms, 1500ms, 3500ms, 7500ms};
  for (base::millis at = 11500ms; at < 32s; at += 4s) expected.push_back(at);
  CHECK(sends == expected);
  CHECK(reason == termination_reason::timeout);
}

TEST_CASE("client non-INVITE: in proceeding E is T2, final response, then Timer K", "[sip][client_transaction]") {
  auto tx = client_transaction::non_invite(timer_config{}, transport_kind::unreliable);
  tx.start(t0);
  auto out = tx.on_timer(timer_id::E, t0 + 500ms);
  CHECK(armed(out, timer_id::E)->at == t0 + 1500ms);
  out = tx.on_response(100, "", t0 + 600ms);
  CHECK(tx.state() == client_state::proceeding);
  CHECK(first<deliver_response>(out)->status == 100);
  out = tx.on_timer(timer_id::E, t0 + 1500ms);
  CHECK(count<send_request>(out) == 1);
  CHECK(armed(out, timer_id::E)->at == t0 + 5500ms);
  out = tx.on_response(200, "", t0 + 2s);
  CHECK(tx.state() == client_state::completed);
  CHECK(first<deliver_response>(out)->status == 200);
  CHECK(cancelled(out, timer_id::E));
  CHECK(cancelled(out, timer_id::F));
  CHECK(armed(out, timer_id::K)->at == t0 + 7s);
  CHECK(tx.on_response(200, "", t0 + 3s).empty());  // absorbed
  CHECK(tx.on_response(99, "", t0 + 3s).empty());
  out = tx.on_timer(timer_id::K, t0 + 7s);
  CHECK(ended(out)->reason == termination_reason::completed);
  CHECK(to_string(tx.state()) == "terminated");
}

TEST_CASE("client non-INVITE over a reliable transport: no E, K is zero", "[sip][client_transaction]") {
  auto tx = client_transaction::non_invite(timer_config{}, transport_kind::reliable);
  auto out = tx.start(t0);
  CHECK_FALSE(armed(out, timer_id::E));
  out = tx.on_response(404, "", t0 + 1s);
  CHECK(first<deliver_response>(out)->status == 404);
  CHECK(ended(out)->reason == termination_reason::completed);
}
