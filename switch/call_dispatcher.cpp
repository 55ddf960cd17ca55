// The call dispatcher: authorization and routing of new INVITEs, messages to their calls by
// Call-ID, and the calls' effects carried out.
#include "switch/call_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "b2bua/authorization.hpp"
#include "b2bua/cdr_builder.hpp"
#include "b2bua/routing.hpp"
#include "sip/parser.hpp"

namespace tollgate::switch_ {
namespace {

/// The calls keep their messages; a framed or parsed message is copied by parsing its text
/// again (messages are move-only and the transports keep theirs).
std::optional<sip::message> own(const sip::message& m) {
  auto parsed = sip::parse(m.raw());
  if (!parsed.ok()) return std::nullopt;
  return std::move(*parsed.msg);
}

/// The address a message arrived at, when the transport said (a test's peer may not).
std::optional<config::socket_address> arrival_of(const peer& from) {
  if (from.local.port == 0) return std::nullopt;
  return from.local;
}

b2bua::source_address source_of(const peer& from) { return {from.ip, from.port, from.transport, arrival_of(from)}; }

/// The same peer, whatever local address the message to it left from.
bool same_peer(const b2bua::destination& a, const b2bua::destination& b) {
  return a.host == b.host && a.port == b.port && a.transport == b.transport;
}

std::string host_text(const base::ip_address& ip) {
  const std::string text = ip.to_string();
  return ip.is_v4() ? text : "[" + text + "]";
}

}  // namespace

base::ip_address counted_source(const base::ip_address& ip) {
  const base::ip_address plain = ip.unmapped();
  return plain.is_v4() ? plain : plain.masked(64);
}

b2bua::destination response_destination(const sip::message& request, const peer& from) {
  b2bua::destination d{from.ip.to_string(), from.port, from.transport, arrival_of(from)};
  if (from.transport == config::transport::udp) {
    const auto via = request.top_via();
    if (via && !via->has_rport()) d.port = via->port_or_default();
  }
  return d;
}

call_dispatcher::call_dispatcher(call_services services, call_dispatcher_options options)
    : services_(std::move(services)), options_(options), spool_(services_.write_cdrs, options.cdr) {}

std::size_t call_dispatcher::active_from(const base::ip_address& ip) const {
  const auto it = calls_by_source_.find(counted_source(ip));
  return it == calls_by_source_.end() ? 0 : it->second;
}

const b2bua::call* call_dispatcher::find(std::string_view call_id) const {
  const auto it = by_call_id_.find(std::string(call_id));
  if (it == by_call_id_.end()) return nullptr;
  const auto c = calls_.find(it->second);
  return c == calls_.end() ? nullptr : c->second.call.get();
}

bool call_dispatcher::on_message(const sip::message& m, const peer& from, const config::config& c,
                                 base::timestamp now) {
  const auto known = by_call_id_.find(std::string(m.call_id()));
  if (known != by_call_id_.end()) {
    if (auto owned = own(m)) deliver(known->second, b2bua::message_received{std::move(*owned)}, now);
    return true;
  }
  if (m.is_response()) {
    ++counters_.stray_responses;
    return true;
  }
  const bool in_dialog = m.to() && !m.to()->tag().empty();
  switch (m.method()) {
    case sip::method::ack:
      return true;  // the ACK of a final response we sent outside any call (403, 407...)
    case sip::method::cancel: answer_unknown_dialog(m, from, c); return true;
    case sip::method::invite:
      if (!in_dialog) {
        on_new_invite(m, from, c, now);
        return true;
      }
      break;
    default:
      if (!in_dialog) return false;
      break;
  }
  answer_unknown_dialog(m, from, c);
  return true;
}

void call_dispatcher::answer_unknown_dialog(const sip::message& m, const peer& from, const config::config& c) {
  ++counters_.unknown_dialog;
  // Scanners probe with BYE, CANCEL and in-dialog INVITEs: with SS_REPLY_UNAUTHORIZED = 0
  // a stranger (no mapping gateway, routing gateway or live registration at its address)
  // learns nothing, as for an illegal INVITE.
  if (!c.parameters.enabled(policy::parameter::SS_REPLY_UNAUTHORIZED) && !known_source(from, c)) {
    ++counters_.unknown_dialog_silenced;
    return;
  }
  answer(m, from, b2bua::plain_response(m, source_of(from), 481), false);
}

bool call_dispatcher::known_source(const peer& from, const config::config& c) const {
  if (b2bua::mapping_gateway_of({c.mapping_gateways, c.endpoints}, source_of(from)) != nullptr) return true;
  if (services_.bindings.registered_from(from.ip)) return true;
  const base::ip_address ip = from.ip.unmapped();
  for (const auto& g : c.routing_gateways) {
    if (const auto host = base::ip_address::parse(g.host); host && host->unmapped() == ip) return true;
  }
  return false;
}

void call_dispatcher::on_new_invite(const sip::message& m, const peer& from, const config::config& c,
                                    base::timestamp now) {
  const b2bua::source_address source = source_of(from);
  const std::string call_id(m.call_id());
  const auto via = m.top_via();
  const std::string branch = via ? std::string(via->branch()) : std::string();
  auto key = transaction_key_of(m);
  if (key) {
    if (const std::string* cached = challenges_.find(*key, now)) {
      answer(m, from, *cached, false);  // a retransmission of a challenged INVITE
      return;
    }
  }
  if (rejected_.seen(call_id, branch, now)) {
    ++counters_.rejected_retransmissions;
    if (c.parameters.enabled(policy::parameter::SS_REPLY_UNAUTHORIZED)) {
      answer(m, from, b2bua::plain_response(m, source, 403), true);
    }
    return;
  }

  const auto credentials = b2bua::credential_values(m);
  sip::digest_verification verified;
  if (!credentials.empty()) verified = services_.digest.verify_all(credentials, m.method_text(), from.ip, now);
  const b2bua::authorization_request request{m, source, verified, services_.bindings.registered_from(from.ip)};
  auto a = b2bua::authorize(request, {c.mapping_gateways, c.endpoints}, c.parameters, now);
  switch (a.outcome) {
    case b2bua::authorization_outcome::exempt: return;
    case b2bua::authorization_outcome::challenge: {
      ++counters_.challenged;
      // The caller's own algorithms: the digest username it answered with, else From.
      const auto from_header = m.from();
      const std::string caller = !verified.username.empty() ? verified.username
                                 : from_header              ? std::string(from_header->address.user)
                                                            : std::string();
      std::string text = b2bua::challenge_response(
          m, source, services_.digest.challenge(a.challenge, m.method_text(), from.ip, now, a.stale, caller));
      if (key) challenges_.put(std::move(*key), text, now);
      answer(m, from, std::move(text), false);
      return;
    }
    case b2bua::authorization_outcome::refused:
    case b2bua::authorization_outcome::illegal:
      ++(a.outcome == b2bua::authorization_outcome::illegal ? counters_.illegal : counters_.refused);
      rejected_.remember(call_id, branch, now);
      if (a.report && services_.report) services_.report(*a.report);
      if (a.cdr) spool_.add(std::move(*a.cdr), now);
      if (a.status != 0) answer(m, from, b2bua::plain_response(m, source, a.status), true);
      if (spool_.queued() >= options_.cdr.batch) commit(now, false);
      return;
    case b2bua::authorization_outcome::authorized: break;
  }
  const base::ip_address counted = counted_source(from.ip);
  if (refuse_beyond_limits(m, from, counted, c, now)) return;

  auto routes = b2bua::route_alternatives(
      b2bua::callee_of(m), [this](std::string_view endpoint) { return contact_of(endpoint); }, c.routing_gateways);
  std::optional<b2bua::route> route;
  if (!routes.empty()) {
    route = std::move(routes.front());
    routes.erase(routes.begin());
  }
  auto invite = own(m);
  if (!invite) return;
  // Each leg speaks from the address its messages leave from: the B leg from the gateway's
  // pinned `local` or the listener towards the callee, the A leg from where the INVITE came
  // (or the mapping gateway's `local`).
  if (route) place(*route);
  for (auto& r : routes) place(r);
  b2bua::source_address caller = source;
  if (!caller.local) caller.local = services_.sender.local_towards(caller.as_destination());
  std::optional<config::socket_address> a_local;
  if (a.gateway != nullptr && a.gateway->local) {
    b2bua::destination pinned = caller.as_destination();
    pinned.local = a.gateway->local->local;
    a_local = services_.sender.local_towards(pinned);
  }
  b2bua::call_options o;
  const auto& speaks_from = route && route->address.local ? route->address.local : caller.local;
  if (speaks_from) {
    o.local_host = host_text(speaks_from->address);
    o.local_port = speaks_from->port;
  }
  o.timers = options_.timers;
  o.no_answer_timeout = options_.no_answer_timeout;
  o.gateway_no_response_timeout = c.sip.gateway_no_response_timeout;  // the configuration this INVITE met
  o.random = services_.random;
  const std::uint64_t serial = next_serial_++;
  entry e;
  e.call = std::make_unique<b2bua::call>(
      std::move(*invite), b2bua::call_setup{caller, a.account, a.mode, std::move(route), std::move(routes), a_local},
      std::move(o), now);
  e.a_peer = caller.as_destination();
  e.source = counted;
  ++calls_by_source_[counted];
  b2bua::call& placed = *e.call;
  by_call_id_[placed.a_call_id()] = serial;
  by_call_id_[placed.b_call_id()] = serial;
  calls_.emplace(serial, std::move(e));
  ++counters_.attempted;
  apply(serial, placed.start(now), now);
}

void call_dispatcher::place(b2bua::route& r) {
  r.address.local = r.local;  // a routing gateway's pinned `local`, or nullopt
  r.address.local = services_.sender.local_towards(r.address);
}

bool call_dispatcher::refuse_beyond_limits(const sip::message& m, const peer& from, const base::ip_address& source,
                                           const config::config& c, base::timestamp now) {
  const bool all_busy = calls_.size() >= c.sip.max_calls;
  if (!all_busy && active_from(source) < c.sip.max_calls_per_source) return false;
  ++(all_busy ? counters_.overloaded : counters_.overloaded_source);
  answer(m, from, b2bua::plain_response(m, source_of(from), 503), false);
  // One line a minute while it lasts: a flood must not flood the log too.
  const std::uint64_t refused = counters_.overloaded + counters_.overloaded_source;
  if (last_overload_log_ == base::timestamp{} || now - last_overload_log_ >= overload_log_interval) {
    spdlog::warn("calls: {} authorized INVITE(s) answered 503 since the last report; now {} call(s) in progress "
                 "(max_calls {}), {} from {} (max_calls_per_source {})",
                 refused - overloads_logged_, calls_.size(), c.sip.max_calls, active_from(source),
                 source.to_string(), c.sip.max_calls_per_source);
    last_overload_log_ = now;
    overloads_logged_ = refused;
  }
  return true;
}

void call_dispatcher::forget(std::unordered_map<std::uint64_t, entry>::iterator it) {
  entry& e = it->second;
  if (const auto counted = calls_by_source_.find(e.source); counted != calls_by_source_.end()) {
    if (--counted->second == 0) calls_by_source_.erase(counted);
  }
  by_call_id_.erase(e.call->a_call_id());
  by_call_id_.erase(e.call->b_call_id());
  calls_.erase(it);
}

void call_dispatcher::on_transport_failed(std::uint64_t call, const b2bua::destination& to, base::timestamp now) {
  const auto it = calls_.find(call);
  if (it == calls_.end()) return;
  ++counters_.transport_failures;
  const bool a_leg = same_peer(to, it->second.a_peer);
  if (!a_leg && !(to == it->second.call->b_peer())) return;  // a gateway the call has failed over from
  deliver(call, b2bua::transport_failed{a_leg ? b2bua::leg::a : b2bua::leg::b}, now);
}

void call_dispatcher::on_tick(base::timestamp now) {
  for (const call_timer& t : timers_.take_due(now)) deliver(t.call, b2bua::timer_fired{t.timer}, now);
  commit(now, false);
}

void call_dispatcher::terminate_all(std::string_view reason, base::timestamp now) {
  std::vector<std::uint64_t> serials;
  serials.reserve(calls_.size());
  for (const auto& [serial, e] : calls_) serials.push_back(serial);
  for (const std::uint64_t serial : serials) {
    const auto it = calls_.find(serial);
    if (it != calls_.end()) apply(serial, it->second.call->terminate(reason, now), now);
  }
}

bool call_dispatcher::flush(base::timestamp now) {
  commit(now, true);
  return !spool_.pending();
}

std::optional<base::timestamp> call_dispatcher::next_deadline() const {
  const auto timer = timers_.next();
  const auto cdr = spool_.due();
  if (!timer) return cdr;
  if (!cdr) return timer;
  return std::min(*timer, *cdr);
}

void call_dispatcher::prune(base::timestamp now) { challenges_.prune(now); }

void call_dispatcher::deliver(std::uint64_t serial, b2bua::event ev, base::timestamp now) {
  const auto it = calls_.find(serial);
  if (it == calls_.end()) return;
  apply(serial, it->second.call->on_event(std::move(ev), now), now);
}

void call_dispatcher::apply(std::uint64_t serial, b2bua::effects fx, base::timestamp now) {
  const auto it = calls_.find(serial);
  if (it == calls_.end()) return;
  entry& e = it->second;
  // CDRs first: a response in an effect list that writes a CDR (the final answer, the 200
  // to a BYE), wherever the core put it in the list, waits for that row's commit. Requests
  // (the BYE or CANCEL to the other side, ACKs) acknowledge nothing and go at once.
  bool writes_cdr = false;
  for (auto& effect : fx) {
    if (auto* w = std::get_if<b2bua::write_cdr>(&effect)) {
      if (!w->record.answer_time) ++counters_.failed;
      spool_.add(std::move(w->record), now);
      writes_cdr = true;
    }
  }
  bool ended = false;
  for (auto& effect : fx) {
    if (auto* s = std::get_if<b2bua::send_message>(&effect)) {
      const bool response = std::string_view(s->text).starts_with("SIP/2.0 ");
      send(serial, s->to, std::move(s->text), response && (writes_cdr || holding_.contains(serial)));
    } else if (const auto* a = std::get_if<b2bua::arm_timer>(&effect)) {
      timers_.arm({serial, a->timer}, a->at);
    } else if (const auto* x = std::get_if<b2bua::cancel_timer>(&effect)) {
      timers_.cancel({serial, x->timer});
    } else if (const auto* r = std::get_if<b2bua::send_report>(&effect)) {
      if (services_.report) services_.report(r->report);
    } else if (std::holds_alternative<b2bua::call_ended>(effect)) {
      ended = true;
    }
  }
  if (!e.answered && e.call->cdr().answer_time) {
    e.answered = true;
    ++counters_.answered;
  }
  if (ended) {
    timers_.cancel_all(serial);
    forget(it);
  }
  if (spool_.queued() >= options_.cdr.batch) commit(now, false);
}

void call_dispatcher::answer(const sip::message& request, const peer& from, std::string text, bool behind_cdrs) {
  send(0, response_destination(request, from), std::move(text), behind_cdrs);
}

void call_dispatcher::send(std::uint64_t serial, const b2bua::destination& to, std::string text, bool hold) {
  if (hold && spool_.pending()) {
    auto now_or_never = spool_.hold({serial, to, std::move(text)});
    if (!now_or_never) {
      if (serial != 0) holding_.insert(serial);
      return;
    }
    text = std::move(now_or_never->text);
  }
  services_.sender.send(to, std::move(text), serial);
}

void call_dispatcher::commit(base::timestamp now, bool force) {
  const auto before = spool_.counters();
  const auto was_degraded = spool_.degraded_since();
  auto released = spool_.commit(now, force);
  const auto& after = spool_.counters();
  if (after.degraded_periods != before.degraded_periods) {
    spdlog::error("switch.db: CDR rows cannot be written ({}); calls are answered without waiting for their CDRs, "
                  "{} rows kept in memory (at most {}; beyond, the oldest are dropped and counted), retried every {} ms",
                  spool_.last_error(), spool_.queued(), spool_.capacity(), options_.cdr.retry_after.count());
    last_cdr_alarm_ = now;
  } else if (after.write_failures != before.write_failures && now - last_cdr_alarm_ >= cdr_alarm_interval) {
    spdlog::error("switch.db: CDR rows still cannot be written ({}): {} queued, {} dropped so far, {} writes failed",
                  spool_.last_error(), spool_.queued(), after.dropped, after.write_failures);
    last_cdr_alarm_ = now;
  }
  if (was_degraded && !spool_.degraded_since()) {
    spdlog::warn("switch.db: CDR writes recovered after {} s; {} rows dropped in all while they failed",
                 std::chrono::duration_cast<std::chrono::seconds>(now - *was_degraded).count(), after.dropped);
  }
  if (spool_.held() == 0) holding_.clear();
  for (auto& m : released) services_.sender.send(m.to, std::move(m.text), m.call);
}

std::optional<b2bua::registered_contact> call_dispatcher::contact_of(std::string_view endpoint) const {
  const store::binding_row* row = services_.bindings.latest(endpoint);
  if (row == nullptr) return std::nullopt;
  b2bua::registered_contact contact;
  contact.uri = row->contact;
  contact.address.host = row->source_ip.unmapped().to_string();
  contact.address.port = row->source_port;
  contact.address.transport = config::parse_transport(row->transport).value_or(config::transport::udp);
  return contact;
}

}  // namespace tollgate::switch_
