// Server transactions: Figures 7 (INVITE) and 8 (non-INVITE) of RFC 3261 as code.
#include "sip/server_transaction.hpp"

#include <algorithm>

namespace tollgate::sip {

std::string_view to_string(server_state s) {
  switch (s) {
    case server_state::trying: return "trying";
    case server_state::proceeding: return "proceeding";
    case server_state::completed: return "completed";
    case server_state::confirmed: return "confirmed";
    case server_state::terminated: return "terminated";
  }
  return "unknown";
}

server_transaction::server_transaction(const timer_config& config, transport_kind transport, bool invite)
    : config_(config),
      transport_(transport),
      invite_(invite),
      state_(invite ? server_state::proceeding : server_state::trying) {}

server_transaction server_transaction::invite(const timer_config& config, transport_kind transport) {
  return server_transaction(config, transport, true);
}

server_transaction server_transaction::non_invite(const timer_config& config, transport_kind transport) {
  return server_transaction(config, transport, false);
}

void server_transaction::terminate(termination_reason reason, transaction_effects& out) {
  timers_.cancel_all(out);
  state_ = server_state::terminated;
  out.push_back(transaction_terminated{reason});
}

void server_transaction::end_or_arm(timer_id timer, base::millis duration, base::timestamp now,
                                    transaction_effects& out) {
  if (duration == base::millis{0}) {
    terminate(termination_reason::completed, out);
  } else {
    timers_.arm(timer, now + duration, out);
  }
}

transaction_effects server_transaction::start(base::timestamp now) {
  transaction_effects out;
  out.push_back(deliver_request{});
  if (invite_) timers_.arm(timer_id::trying, now + config_.trying_delay, out);
  return out;
}

transaction_effects server_transaction::on_request_retransmission(base::timestamp) {
  transaction_effects out;
  switch (state_) {
    case server_state::trying:
      break;  // non-INVITE, nothing to resend yet: absorbed
    case server_state::proceeding:
      if (last_status_ != 0) {
        out.push_back(send_response{last_status_});
      } else if (invite_) {
        // The peer is retransmitting: tell it now that we have the INVITE.
        timers_.cancel(timer_id::trying, out);
        sent_trying_ = true;
        out.push_back(send_trying{});
      }
      break;
    case server_state::completed:
      out.push_back(send_response{last_status_});
      break;
    case server_state::confirmed:
    case server_state::terminated:
      break;
  }
  return out;
}

transaction_effects server_transaction::on_ack(base::timestamp now) {
  transaction_effects out;
  if (!invite_ || state_ != server_state::completed) return out;  // absorbed in confirmed
  timers_.cancel(timer_id::G, out);
  timers_.cancel(timer_id::H, out);
  state_ = server_state::confirmed;
  end_or_arm(timer_id::I, timer_durations::timer_i_k(config_, transport_), now, out);
  return out;
}

transaction_effects server_transaction::respond(int status, base::timestamp now) {
  transaction_effects out;
  if (status < 100 || status > 699) return out;
  if (state_ != server_state::trying && state_ != server_state::proceeding) return out;
  if (status == 100 && sent_trying_ && last_status_ == 0) return out;  // already sent
  timers_.cancel(timer_id::trying, out);
  last_status_ = status;
  out.push_back(send_response{status});
  if (status < 200) {
    state_ = server_state::proceeding;
    return out;
  }
  if (invite_ && status < 300) {
    terminate(termination_reason::completed, out);  // the TU retransmits 2xx until its ACK
    return out;
  }
  state_ = server_state::completed;
  if (invite_) {
    if (transport_ == transport_kind::unreliable) {
      interval_ = config_.t1;
      timers_.arm(timer_id::G, now + interval_, out);
    }
    timers_.arm(timer_id::H, now + timer_durations::timer_b_f_h_j(config_), out);
  } else {
    end_or_arm(timer_id::J, timer_durations::timer_j(config_, transport_), now, out);
  }
  return out;
}

transaction_effects server_transaction::on_timer(timer_id timer, base::timestamp now) {
  transaction_effects out;
  if (state_ == server_state::terminated) return out;
  const base::timestamp due = timers_.deadline(timer);
  if (!timers_.take_due(timer, now)) return out;
  switch (timer) {
    case timer_id::trying:
      if (last_status_ == 0) {
        sent_trying_ = true;
        out.push_back(send_trying{});
      }
      break;
    case timer_id::G:  // final response retransmission: doubles up to T2 (§17.2.1)
      out.push_back(send_response{last_status_});
      interval_ = std::min(2 * interval_, config_.t2);
      timers_.arm(timer_id::G, due + interval_, out);
      break;
    case timer_id::H:
      terminate(termination_reason::timeout, out);
      break;
    case timer_id::I:
    case timer_id::J:
      terminate(termination_reason::completed, out);
      break;
    default:
      break;
  }
  return out;
}

transaction_effects server_transaction::on_transport_error(base::timestamp) {
  transaction_effects out;
  if (state_ != server_state::terminated) terminate(termination_reason::transport_error, out);
  return out;
}

}  // namespace tollgate::sip
