// The B2BUA call state machine. Transactions (sip/) handle retransmissions, timers and the
// ACK of non-2xx answers; the call relays between them and owns what RFC 3261 gives the
// TU: 2xx retransmission and its ACK, CANCEL, Timer C and the dialogs.
#include "b2bua/call.hpp"

#include <algorithm>

#include "b2bua/authorization.hpp"
#include "sip/builder.hpp"

namespace tollgate::b2bua {

std::string_view to_string(call_state s) {
  switch (s) {
    case call_state::calling: return "calling";
    case call_state::early: return "early";
    case call_state::answered: return "answered";
    case call_state::confirmed: return "confirmed";
    case call_state::ending: return "ending";
    case call_state::ended: return "ended";
  }
  return "unknown";
}

namespace {

// Call-local timer ids: slot * 16 + sip::timer_id for transactions (slots from 1), and these
// for the call itself (slot 0).
constexpr std::uint32_t timer_2xx_retransmit[2] = {0, 2};
constexpr std::uint32_t timer_2xx_give_up[2] = {1, 3};
constexpr std::uint32_t timer_c = 4;
constexpr std::uint32_t timer_cancel_guard = 5;
constexpr std::uint32_t timer_no_response = 6;

std::uint32_t tx_timer(std::uint32_t slot, sip::timer_id t) { return slot * 16 + static_cast<std::uint32_t>(t); }

std::size_t index(leg side) { return side == leg::a ? 0 : 1; }

sip::transport_kind kind_of(config::transport t) {
  return t == config::transport::tcp ? sip::transport_kind::reliable : sip::transport_kind::unreliable;
}

std::string uri_with_user(std::string_view user, std::string_view host) {
  std::string out = "sip:";
  if (!user.empty()) out.append(user).append("@");
  out.append(host);
  return out;
}

}  // namespace

call::call(sip::message invite, call_setup setup, call_options options, base::timestamp now)
    : options_(std::move(options)),
      setup_(std::move(setup)),
      invite_(std::move(invite)),
      cdr_(invite_, setup_.source, now),
      digest_(options_.random) {
  cdr_.account(setup_.account, setup_.mode);

  // A leg: the caller's dialog, seen from our side as its UAS.
  a_.call_id = std::string(invite_.call_id());
  if (const auto to = invite_.to()) a_.local_uri = std::string(to->address.text);
  a_.local_tag = sip::make_tag(options_.random());
  if (const auto from = invite_.from()) {
    a_.remote_uri = std::string(from->address.text);
    a_.remote_tag = std::string(from->tag());
  }
  if (const auto contacts = invite_.contacts(); contacts && !contacts->contacts.empty()) {
    a_.remote_target = std::string(contacts->contacts.front().address.text);
  } else {
    a_.remote_target = a_.remote_uri;
  }
  if (const auto rr = invite_.record_routes()) {
    for (const auto& r : *rr) a_.route_set.push_back(bracketed_uri(r.address.text) + (r.params.empty() ? "" : std::string(r.params)));
  }
  a_.peer = setup_.source.as_destination();
  if (setup_.a_local) a_.peer.local = setup_.a_local;
  speak_from(a_);

  // B leg: a new dialog towards the route.
  b_.call_id = sip::make_tag(options_.random()) + "@" + options_.local_host;
  b_.local_tag = sip::make_tag(options_.random());
  b_.local_uri = uri_with_user(caller_of(invite_), options_.local_host);
  if (setup_.route) {
    b_.remote_uri = setup_.route->request_uri;
    b_.remote_target = setup_.route->request_uri;
    b_.peer = setup_.route->address;
    if (setup_.route->kind == route_kind::gateway) cdr_.routing_gateway(setup_.route->target);
  }
  speak_from(b_);
}

void call::speak_from(dialog& d) const {
  const std::string host_port = d.peer.local ? d.peer.local->to_string()
                                             : options_.local_host + ":" + std::to_string(options_.local_port);
  d.sent_by = host_port;
  d.contact = bracketed_uri("sip:" + host_port);
}

destination call::a_invite_peer() const {
  destination d = a_.peer;
  if (setup_.source.local) d.local = setup_.source.local;
  return d;
}

// ---- entry points ----

effects call::start(base::timestamp now) {
  effects out;
  // The caller's INVITE is answered from where it arrived, even when A's requests and
  // Contact use a pinned address.
  a_invite_slot_ = start_server(leg::a, std::move(invite_), now, out, a_invite_peer());
  invite_ = sip::message{};
  server_tx* s = find_server(a_invite_slot_);
  respond(*s, 100, {}, nullptr, now, out);

  const auto mf = s->request.max_forwards().value_or(70);
  if (mf == 0) {
    fail_a(483, "too many hops", now, out);
  } else if (!setup_.route) {
    fail_a(404, "no route", now, out);
  } else {
    max_forwards_ = mf - 1;
    b_invite_.method = "INVITE";
    b_invite_.request_uri = b_.remote_target;
    b_invite_.max_forwards = max_forwards_;
    b_invite_.content_type = std::string(s->request.content_type());
    b_invite_.body = std::string(s->request.body());
    b_invite_slot_ = start_client(leg::b, b_invite_, 0, false, now, out);
    arm(timer_c, now + options_.no_answer_timeout, out);
    arm_no_response(now, out);
  }
  reap(out);
  return out;
}

effects call::on_event(event ev, base::timestamp now) {
  effects out;
  if (state_ == call_state::ended) return out;
  if (auto* m = std::get_if<message_received>(&ev)) {
    on_message(std::move(m->message), now, out);
  } else if (const auto* t = std::get_if<timer_fired>(&ev)) {
    on_timer(t->timer, now, out);
  } else if (const auto* f = std::get_if<transport_failed>(&ev)) {
    on_transport_failed(f->side, now, out);
  }
  reap(out);
  return out;
}

effects call::terminate(std::string_view reason, base::timestamp now) {
  effects out;
  if (state_ == call_state::ended || state_ == call_state::ending) return out;
  if (!a_final_) {
    fail_a(503, reason, now, out);
    send_cancel(now, out);
  } else {
    stop_pending_2xx(leg::a, out);
    stop_pending_2xx(leg::b, out);
    hang_up(reason, 503, now, out);
    send_bye(leg::a, now, out);
    send_bye(leg::b, now, out);
  }
  reap(out);
  return out;
}

void call::on_message(sip::message m, base::timestamp now, effects& out) {
  const std::string_view id = m.call_id();
  leg side;
  if (id == a_.call_id) {
    side = leg::a;
  } else if (id == b_.call_id) {
    side = leg::b;
  } else {
    return;
  }
  if (m.is_request()) {
    on_request(side, std::move(m), now, out);
  } else {
    on_response(side, m, now, out);
  }
}

// ---- requests ----

void call::on_request(leg side, sip::message m, base::timestamp now, effects& out) {
  const auto cs = m.cseq();
  if (!cs) return;
  if (side == leg::b && m.method() == sip::method::invite && m.to() && m.to()->tag().empty()) {
    // Our own B leg INVITE came back to us: a routing gateway points at this switch.
    send(side, sip::response_builder(m, 482).build(), out);
    return;
  }
  // A retransmission of a request we have a server transaction for.
  for (auto& s : servers_) {
    const auto scs = s.request.cseq();
    if (s.side == side && m.method() != sip::method::ack && m.method() != sip::method::cancel && scs &&
        scs->number == cs->number && s.request.method_text() == m.method_text()) {
      apply(s, s.tx.on_request_retransmission(now), now, out);
      return;
    }
  }
  switch (m.method()) {
    case sip::method::ack: on_ack(side, m, now, out); return;
    case sip::method::cancel:
      if (side == leg::a) {
        on_cancel(m, now, out);
      } else {
        send(side, plain_response(m, setup_.source, 481), out);
      }
      return;
    case sip::method::bye: on_bye(side, std::move(m), now, out); return;
    case sip::method::invite:
      if (const pending_2xx& p = pending_[index(side)]; p.active && cs->number == p.cseq) {
        out.push_back(send_message{p.text, p.to});  // an INVITE or re-INVITE retransmitted after our 2xx
        return;
      }
      [[fallthrough]];
    default: relay_request(side, std::move(m), now, out); return;
  }
}

void call::on_ack(leg side, const sip::message& m, base::timestamp now, effects& out) {
  const auto cs = m.cseq();
  if (cs) {
    // The ACK of a non-2xx answer to an INVITE or re-INVITE from this side: hop by hop,
    // absorbed by its transaction (the other leg's client transaction ACKed its own).
    for (auto& s : servers_) {
      const auto scs = s.request.cseq();
      if (s.side == side && s.request.method() == sip::method::invite && scs && scs->number == cs->number &&
          s.tx.last_status() >= 300) {
        apply(s, s.tx.on_ack(now), now, out);
        return;
      }
    }
  }
  pending_2xx& p = pending_[index(side)];
  if (!p.active || !cs || cs->number != p.cseq) return;  // a retransmitted ACK: already relayed
  const std::uint32_t other_cseq = p.other_cseq;
  stop_pending_2xx(side, out);
  send_2xx_ack(other(side), other_cseq, &m, out);  // end to end: the ACK carries on
  if (state_ == call_state::answered) state_ = call_state::confirmed;
}

void call::on_cancel(const sip::message& m, base::timestamp now, effects& out) {
  out.push_back(send_message{plain_response(m, setup_.source, 200), a_invite_peer()});  // it came where the INVITE did
  if (a_final_) return;  // too late: the INVITE has its answer
  fail_a(487, "cancelled", now, out);
  send_cancel(now, out);
}

void call::on_bye(leg side, sip::message m, base::timestamp now, effects& out) {
  const bool in_dialog = state_ == call_state::answered || state_ == call_state::confirmed;
  // A server transaction, so that a retransmitted BYE gets this answer again instead of a
  // 481 from a call that is already ending.
  const std::uint32_t slot = start_server(side, std::move(m), now, out);
  if (server_tx* s = find_server(slot)) respond(*s, in_dialog ? 200 : 481, {}, nullptr, now, out);
  if (!in_dialog) return;
  stop_pending_2xx(side, out);
  hang_up(side == leg::a ? "caller hung up" : "callee hung up", 200, now, out);
  send_bye(other(side), now, out);
}

void call::relay_request(leg side, sip::message m, base::timestamp now, effects& out) {
  const bool in_dialog = state_ == call_state::confirmed || state_ == call_state::answered;
  if (!in_dialog) {
    send(side, sip::response_builder(m, 481).build(), out);
    return;
  }
  const auto mf = m.max_forwards().value_or(70);
  if (mf == 0) {
    send(side, sip::response_builder(m, 483).build(), out);
    return;
  }
  for (const auto& s : servers_) {
    if (s.slot != a_invite_slot_ && s.tx.last_status() < 200) {  // one relayed request at a time
      send(side, sip::response_builder(m, 491).build(), out);
      return;
    }
  }
  if (m.method() == sip::method::invite || m.method() == sip::method::update) {
    // A target refresh (RFC 3261 §12.2.2, RFC 3311 §5.2): this side's new Contact.
    if (const auto contacts = m.contacts(); contacts && !contacts->contacts.empty()) {
      dialog_of(side).remote_target = std::string(contacts->contacts.front().address.text);
    }
  }
  outgoing_request r;
  r.method = std::string(m.method_text());
  r.request_uri = dialog_of(other(side)).remote_target;
  r.max_forwards = mf - 1;
  r.content_type = std::string(m.content_type());
  r.body = std::string(m.body());
  const std::uint32_t server = start_server(side, std::move(m), now, out);
  const std::uint32_t client = start_client(other(side), std::move(r), server, false, now, out);
  if (server_tx* s = find_server(server)) s->peer_client = client;
}

// ---- responses ----

void call::on_response(leg side, const sip::message& m, base::timestamp now, effects& out) {
  const auto via = m.top_via();
  const auto cs = m.cseq();
  if (!via || !cs) return;
  for (auto& c : clients_) {
    if (c.side == side && c.branch == via->branch() && c.request.method == cs->method) {
      apply(c, c.tx.on_response(m.status_code(), m.header(sip::header_id::to), now), &m, now, out);
      return;
    }
  }
  for (auto& a : abandoned_) {
    if (side == leg::b && a.branch == via->branch() && cs->method == "INVITE" && cs->number == a.cseq) {
      if (m.status_code() >= 200 && m.status_code() < 300) on_abandoned_2xx(a, m, out);
      return;  // anything else from a gateway given up on: ignored
    }
  }
  // A 2xx retransmitted after its transaction ended: ACK it again (or ACK and hang up when
  // the call is already over on the other side).
  if (cs->method == "INVITE" && m.status_code() >= 200 && m.status_code() < 300) {
    const std::size_t i = index(side);
    if (last_ack_cseq_[i] == cs->number && !last_ack_[i].empty()) send(side, last_ack_[i], out);
  }
}

void call::on_client_response(client_tx& c, const sip::message& m, base::timestamp now, effects& out) {
  const int status = m.status_code();
  // Any response to the B leg INVITE, a challenge too: the gateway is alive, Timer B and
  // Timer C take over.
  if (c.slot == b_invite_slot_) disarm(timer_no_response, out);
  if ((status == 401 || status == 407) && answer_challenge(c, m, now, out)) return;
  if (c.slot == b_invite_slot_) {
    on_b_invite_response(m, now, out);
    return;
  }
  if (c.peer_server == 0 || status == 100) return;  // our own BYE or CANCEL: nothing to relay
  server_tx* s = find_server(c.peer_server);
  if (s == nullptr) return;
  respond(*s, status, m.reason_phrase(), &m, now, out);
  if (s->request.method() == sip::method::invite && status >= 200 && status < 300) {
    start_pending_2xx(*s, c.cseq, now, out);
  }
  if (status >= 200 && c.request.method == "INVITE" && status < 300) {
    if (const auto contacts = m.contacts(); contacts && !contacts->contacts.empty()) {
      dialog_of(c.side).remote_target = std::string(contacts->contacts.front().address.text);
    }
  }
}

void call::on_b_invite_response(const sip::message& m, base::timestamp now, effects& out) {
  const int status = m.status_code();
  if (const auto to = m.to(); to && !to->tag().empty() && status > 100) b_.remote_tag = std::string(to->tag());
  if (status < 200) {
    b_provisional_ = true;  // 100 too: from now on a CANCEL may go (RFC 3261 §9.1)
    if (cancel_pending_) {
      send_cancel(now, out);
      return;
    }
    if (a_final_ || status == 100) return;
    if (server_tx* s = find_server(a_invite_slot_)) respond(*s, status, m.reason_phrase(), &m, now, out);
    if (state_ == call_state::calling) state_ = call_state::early;
    return;
  }
  if (status >= 300) {
    if (status == 503 && !a_final_ && !b_provisional_ && try_next_route(now, out)) return;
    if (!a_final_) fail_a(status == 401 || status == 407 ? 403 : status, m.reason_phrase(), now, out);
    return;
  }
  // 2xx: the B dialog is up.
  if (const auto contacts = m.contacts(); contacts && !contacts->contacts.empty()) {
    b_.remote_target = std::string(contacts->contacts.front().address.text);
  }
  b_.route_set.clear();
  if (const auto rr = m.record_routes()) {
    for (auto it = rr->rbegin(); it != rr->rend(); ++it) {
      b_.route_set.push_back(bracketed_uri(it->address.text) + std::string(it->params));
    }
  }
  if (a_final_) {
    // Cancelled or timed out on A while B answered: ACK and hang up B.
    send_2xx_ack(leg::b, b_invite_cseq_, nullptr, out);
    send_bye(leg::b, now, out);
    return;
  }
  server_tx* s = find_server(a_invite_slot_);
  disarm(timer_c, out);
  cdr_.answered(now);
  a_final_ = true;
  state_ = call_state::answered;
  respond(*s, status, m.reason_phrase(), &m, now, out);
  start_pending_2xx(*s, b_invite_cseq_, now, out);
}

bool call::try_next_route(base::timestamp now, effects& out) {
  if (next_route_ >= setup_.fallbacks.size()) return false;
  setup_.route = setup_.fallbacks[next_route_++];
  const route& r = *setup_.route;
  // The same B leg Call-ID and tags, a new transaction towards the next gateway.
  b_.remote_uri = r.request_uri;
  b_.remote_target = r.request_uri;
  b_.remote_tag.clear();
  b_.route_set.clear();
  b_.peer = r.address;
  speak_from(b_);  // this gateway may be reached from another address
  if (r.kind == route_kind::gateway) cdr_.routing_gateway(r.target);
  b_provisional_ = false;
  outgoing_request invite = b_invite_;
  invite.request_uri = b_.remote_target;
  invite.headers.clear();  // no credentials meant for the previous gateway
  b_invite_slot_ = start_client(leg::b, std::move(invite), 0, false, now, out);
  arm_no_response(now, out);
  return true;
}

void call::arm_no_response(base::timestamp now, effects& out) {
  if (b_invite_slot_ == 0 || !setup_.route || setup_.route->kind != route_kind::gateway) return;
  arm(timer_no_response, now + options_.gateway_no_response_timeout, out);
}

void call::on_no_response(base::timestamp now, effects& out) {
  client_tx* c = find_client(b_invite_slot_);
  if (c == nullptr) return;
  // Nothing came back, not even 100 Trying, so no CANCEL may go (RFC 3261 §9.1): the
  // transaction is stopped and the attempt remembered only to hang up a late 2xx.
  abandoned_.push_back({c->branch, c->cseq, c->request.request_uri, b_.peer, false});
  drop_client(b_invite_slot_, out);
  disarm(timer_cancel_guard, out);
  if (a_final_) return;  // cancelled or timed out on A meanwhile: nothing more to try
  if (try_next_route(now, out)) return;
  fail_a(408, "gateway no response", now, out);
}

void call::on_abandoned_2xx(abandoned_attempt& a, const sip::message& m, effects& out) {
  // The dialog that 2xx set up with the abandoned gateway, our side as in the INVITE.
  dialog d = b_;
  d.peer = a.peer;
  speak_from(d);  // as the INVITE to that gateway did
  d.remote_tag.clear();
  if (const auto to = m.to()) d.remote_tag = std::string(to->tag());
  d.remote_target = a.request_uri;
  if (const auto contacts = m.contacts(); contacts && !contacts->contacts.empty()) {
    d.remote_target = std::string(contacts->contacts.front().address.text);
  }
  d.route_set.clear();
  if (const auto rr = m.record_routes()) {
    for (auto it = rr->rbegin(); it != rr->rend(); ++it) d.route_set.push_back(bracketed_uri(it->address.text) + std::string(it->params));
  }
  outgoing_request ack;
  ack.method = "ACK";
  ack.request_uri = d.remote_target;
  out.push_back(send_message{build_request(d, ack, a.cseq, sip::make_branch(options_.random())), a.peer});
  if (a.bye_sent) return;  // a retransmitted 2xx: ACKed again, hung up once
  a.bye_sent = true;
  outgoing_request bye;
  bye.method = "BYE";
  bye.request_uri = d.remote_target;
  bye.max_forwards = 70;
  out.push_back(send_message{build_request(d, bye, a.cseq + 1, sip::make_branch(options_.random())), a.peer});
}

bool call::answer_challenge(client_tx& c, const sip::message& m, base::timestamp now, effects& out) {
  if (c.auth_answered || c.side != leg::b || !setup_.route || setup_.route->auth_username.empty()) return false;
  const int status = m.status_code();
  const auto values = m.header_values(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
  auto answer = digest_.answer(status, values, c.request.method, c.request.request_uri, setup_.route->auth_username,
                               setup_.route->auth_password);
  const auto* a = std::get_if<sip::digest_answer>(&answer);
  if (a == nullptr) return false;
  outgoing_request r = c.request;
  std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization" || h.first == "Proxy-Authorization"; });
  r.headers.emplace_back(std::string(a->header_name), a->value);
  const bool was_invite = c.slot == b_invite_slot_;
  const std::uint32_t peer = c.peer_server;
  const std::uint32_t slot = start_client(c.side, std::move(r), peer, true, now, out);  // c may move
  if (was_invite) b_invite_slot_ = slot;
  if (server_tx* s = find_server(peer)) s->peer_client = slot;
  return true;
}

// ---- timers and transport ----

void call::on_timer(std::uint32_t id, base::timestamp now, effects& out) {
  const auto it = armed_.find(id);
  if (it == armed_.end() || it->second > now) return;  // stale or early
  armed_.erase(it);
  const std::uint32_t slot = id / 16;
  if (slot != 0) {
    const auto t = static_cast<sip::timer_id>(id % 16);
    if (server_tx* s = find_server(slot)) {
      apply(*s, s->tx.on_timer(t, now), now, out);
    } else if (client_tx* c = find_client(slot)) {
      apply(*c, c->tx.on_timer(t, now), nullptr, now, out);
    }
    return;
  }
  for (leg side : {leg::a, leg::b}) {
    pending_2xx& p = pending_[index(side)];
    if (id == timer_2xx_retransmit[index(side)] && p.active) {
      out.push_back(send_message{p.text, p.to});
      p.interval = std::min(2 * p.interval, options_.timers.t2);
      arm(id, now + p.interval, out);
      return;
    }
    if (id == timer_2xx_give_up[index(side)] && p.active) {
      // No ACK for our 2xx: the dialog is dead on that side (RFC 3261 §13.3.1.4).
      stop_pending_2xx(side, out);
      if (state_ == call_state::ending) return;  // already hung up by a BYE
      hang_up("no ACK", 408, now, out);
      send_bye(side, now, out);
      send_bye(other(side), now, out);
      return;
    }
  }
  if (id == timer_c && !a_final_) {
    fail_a(408, "no answer", now, out);
    send_cancel(now, out);
  } else if (id == timer_no_response) {
    on_no_response(now, out);
  } else if (id == timer_cancel_guard && b_invite_slot_ != 0) {
    drop_client(b_invite_slot_, out);  // the callee never answered our CANCEL (RFC 3261 §9.1)
  }
}

void call::on_transport_failed(leg side, base::timestamp now, effects& out) {
  // By slot: handling a termination may start new transactions (a CANCEL, a BYE).
  std::vector<std::uint32_t> slots;
  for (const auto& c : clients_) {
    if (c.side == side) slots.push_back(c.slot);
  }
  for (std::uint32_t slot : slots) {
    if (client_tx* c = find_client(slot)) apply(*c, c->tx.on_transport_error(now), nullptr, now, out);
  }
  slots.clear();
  for (const auto& s : servers_) {
    if (s.side == side) slots.push_back(s.slot);
  }
  for (std::uint32_t slot : slots) {
    if (server_tx* s = find_server(slot)) apply(*s, s->tx.on_transport_error(now), now, out);
  }
  if (pending_[index(side)].active) {
    stop_pending_2xx(side, out);
    hang_up("transport failure", 503, now, out);
    send_bye(other(side), now, out);
  }
}

void call::on_client_terminated(std::uint32_t slot, sip::termination_reason why, base::timestamp now, effects& out) {
  client_tx* c = find_client(slot);
  if (c == nullptr) return;
  if (slot == b_invite_slot_) {
    b_invite_slot_ = 0;
    disarm(timer_cancel_guard, out);
    disarm(timer_no_response, out);
    if (why == sip::termination_reason::timeout && !a_final_) {
      fail_a(408, "callee timeout", now, out);
    } else if (why == sip::termination_reason::transport_error && !a_final_) {
      if (!b_provisional_ && try_next_route(now, out)) return;
      const bool endpoint = setup_.route && setup_.route->kind == route_kind::endpoint;
      fail_a(endpoint ? 480 : 503, "callee unreachable", now, out);
    }
    return;
  }
  if (c->request.method == "CANCEL" && b_invite_slot_ != 0) {
    arm(timer_cancel_guard, now + 64 * options_.timers.t1, out);
    return;
  }
  if (why != sip::termination_reason::completed && c->peer_server != 0) {
    if (server_tx* s = find_server(c->peer_server)) respond(*s, 408, {}, nullptr, now, out);
  }
}

// ---- building blocks ----

std::uint32_t call::start_client(leg side, outgoing_request r, std::uint32_t peer_server, bool auth_answered,
                                 base::timestamp now, effects& out) {
  dialog& d = dialog_of(side);
  const std::uint32_t cseq = ++d.local_cseq;
  const std::string branch = sip::make_branch(options_.random());
  const auto kind = kind_of(d.peer.transport);
  client_tx c{next_slot_++,
              side,
              r.method == "INVITE" ? sip::client_transaction::invite(options_.timers, kind, ack_fields_of(d, r, cseq, branch))
                                   : sip::client_transaction::non_invite(options_.timers, kind),
              std::move(r),
              cseq,
              branch,
              {},
              auth_answered,
              peer_server};
  c.text = build_request(d, c.request, cseq, branch);
  if (side == leg::b && c.request.method == "INVITE" && peer_server == 0) {
    b_invite_cseq_ = cseq;
    b_invite_branch_ = branch;
    b_invite_ = c.request;
  }
  const std::uint32_t slot = c.slot;
  clients_.push_back(std::move(c));
  client_tx& added = clients_.back();
  apply(added, added.tx.start(now), nullptr, now, out);
  return slot;
}

std::uint32_t call::start_server(leg side, sip::message m, base::timestamp now, effects& out,
                                 const std::optional<destination>& reply_to) {
  const auto kind = kind_of(dialog_of(side).peer.transport);
  const bool invite = m.method() == sip::method::invite;
  server_tx s{next_slot_++, side,
              invite ? sip::server_transaction::invite(options_.timers, kind)
                     : sip::server_transaction::non_invite(options_.timers, kind),
              std::move(m), {}, 0, reply_to ? *reply_to : dialog_of(side).peer};
  const std::uint32_t slot = s.slot;
  servers_.push_back(std::move(s));
  server_tx& added = servers_.back();
  apply(added, added.tx.start(now), now, out);
  return slot;
}

void call::respond(server_tx& s, int status, std::string_view reason, const sip::message* carried,
                   base::timestamp now, effects& out) {
  sip::response_builder b(s.request, status, reason);
  if (s.side == leg::a) b.source(setup_.source.ip, setup_.source.port);
  if (s.request.to() && s.request.to()->tag().empty()) b.to_tag(dialog_of(s.side).local_tag);
  if (status > 100 && status < 300) b.header("Contact", dialog_of(s.side).contact);
  if (carried != nullptr && !carried->body().empty()) b.body(carried->content_type(), carried->body());
  s.response = b.build();
  apply(s, s.tx.respond(status, now), now, out);
}

void call::fail_a(int status, std::string_view reason, base::timestamp now, effects& out) {
  if (a_final_) return;
  a_final_ = true;
  disarm(timer_c, out);
  if (server_tx* s = find_server(a_invite_slot_)) respond(*s, status, {}, nullptr, now, out);
  state_ = call_state::ending;
  finish_cdr(status, reason, now, out);
}

void call::send_cancel(base::timestamp now, effects& out) {
  if (cancel_sent_ || b_invite_slot_ == 0) return;
  if (!b_provisional_) {
    cancel_pending_ = true;  // a CANCEL may only follow a provisional response (RFC 3261 §9.1)
    return;
  }
  cancel_sent_ = true;
  cancel_pending_ = false;
  // CANCEL: the INVITE's Request-URI, Call-ID, From, To (no tag), CSeq number and branch.
  dialog d = b_;
  d.remote_tag.clear();
  d.route_set.clear();
  outgoing_request r;
  r.method = "CANCEL";
  r.request_uri = b_invite_.request_uri;
  r.max_forwards = max_forwards_;
  const auto kind = kind_of(d.peer.transport);
  client_tx c{next_slot_++, leg::b, sip::client_transaction::non_invite(options_.timers, kind), r, b_invite_cseq_,
              b_invite_branch_, build_request(d, r, b_invite_cseq_, b_invite_branch_), true, 0};
  clients_.push_back(std::move(c));
  client_tx& added = clients_.back();
  apply(added, added.tx.start(now), nullptr, now, out);
}

void call::send_bye(leg side, base::timestamp now, effects& out) {
  outgoing_request r;
  r.method = "BYE";
  r.request_uri = dialog_of(side).remote_target;
  r.max_forwards = 70;
  start_client(side, std::move(r), 0, false, now, out);
}

void call::hang_up(std::string_view reason, int code, base::timestamp now, effects& out) {
  state_ = call_state::ending;
  finish_cdr(code, reason, now, out);
  // A relayed request still waiting on the other side will not be answered now.
  for (auto& s : servers_) {
    if (s.slot != a_invite_slot_ && s.tx.last_status() < 200) respond(s, 487, {}, nullptr, now, out);
  }
}

void call::send_2xx_ack(leg side, std::uint32_t cseq, const sip::message* ack, effects& out) {
  outgoing_request r;
  r.method = "ACK";
  r.request_uri = dialog_of(side).remote_target;
  if (ack != nullptr && !ack->body().empty()) {
    r.content_type = std::string(ack->content_type());
    r.body = std::string(ack->body());
  }
  last_ack_[index(side)] = build_request(dialog_of(side), r, cseq, sip::make_branch(options_.random()));
  last_ack_cseq_[index(side)] = cseq;
  send(side, last_ack_[index(side)], out);
}

void call::start_pending_2xx(const server_tx& s, std::uint32_t other_cseq, base::timestamp now, effects& out) {
  const leg side = s.side;
  pending_2xx& p = pending_[index(side)];
  p.active = true;
  p.text = s.response;
  p.to = s.reply_to;
  p.cseq = s.request.cseq()->number;
  p.other_cseq = other_cseq;
  p.interval = options_.timers.t1;
  if (dialog_of(side).peer.transport == config::transport::udp) {
    arm(timer_2xx_retransmit[index(side)], now + p.interval, out);
  }
  arm(timer_2xx_give_up[index(side)], now + 64 * options_.timers.t1, out);
}

void call::stop_pending_2xx(leg side, effects& out) {
  pending_[index(side)].active = false;
  disarm(timer_2xx_retransmit[index(side)], out);
  disarm(timer_2xx_give_up[index(side)], out);
}

void call::drop_client(std::uint32_t slot, effects& out) {
  client_tx* c = find_client(slot);
  if (c == nullptr) return;
  for (std::uint32_t t = 0; t < sip::timer_count; ++t) disarm(tx_timer(slot, static_cast<sip::timer_id>(t)), out);
  if (slot == b_invite_slot_) b_invite_slot_ = 0;
  terminated_.push_back(slot);
}

void call::finish_cdr(int code, std::string_view reason, base::timestamp now, effects& out) {
  if (auto record = cdr_.finish(code, reason, now)) out.emplace_back(std::in_place_type<write_cdr>, write_cdr{std::move(*record)});
}

// ---- effects of the transaction machines ----

void call::apply(server_tx& s, const sip::transaction_effects& fx, base::timestamp now, effects& out) {
  const std::uint32_t slot = s.slot;
  for (const auto& e : fx) {
    if (std::holds_alternative<sip::send_response>(e)) {
      out.push_back(send_message{s.response, s.reply_to});
    } else if (std::holds_alternative<sip::send_trying>(e)) {
      sip::response_builder b(s.request, 100);
      if (s.side == leg::a) b.source(setup_.source.ip, setup_.source.port);
      out.push_back(send_message{b.build(), s.reply_to});
    } else if (const auto* a = std::get_if<sip::arm_timer>(&e)) {
      arm(tx_timer(slot, a->timer), a->at, out);
    } else if (const auto* c = std::get_if<sip::cancel_timer>(&e)) {
      disarm(tx_timer(slot, c->timer), out);
    } else if (std::holds_alternative<sip::transaction_terminated>(e)) {
      terminated_.push_back(slot);
      if (slot == a_invite_slot_ && !a_final_) {
        // H fired or the transport failed before any final answer went out.
        a_final_ = true;
        state_ = call_state::ending;
        finish_cdr(408, "caller unreachable", now, out);
        send_cancel(now, out);
      }
    }
  }
}

void call::apply(client_tx& c, const sip::transaction_effects& fx, const sip::message* response, base::timestamp now,
                 effects& out) {
  const std::uint32_t slot = c.slot;
  const leg side = c.side;
  for (const auto& e : fx) {
    client_tx* live = find_client(slot);  // answering a challenge may grow clients_
    if (live == nullptr) return;
    if (std::holds_alternative<sip::send_request>(e)) {
      send(side, live->text, out);
    } else if (std::holds_alternative<sip::send_ack>(e)) {
      send(side, live->tx.ack_text(), out);
    } else if (const auto* a = std::get_if<sip::arm_timer>(&e)) {
      arm(tx_timer(slot, a->timer), a->at, out);
    } else if (const auto* x = std::get_if<sip::cancel_timer>(&e)) {
      disarm(tx_timer(slot, x->timer), out);
    } else if (std::holds_alternative<sip::deliver_response>(e)) {
      if (response != nullptr) on_client_response(*live, *response, now, out);
    } else if (const auto* t = std::get_if<sip::transaction_terminated>(&e)) {
      terminated_.push_back(slot);
      on_client_terminated(slot, t->reason, now, out);
    }
  }
}

void call::arm(std::uint32_t id, base::timestamp at, effects& out) {
  armed_[id] = at;
  out.push_back(arm_timer{id, at});
}

void call::disarm(std::uint32_t id, effects& out) {
  if (armed_.erase(id) != 0) out.push_back(cancel_timer{id});
}

void call::send(leg side, std::string text, effects& out) {
  out.push_back(send_message{std::move(text), dialog_of(side).peer});
}

void call::reap(effects& out) {
  for (std::uint32_t slot : terminated_) {
    std::erase_if(servers_, [slot](const server_tx& s) { return s.slot == slot; });
    std::erase_if(clients_, [slot](const client_tx& c) { return c.slot == slot; });
    if (slot == a_invite_slot_) a_invite_slot_ = 0;
  }
  terminated_.clear();
  if (state_ != call_state::ending || !cdr_.finished()) return;
  if (!servers_.empty() || !clients_.empty() || !armed_.empty()) return;
  if (pending_[0].active || pending_[1].active) return;
  state_ = call_state::ended;
  out.emplace_back(std::in_place_type<call_ended>);
}

call::server_tx* call::find_server(std::uint32_t slot) {
  if (slot == 0) return nullptr;
  for (auto& s : servers_) {
    if (s.slot == slot) return &s;
  }
  return nullptr;
}

call::client_tx* call::find_client(std::uint32_t slot) {
  if (slot == 0) return nullptr;
  for (auto& c : clients_) {
    if (c.slot == slot) return &c;
  }
  return nullptr;
}

}  // namespace tollgate::b2bua
