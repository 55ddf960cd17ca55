// Client transactions: Figures 5 (INVITE) and 6 (non-INVITE) of RFC 3261 as code.
#include "sip/client_transaction.hpp"

#include <algorithm>

namespace tollgate::sip {

std::string build_non2xx_ack(const ack_fields& f, std::string_view response_to) {
  std::string out;
  out.reserve(256);
  out += "ACK ";
  out += f.request_uri;
  out += " SIP/2.0\r\nVia: ";
  out += f.via;
  out += "\r\n";
  for (const std::string& route : f.routes) {
    out += "Route: ";
    out += route;
    out += "\r\n";
  }
  out += "Max-Forwards: 70\r\nFrom: ";
  out += f.from;
  out += "\r\nTo: ";
  out += response_to;
  out += "\r\nCall-ID: ";
  out += f.call_id;
  out += "\r\nCSeq: ";
  out += std::to_string(f.cseq);
  out += " ACK\r\nContent-Length: 0\r\n\r\n";
  return out;
}

std::string_view to_string(client_state s) {
  switch (s) {
    case client_state::calling: return "calling";
    case client_state::trying: return "trying";
    case client_state::proceeding: return "proceeding";
    case client_state::completed: return "completed";
    case client_state::terminated: return "terminated";
  }
  return "unknown";
}

client_transaction::client_transaction(const timer_config& config, transport_kind transport, bool invite,
                                       ack_fields ack)
    : config_(config),
      transport_(transport),
      invite_(invite),
      ack_(std::move(ack)),
      state_(invite ? client_state::calling : client_state::trying) {}

client_transaction client_transaction::invite(const timer_config& config, transport_kind transport, ack_fields ack) {
  return client_transaction(config, transport, true, std::move(ack));
}

client_transaction client_transaction::non_invite(const timer_config& config, transport_kind transport) {
  return client_transaction(config, transport, false, {});
}

void client_transaction::terminate(termination_reason reason, transaction_effects& out) {
  timers_.cancel_all(out);
  state_ = client_state::terminated;
  out.push_back(transaction_terminated{reason});
}

void client_transaction::end_or_arm(timer_id timer, base::millis duration, base::timestamp now,
                                    transaction_effects& out) {
  if (duration == base::millis{0}) {
    terminate(termination_reason::completed, out);
  } else {
    timers_.arm(timer, now + duration, out);
  }
}

transaction_effects client_transaction::start(base::timestamp now) {
  transaction_effects out;
  if (state_ != client_state::calling && state_ != client_state::trying) return out;
  out.push_back(send_request{});
  interval_ = config_.t1;
  const bool retransmit = transport_ == transport_kind::unreliable;
  if (invite_) {
    if (retransmit) timers_.arm(timer_id::A, now + interval_, out);
    timers_.arm(timer_id::B, now + timer_durations::timer_b_f_h_j(config_), out);
  } else {
    if (retransmit) timers_.arm(timer_id::E, now + interval_, out);
    timers_.arm(timer_id::F, now + timer_durations::timer_b_f_h_j(config_), out);
  }
  return out;
}

transaction_effects client_transaction::on_response(int status, std::string_view to_header, base::timestamp now) {
  transaction_effects out;
  if (status < 100 || status > 699) return out;
  const bool provisional = status < 200;
  switch (state_) {
    case client_state::calling:
    case client_state::trying:
    case client_state::proceeding:
      if (provisional) {
        if (invite_) {
          // Proceeding: no more retransmissions, no Timer B (the TU's Timer C takes over).
          timers_.cancel(timer_id::A, out);
          timers_.cancel(timer_id::B, out);
        }
        state_ = client_state::proceeding;
        out.push_back(deliver_response{status});
        return out;
      }
      out.push_back(deliver_response{status});
      if (invite_ && status < 300) {
        terminate(termination_reason::completed, out);  // the TU ACKs a 2xx itself
        return out;
      }
      timers_.cancel_all(out);
      state_ = client_state::completed;
      if (invite_) {
        ack_text_ = build_non2xx_ack(ack_, to_header);
        out.insert(out.begin(), send_ack{});
        end_or_arm(timer_id::D, timer_durations::timer_d(config_, transport_), now, out);
      } else {
        end_or_arm(timer_id::K, timer_durations::timer_i_k(config_, transport_), now, out);
      }
      return out;
    case client_state::completed:
      // Retransmitted final responses are absorbed; an INVITE's are ACKed again.
      if (invite_ && status >= 300) out.push_back(send_ack{});
      return out;
    case client_state::terminated:
      return out;
  }
  return out;
}

transaction_effects client_transaction::on_timer(timer_id timer, base::timestamp now) {
  transaction_effects out;
  if (state_ == client_state::terminated) return out;
  const base::timestamp due = timers_.deadline(timer);
  if (!timers_.take_due(timer, now)) return out;
  switch (timer) {
    case timer_id::A:  // INVITE retransmission: doubles without cap (§17.1.1.2)
      out.push_back(send_request{});
      interval_ *= 2;
      timers_.arm(timer_id::A, due + interval_, out);
      break;
    case timer_id::E:  // non-INVITE: doubles up to T2 in trying, T2 in proceeding (§17.1.2.2)
      out.push_back(send_request{});
      interval_ = state_ == client_state::proceeding ? config_.t2 : std::min(2 * interval_, config_.t2);
      timers_.arm(timer_id::E, due + interval_, out);
      break;
    case timer_id::B:
    case timer_id::F:
      terminate(termination_reason::timeout, out);
      break;
    case timer_id::D:
    case timer_id::K:
      terminate(termination_reason::completed, out);
      break;
    default:
      break;
  }
  return out;
}

transaction_effects client_transaction::on_transport_error(base::timestamp) {
  transaction_effects out;
  if (state_ != client_state::terminated) terminate(termination_reason::transport_error, out);
  return out;
}

}  // namespace tollgate::sip
