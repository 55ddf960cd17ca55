// Server transactions (RFC 3261 §17.2): INVITE and non-INVITE state machines driven by
// (event, now), returning effects; they own no timer, socket or message.
#pragma once

#include <cstdint>
#include <string_view>

#include "sip/transaction_timers.hpp"

namespace tollgate::sip {

enum class server_state : std::uint8_t { trying, proceeding, completed, confirmed, terminated };
std::string_view to_string(server_state s);

/// Invariant: once terminated no event yields effects; completed always has an end (H or J,
/// or zero-length on reliable transports), confirmed always ends with I.
class server_transaction {
public:
  static server_transaction invite(const timer_config& config, transport_kind transport);
  static server_transaction non_invite(const timer_config& config, transport_kind transport);

  /// The request arrived: deliver it to the TU; an INVITE also arms the 100 Trying timer.
  transaction_effects start(base::timestamp now);
  /// The same request again (matched by the transaction key).
  transaction_effects on_request_retransmission(base::timestamp now);
  /// An ACK matched to this INVITE transaction (only a non-2xx final makes it ours).
  transaction_effects on_ack(base::timestamp now);
  /// The TU answers with `status`; the adapter keeps the response text for retransmissions.
  /// Responses after a final one are ignored (no effects).
  transaction_effects respond(int status, base::timestamp now);
  transaction_effects on_timer(timer_id timer, base::timestamp now);
  transaction_effects on_transport_error(base::timestamp now);

  server_state state() const { return state_; }
  bool is_invite() const { return invite_; }
  bool terminated() const { return state_ == server_state::terminated; }
  int last_status() const { return last_status_; }
  const timer_set& timers() const { return timers_; }

private:
  server_transaction(const timer_config& config, transport_kind transport, bool invite);
  void terminate(termination_reason reason, transaction_effects& out);
  void end_or_arm(timer_id timer, base::millis duration, base::timestamp now, transaction_effects& out);

  timer_config config_;
  transport_kind transport_;
  bool invite_;
  server_state state_;
  int last_status_ = 0;       // latest response the TU gave (0: none yet)
  bool sent_trying_ = false;  // the transaction itself sent 100 Trying
  base::millis interval_{0};  // current G interval
  timer_set timers_;
};

}  // namespace tollgate::sip
