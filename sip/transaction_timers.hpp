// Transaction timers and effects (RFC 3261 §17, Table 4): the vocabulary shared by the client
// and server transaction state machines, which never read a clock or touch a socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/clock.hpp"

namespace tollgate::sip {

struct timer_config {
  base::millis t1{500};   // RTT estimate
  base::millis t2{4000};  // cap on non-INVITE request and INVITE response retransmission
  base::millis t4{5000};  // how long a message may stay in the network
  base::millis trying_delay{200};  // INVITE server: send 100 Trying unless the TU answered by then
};

enum class transport_kind : std::uint8_t { unreliable, reliable };

enum class timer_id : std::uint8_t { A, B, D, E, F, G, H, I, J, K, trying };
inline constexpr std::size_t timer_count = 11;
std::string_view to_string(timer_id t);

/// Durations per RFC 3261 Table 4 for the given transport (zero where the RFC says so for
/// reliable transports: D, I, J, K).
struct timer_durations {
  static base::millis timer_b_f_h_j(const timer_config& c) { return 64 * c.t1; }
  static base::millis timer_d(const timer_config& c, transport_kind t);
  static base::millis timer_i_k(const timer_config& c, transport_kind t);
  static base::millis timer_j(const timer_config& c, transport_kind t);
};

enum class termination_reason : std::uint8_t {
  completed,        // normal end (final response done, absorption timer expired, 2xx passed up)
  timeout,          // Timer B, F or H fired
  transport_error,  // the transport reported a failure
};
std::string_view to_string(termination_reason r);

// Effects: what the adapter must do after feeding an event.
struct send_request {};                 // (re)transmit the transaction's request
struct send_response { int status; };   // (re)transmit the TU's latest response with this status
struct send_trying {};                  // build and transmit 100 Trying (server INVITE)
struct send_ack {};                     // transmit client_transaction::ack_text() (INVITE, non-2xx final)
struct arm_timer { timer_id timer; base::timestamp at; };
struct cancel_timer { timer_id timer; };
struct deliver_response { int status; };  // pass the response up to the TU
struct deliver_request {};                // pass a request (ACK for a 2xx is not ours) up to the TU
struct transaction_terminated { termination_reason reason; };

using transaction_effect = std::variant<send_request, send_response, send_trying, send_ack, arm_timer, cancel_timer,
                                        deliver_response, deliver_request, transaction_terminated>;
using transaction_effects = std::vector<transaction_effect>;

/// The armed timers of one transaction. Invariant: a timer fires only if armed and only at or
/// after its deadline; a fired or cancelled timer is disarmed. Stale timer events (for a
/// timer the machine cancelled or re-armed) are therefore ignored.
class timer_set {
public:
  void arm(timer_id t, base::timestamp at, transaction_effects& out);
  void cancel(timer_id t, transaction_effects& out);
  void cancel_all(transaction_effects& out);
  /// True, and disarms, when `t` is armed with a deadline <= now.
  bool take_due(timer_id t, base::timestamp now);
  bool armed(timer_id t) const { return armed_[index(t)]; }
  base::timestamp deadline(timer_id t) const { return at_[index(t)]; }
  /// The earliest armed deadline, or nullopt-like timestamp::max() when none.
  base::timestamp next_deadline() const;

private:
  static std::size_t index(timer_id t) { return static_cast<std::size_t>(t); }
  bool armed_[timer_count] = {};
  base::timestamp at_[timer_count] = {};
};

}  // namespace tollgate::sip
