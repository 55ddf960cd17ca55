// The B2BUA call: an A leg (we are the caller's UAS) and a B leg (we are the callee's UAC),
// each with its own Call-ID, tags, Via branches and CSeq, driven by (event, now) -> effects.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "b2bua/cdr_builder.hpp"
#include "b2bua/dialog.hpp"
#include "b2bua/effect.hpp"
#include "b2bua/routing.hpp"
#include "sip/client_transaction.hpp"
#include "sip/digest_client.hpp"
#include "sip/server_transaction.hpp"

namespace tollgate::b2bua {

struct call_options {
  /// Our host in the B leg's Call-ID and From, and our Via sent-by and Contact on a leg
  /// whose destination has no `local`.
  std::string local_host = "127.0.0.1";
  std::uint16_t local_port = 5060;
  sip::timer_config timers;
  /// Timer C (RFC 3261 §16.6): no final answer by then -> CANCEL the B leg, 408 on A.
  base::millis no_answer_timeout{180'000};
  /// No response at all (not even 100 Trying) to the B leg INVITE by then: the attempt is
  /// abandoned without a CANCEL and the next route tried, or 408 on A after the last one.
  base::millis gateway_no_response_timeout{5'000};
  /// Tags, Call-IDs, branches and cnonces. Required.
  std::function<std::uint64_t()> random;
};

/// What authorization and routing decided for this INVITE.
struct call_setup {
  source_address source;
  std::string account;
  store::billing_mode mode = store::billing_mode::none;
  std::optional<b2bua::route> route;  // nullopt: 404
  /// Further routes, tried in order when the B leg INVITE fails before any provisional
  /// response with a transport failure (unreachable gateway), a 503, or no response at all
  /// within gateway_no_response_timeout.
  std::vector<b2bua::route> fallbacks = {};
  /// Our side on the A leg for the requests we send there and our Contact (a mapping
  /// gateway's `local`); nullopt: where the INVITE arrived (source.local). The INVITE's own
  /// answers always leave from where it arrived.
  std::optional<config::socket_address> a_local = std::nullopt;
};

enum class call_state : std::uint8_t {
  calling,     // B leg INVITE sent, nothing back yet
  early,       // a provisional response relayed
  answered,    // 2xx relayed to A, waiting for A's ACK
  confirmed,   // both dialogs up
  ending,      // final answer or BYE done; transactions finishing
  ended,       // call_ended emitted: no transaction, no timer
};
std::string_view to_string(call_state s);

/// Invariants: exactly one CDR is written per call, when the call's outcome is known (A's
/// final response or the first BYE); the A INVITE always gets exactly one final response;
/// call_ended is emitted once, after which no timer is armed and no event yields effects.
class call {
public:
  call(sip::message invite, call_setup setup, call_options options, base::timestamp now);

  /// Answers 100 on A, then 483 (Max-Forwards 0), 404 (no route), or the B leg INVITE.
  effects start(base::timestamp now);
  effects on_event(event ev, base::timestamp now);
  /// Ends the call now (the switch is stopping): an unanswered call gets 503 on A and a
  /// CANCEL on B, an answered one a BYE on both legs; the CDR is finished with 503 and
  /// `reason`. Nothing once the outcome is already known.
  effects terminate(std::string_view reason, base::timestamp now);

  const std::string& a_call_id() const { return a_.call_id; }
  const std::string& b_call_id() const { return b_.call_id; }
  /// Where the B leg goes now (a fallback route changes it).
  const destination& b_peer() const { return b_.peer; }
  call_state state() const { return state_; }
  bool ended() const { return state_ == call_state::ended; }
  /// Timers armed and not yet fired or cancelled (for tests and the adapter's checks).
  const std::map<std::uint32_t, base::timestamp>& armed_timers() const { return armed_; }
  const store::cdr_record& cdr() const { return cdr_.record(); }

private:
  struct server_tx {
    std::uint32_t slot;
    b2bua::leg side;
    sip::server_transaction tx;
    sip::message request;
    std::string response;         // latest response text, resent on retransmissions
    std::uint32_t peer_client = 0;  // the relayed request on the other leg
    destination reply_to;           // where its responses go, and from which local address
  };
  struct client_tx {
    std::uint32_t slot;
    b2bua::leg side;
    sip::client_transaction tx;
    outgoing_request request;
    std::uint32_t cseq;
    std::string branch;
    std::string text;
    bool auth_answered = false;
    std::uint32_t peer_server = 0;  // the server transaction whose request this relays
  };
  // A 2xx to an INVITE we sent on a leg, retransmitted until its ACK (RFC 3261 §13.3.1.4).
  struct pending_2xx {
    bool active = false;
    std::string text;
    std::uint32_t cseq = 0;        // CSeq of the INVITE on this leg
    std::uint32_t other_cseq = 0;  // CSeq of the INVITE on the other leg, to ACK there
    base::millis interval{0};
    destination to;  // the INVITE's server transaction's reply_to
  };

  // A B leg INVITE given up for lack of any response: a 2xx arriving later from that gateway
  // is ACKed and hung up with a BYE there, so it is not left with a half call.
  struct abandoned_attempt {
    std::string branch;
    std::uint32_t cseq = 0;
    std::string request_uri;
    destination peer;
    bool bye_sent = false;
  };

  dialog& dialog_of(b2bua::leg side) { return side == leg::a ? a_ : b_; }
  /// Sets the dialog's Via sent-by and Contact from its peer's `local` (or call_options).
  void speak_from(dialog& d) const;
  /// Where the answers to the caller's INVITE (and its CANCEL) go: A's peer, from the
  /// address the INVITE arrived at.
  destination a_invite_peer() const;
  static b2bua::leg other(b2bua::leg side) { return side == leg::a ? leg::b : leg::a; }

  void on_message(sip::message m, base::timestamp now, effects& out);
  void on_request(b2bua::leg side, sip::message m, base::timestamp now, effects& out);
  void on_response(b2bua::leg side, const sip::message& m, base::timestamp now, effects& out);
  void on_timer(std::uint32_t id, base::timestamp now, effects& out);
  void on_transport_failed(b2bua::leg side, base::timestamp now, effects& out);

  void on_ack(b2bua::leg side, const sip::message& m, base::timestamp now, effects& out);
  void on_cancel(const sip::message& m, base::timestamp now, effects& out);
  void on_bye(b2bua::leg side, sip::message m, base::timestamp now, effects& out);
  void relay_request(b2bua::leg side, sip::message m, base::timestamp now, effects& out);
  void on_client_response(client_tx& c, const sip::message& m, base::timestamp now, effects& out);
  void on_b_invite_response(const sip::message& m, base::timestamp now, effects& out);
  void on_client_terminated(std::uint32_t slot, sip::termination_reason why, base::timestamp now, effects& out);
  /// Sends the B leg INVITE to the next fallback route; false when there is none.
  bool try_next_route(base::timestamp now, effects& out);
  /// Arms the no-response timer for the B leg INVITE just sent, when it goes to a gateway.
  void arm_no_response(base::timestamp now, effects& out);
  void on_no_response(base::timestamp now, effects& out);
  void on_abandoned_2xx(abandoned_attempt& a, const sip::message& m, effects& out);
  bool answer_challenge(client_tx& c, const sip::message& m, base::timestamp now, effects& out);

  std::uint32_t start_client(b2bua::leg side, outgoing_request r, std::uint32_t peer_server, bool auth_answered,
                             base::timestamp now, effects& out);
  /// `reply_to`: where its responses go when not to the leg's peer.
  std::uint32_t start_server(b2bua::leg side, sip::message m, base::timestamp now, effects& out,
                             const std::optional<destination>& reply_to = std::nullopt);
  void respond(server_tx& s, int status, std::string_view reason, const sip::message* carried, base::timestamp now,
               effects& out);
  void fail_a(int status, std::string_view reason, base::timestamp now, effects& out);
  void send_cancel(base::timestamp now, effects& out);
  void send_bye(b2bua::leg side, base::timestamp now, effects& out);
  void hang_up(std::string_view reason, int code, base::timestamp now, effects& out);
  void send_2xx_ack(b2bua::leg side, std::uint32_t cseq, const sip::message* ack, effects& out);
  void start_pending_2xx(const server_tx& s, std::uint32_t other_cseq, base::timestamp now, effects& out);
  void stop_pending_2xx(b2bua::leg side, effects& out);
  void drop_client(std::uint32_t slot, effects& out);
  void finish_cdr(int code, std::string_view reason, base::timestamp now, effects& out);

  void apply(server_tx& s, const sip::transaction_effects& fx, base::timestamp now, effects& out);
  void apply(client_tx& c, const sip::transaction_effects& fx, const sip::message* response, base::timestamp now,
             effects& out);
  void arm(std::uint32_t id, base::timestamp at, effects& out);
  void disarm(std::uint32_t id, effects& out);
  void send(b2bua::leg side, std::string text, effects& out);
  void reap(effects& out);

  server_tx* find_server(std::uint32_t slot);
  client_tx* find_client(std::uint32_t slot);

  call_options options_;
  call_setup setup_;
  sip::message invite_;
  dialog a_;
  dialog b_;
  call_state state_ = call_state::calling;
  cdr_builder cdr_;
  sip::digest_client digest_;
  std::vector<server_tx> servers_;
  std::vector<client_tx> clients_;
  std::vector<std::uint32_t> terminated_;  // slots to erase after the current event
  std::map<std::uint32_t, base::timestamp> armed_;
  pending_2xx pending_[2];
  std::string last_ack_[2];            // our latest 2xx ACK per leg, resent on 2xx retransmissions
  std::uint32_t last_ack_cseq_[2] = {0, 0};
  std::uint32_t next_slot_ = 1;
  std::uint32_t a_invite_slot_ = 0;
  std::uint32_t b_invite_slot_ = 0;
  std::uint32_t b_invite_cseq_ = 0;
  std::string b_invite_branch_;
  outgoing_request b_invite_;
  unsigned max_forwards_ = 70;  // for requests we relay onward
  bool a_final_ = false;        // A's INVITE has its final response
  bool b_provisional_ = false;  // B sent a provisional: a CANCEL may go
  bool cancel_pending_ = false;
  bool cancel_sent_ = false;
  std::size_t next_route_ = 0;  // index into setup_.fallbacks
  std::vector<abandoned_attempt> abandoned_;
};

}  // namespace tollgate::b2bua
