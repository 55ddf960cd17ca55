// Client transactions (RFC 3261 §17.1): INVITE and non-INVITE state machines driven by
// (event, now), returning effects; they own no timer, socket or message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sip/transaction_timers.hpp"

namespace tollgate::sip {

/// What the ACK for a non-2xx final response copies from the INVITE (§17.1.1.3).
struct ack_fields {
  std::string request_uri;
  std::string via;                  // the INVITE's top Via value (same branch)
  std::string from;                 // From value, with its tag
  std::string call_id;
  std::uint32_t cseq = 0;           // CSeq number of the INVITE
  std::vector<std::string> routes;  // Route values of the INVITE, in order
};

/// The ACK request text: Request-URI, Via, Route, From, Call-ID and CSeq number of the INVITE,
/// To of the response (with its tag), CSeq method ACK, Max-Forwards 70, no body.
std::string build_non2xx_ack(const ack_fields& fields, std::string_view response_to);

enum class client_state : std::uint8_t { calling, trying, proceeding, completed, terminated };
std::string_view to_string(client_state s);

/// Invariant: once terminated no event yields effects; every path out of calling/trying
/// ends in terminated (B/F bound the wait for a response, D/K bound completed).
class client_transaction {
public:
  static client_transaction invite(const timer_config& config, transport_kind transport, ack_fields ack);
  static client_transaction non_invite(const timer_config& config, transport_kind transport);

  /// Sends the request and arms A+B (INVITE) or E+F (non-INVITE); A and E only unreliable.
  transaction_effects start(base::timestamp now);
  /// A response matched to this transaction. `to_header` is the response's To value, used
  /// for the ACK of a non-2xx final response to an INVITE.
  transaction_effects on_response(int status, std::string_view to_header, base::timestamp now);
  /// A timer the adapter armed has come due (stale or early calls are ignored).
  transaction_effects on_timer(timer_id timer, base::timestamp now);
  transaction_effects on_transport_error(base::timestamp now);

  client_state state() const { return state_; }
  bool is_invite() const { return invite_; }
  bool terminated() const { return state_ == client_state::terminated; }
  const timer_set& timers() const { return timers_; }
  /// The ACK for the non-2xx final response, once in completed (empty before).
  const std::string& ack_text() const { return ack_text_; }

private:
  client_transaction(const timer_config& config, transport_kind transport, bool invite, ack_fields ack);
  void terminate(termination_reason reason, transaction_effects& out);
  void end_or_arm(timer_id timer, base::millis duration, base::timestamp now, transaction_effects& out);

  timer_config config_;
  transport_kind transport_;
  bool invite_;
  ack_fields ack_;
  client_state state_;
  base::millis interval_{0};  // current A or E retransmission interval
  std::string ack_text_;      // the ACK sent for the final response, resent on its retransmissions
  timer_set timers_;
};

}  // namespace tollgate::sip
