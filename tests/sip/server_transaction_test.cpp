#include "sip/server_transaction.hpp"

#include <catch2/catch.hpp>

#include <vector>

#include "transaction_test_support.hpp"

using namespace tollgate;
using namespace tollgate::sip;
using namespace tollgate::sip::test;
using namespace std::chrono_literals;

namespace {
const base::timestamp t0{base::millis{1764158400000}};
}

TEST_CASE("server INVITE: 100 Trying after 200 ms unless the TU answered", "[sip][server_transaction]") {
  auto tx = server_transaction::invite(timer_config{}, transport_kind::unreliable);
  auto out = tx.start(t0);
  CHECK(tx.state() == server_state::proceeding);
  CHECK(count<deliver_request>(out) == 1);
  CHECK(armed(out, timer_id::trying)->at == t0 + 200ms);
  CHECK(tx.on_timer(timer_id::trying, t0 + 199ms).empty());
  out = tx.on_timer(timer_id::trying, t0 + 200ms);
  CHECK(count<send_trying>(out) == 1);
  // A retransmitted INVITE gets the 100 again.
  CHECK(count<send_trying>(tx.on_request_retransmission(t0 + 500ms)) == 1);
  CHECK(tx.respond(100, t0 + 600ms).empty());  // the TU's own 100 adds nothing

  auto quick = server_transaction::invite(timer_config{}, transport_kind::unreliable);
  quick.start(t0);
  out = quick.respond(180, t0 + 50ms);
  CHECK(first<send_response>(out)->status == 180);
  CHECK(cancelled(out, timer_id::trying));
  CHECK(quick.on_timer(timer_id::trying, t0 + 200ms).empty());
  CHECK(first<send_response>(quick.on_request_retransmission(t0 + 500ms))->status == 180);
}

TEST_CASE("server INVITE: retransmission before any answer sends 100 at once", "[sip][server_transaction]") {
  auto tx = server_transaction::invite(timer_config{}, transport_kind::unreliable);
  tx.start(t0);
  auto out = tx.on_request_retransmission(t0 + 100ms);
  CHECK(count<send_trying>(out) == 1);
  CHECK(cancelled(out, timer_id::trying));
}

TEST_CASE("server INVITE: 2xx ends the transaction", "[sip][server_transaction]") {
  auto tx = server_transaction::invite(timer_config{}, transport_kind::unreliable);
  tx.start(t0);
  auto out = tx.respond(200, t0 + 1s);
  CHECK(first<send_response>(out)->status == 200);
  CHECK(ended(out)->reason == termination_reason::completed);
  CHECK(tx.respond(200, t0 + 2s).empty());
  CHECK(tx.on_ack(t0 + 2s).empty());
}

TEST_CASE("server INVITE: non-2xx final, Timer G doubles to T2, ACK confirms, Timer I ends", "[sip][server_transaction]") {
  auto tx = server_transaction::invite(timer_config{}, transport_kind::unreliable);
  tx.start(t0);
  auto out = tx.respond(486, t0);
  CHECK(tx.state() == server_state::completed);
  CHECK(armed(out, timer_id::G)->at == t0 + 500ms);
  CHECK(armed(out, timer_id::H)->at == t0 + 32s);
  std::vector<base::millis> resends;
  base::timestamp now = t0;
  for (int i = 0; i < 6; ++i) {
    now = tx.timers().deadline(timer_id::G);
    out = tx.on_timer(timer_id::G, now);
    REQUIRE(first<send_response>(out));
    CHECK(first<send_response>(out)->status == 486);
    resends.push_back(now - t0);
  }
  CHECK(resends == std::vector<base::millis>{500ms, 1500ms, 3500ms, 7500ms, 11500ms, 15500ms});
  CHECK(first<send_response>(tx.on_request_retransmission(now))->status == 486);
  CHECK(tx.respond(200, now).empty());  // too late for another answer
  out = tx.on_ack(now + 10ms);
  CHECK(tx.state() == server_state::confirmed);
  CHECK(cancelled(out, timer_id::G));
  CHECK(cancelled(out, timer_id::H));
  CHECK(armed(out, timer_id::I)->at == now + 10ms + 5s);
  CHECK(tx.on_ack(now + 20ms).empty());                   // absorbed
  CHECK(tx.on_request_retransmission(now + 20ms).empty());  // absorbed
  out = tx.on_timer(timer_id::I, now + 10ms + 5s);
  CHECK(ended(out)->reason == termination_reason::completed);
  CHECK(to_string(tx.state()) == "terminated");
}

TEST_CASE("server INVITE: no ACK, Timer H times out", "[sip][server_transaction]") {
  auto tx = server_transaction::invite(timer_config{}, transport_kind::unreliable);
  tx.start(t0);
  tx.respond(404, t0);
  auto out = tx.on_timer(timer_id::H, t0 + 32s);
  CHECK(ended(out)->reason == termination_reason::timeout);
  CHECK(cancelled(out, timer_id::G));
}

TEST_CASE("server INVITE over a reliable transport: no G, I is zero", "[sip][server_transaction]") {
  auto tx = server_transaction::invite(timer_config{}, transport_kind::reliable);
  tx.start(t0);
  auto out = tx.respond(403, t0);
  CHECK_FALSE(armed(out, timer_id::G));
  CHECK(armed(out, timer_id::H));
  out = tx.on_ack(t0 + 1s);
  CHECK(ended(out)->reason == termination_reason::completed);
}

TEST_CASE("server non-INVITE: trying, proceeding, completed, Timer J", "[sip][server_transaction]") {
  auto tx = server_transaction::non_invite(timer_config{}, transport_kind::unreliable);
  CHECK(tx.state() == server_state::trying);
  auto out = tx.start(t0);
  CHECK(count<deliver_request>(out) == 1);
  CHECK_FALSE(armed(out, timer_id::trying));
  CHECK(tx.on_request_retransmission(t0 + 500ms).empty());  // absorbed in trying
  out = tx.respond(100, t0 + 600ms);
  CHECK(tx.state() == server_state::proceeding);
  CHECK(first<send_response>(tx.on_request_retransmission(t0 + 1s))->status == 100);
  out = tx.respond(200, t0 + 2s);
  CHECK(tx.state() == server_state::completed);
  CHECK(first<send_response>(out)->status == 200);
  CHECK(armed(out, timer_id::J)->at == t0 + 34s);
  CHECK(first<send_response>(tx.on_request_retransmission(t0 + 3s))->status == 200);
  CHECK(tx.respond(500, t0 + 3s).empty());
  CHECK(tx.on_ack(t0 + 3s).empty());
  out = tx.on_timer(timer_id::J, t0 + 34s);
  CHECK(ended(out)->reason == termination_reason::completed);
  CHECK(tx.last_status() == 200);
}

TEST_CASE("server non-INVITE over a reliable transport: J is zero, transport errors end", "[sip][server_transaction]") {
  auto tx = server_transaction::non_invite(timer_config{}, transport_kind::reliable);
  tx.start(t0);
  CHECK(ended(tx.respond(401, t0))->reason == termination_reason::completed);
  auto other = server_transaction::invite(timer_config{}, transport_kind::unreliable);
  other.start(t0);
  auto out = other.on_transport_error(t0);
  CHECK(ended(out)->reason == termination_reason::transport_error);
  CHECK(cancelled(out, timer_id::trying));
  CHECK(other.on_transport_error(t0).empty());
}
