// Transaction timers: RFC 3261 Table 4 durations and the armed-timer bookkeeping.
#include "sip/transaction_timers.hpp"

namespace tollgate::sip {

std::string_view to_string(timer_id t) {
  static constexpr std::string_view names[timer_count] = {"A", "B", "D", "E", "F", "G",
                                                          "H", "I", "J", "K", "trying"};
  return names[static_cast<std::size_t>(t)];
}

std::string_view to_string(termination_reason r) {
  switch (r) {
    case termination_reason::completed: return "completed";
    case termination_reason::timeout: return "timeout";
    case termination_reason::transport_error: return "transport_error";
  }
  return "unknown";
}

base::millis timer_durations::timer_d(const timer_config&, transport_kind t) {
  // "at least 32 seconds for unreliable transports, and a value of zero seconds for reliable".
  return t == transport_kind::unreliable ? base::millis{32000} : base::millis{0};
}

base::millis timer_durations::timer_i_k(const timer_config& c, transport_kind t) {
  return t == transport_kind::unreliable ? c.t4 : base::millis{0};
}

base::millis timer_durations::timer_j(const timer_config& c, transport_kind t) {
  return t == transport_kind::unreliable ? 64 * c.t1 : base::millis{0};
}

void timer_set::arm(timer_id t, base::timestamp at, transaction_effects& out) {
  armed_[index(t)] = true;
  at_[index(t)] = at;
  out.push_back(arm_timer{t, at});
}

void timer_set::cancel(timer_id t, transaction_effects& out) {
  if (!armed_[index(t)]) return;
  armed_[index(t)] = false;
  out.push_back(cancel_timer{t});
}

void timer_set::cancel_all(transaction_effects& out) {
  for (std::size_t i = 0; i < timer_count; ++i) cancel(static_cast<timer_id>(i), out);
}

bool timer_set::take_due(timer_id t, base::timestamp now) {
  if (!armed_[index(t)] || now < at_[index(t)]) return false;
  armed_[index(t)] = false;
  return true;
}

base::timestamp timer_set::next_deadline() const {
  base::timestamp next = base::timestamp::max();
  for (std::size_t i = 0; i < timer_count; ++i) {
    if (armed_[i] && at_[i] < next) next = at_[i];
  }
  return next;
}

}  // namespace tollgate::sip
