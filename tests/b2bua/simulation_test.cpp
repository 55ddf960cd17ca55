// A deterministic simulation of callers, a carrier and the B2BUA core: seeded random
// behaviour (answers, ringing, rejections, silence, carrier challenges, cancels, BYEs from
// either side, illegal callers) over an in-memory lossy network on a manual clock, with
// invariants checked at the end. The seed is printed; TOLLGATE_SEED=N reruns one seed and
// TOLLGATE_TRACE=TEXT prints every delivered message that contains TEXT (a Call-ID).
#include "b2bua/call.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <random>

#include "b2bua/authorization.hpp"
#include "b2bua/rejection_cache.hpp"
#include "b2bua/routing.hpp"
#include "support.hpp"

using namespace tollgate;
using namespace tollgate::b2bua;
using namespace std::chrono_literals;

namespace {

const destination switch_address{"192.0.2.1", 5060, config::transport::udp};
const destination carrier_address{"192.0.2.50", 5060, config::transport::udp};
constexpr auto step = 10ms;
constexpr auto retransmit = 500ms;

struct packet {
  base::timestamp at;
  destination from;
  destination to;
  std::string text;
};

struct world {
  std::mt19937_64 rng;
  base::timestamp now = base::from_unix_seconds(1764158400);
  int loss_percent;
  std::vector<packet> in_flight;
  std::uint64_t sent = 0, lost = 0;

  explicit world(std::uint64_t seed) : rng(seed), loss_percent(static_cast<int>(seed % 9)) {}
  int pick(int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return pick(100) < percent; }
  base::millis some(int min_ms, int max_ms) { return base::millis{min_ms + pick(max_ms - min_ms + 1)}; }
  void send(const destination& from, const destination& to, std::string text) {
    ++sent;
    if (chance(loss_percent)) {
      ++lost;
      return;
    }
    in_flight.push_back({now + some(1, 40), from, to, std::move(text)});
  }
};

std::string hex(std::uint64_t v) { return sip::make_tag(v); }

// ---- the caller: a UAC with its own retransmissions ----
struct caller {
  enum class plan { hang_up, wait_for_bye, cancel };
  int index = 0;
  bool illegal = false;
  destination address;
  plan what = plan::hang_up;
  base::millis cancel_after{0}, talk_for{0};
  std::string call_id, from_tag, branch;
  std::string invite;
  int invite_sends = 0;
  base::timestamp next_invite{};
  bool provisional = false, final = false, answered = false;
  int final_status = 0;
  std::string to_header;  // To of the 2xx, with its tag
  base::timestamp answered_at{};
  // one outstanding non-INVITE request (CANCEL or BYE)
  std::string pending;
  int pending_sends = 0;
  base::timestamp next_pending{};
  bool cancel_sent = false, bye_sent = false, bye_seen = false, ended = false;

  std::string from_value() const { return "<sip:" + std::to_string(1000 + index) + "@" + address.host + ">;tag=" + from_tag; }
};

// ---- the carrier: a UAS per B-leg Call-ID ----
struct carrier_call {
  enum class plan { answer, reject, ring_forever, silent };
  plan what = plan::answer;
  bool challenge = false;  // answer the first INVITE with 407
  bool challenged = false;
  bool hang_up = false;    // after answering, the carrier sends the BYE
  std::optional<sip::message> invite;
  std::string tag;
  base::timestamp ring_at{}, final_at{}, bye_at{};
  int final_status = 200;
  std::string last_response;
  bool final_sent = false, acked = false, answered = false;
  int final_sends = 0;
  base::timestamp next_final{};
  std::string bye;
  int bye_sends = 0;
  base::timestamp next_bye{};
  bool bye_sent = false, bye_seen = false, bye_done = false;
};

struct sim {
  world w;
  std::vector<caller> callers;
  std::map<std::string, carrier_call> carrier;  // by B-leg Call-ID
  std::vector<std::unique_ptr<call>> calls;
  std::map<std::string, std::size_t> by_call_id;                 // both legs' Call-IDs
  std::vector<std::map<std::uint32_t, base::timestamp>> timers;  // the adapter's view, per call
  std::vector<bool> ended;
  std::map<std::string, int> cdrs;  // per A-leg Call-ID
  rejection_cache rejected;
  int illegal_reports = 0;
  std::uint64_t counter = 0;
  std::vector<std::string> violations;
  std::vector<config::mapping_gateway> gateways;
  std::vector<config::routing_gateway> routes;

  explicit sim(std::uint64_t seed) : w(seed) {
    config::mapping_gateway g;
    g.name = "customers";
    g.networks = {*base::ip_prefix::parse("198.51.100.0/24")};
    gateways.push_back(g);
    config::routing_gateway r;
    r.name = "carrier-1";
    r.host = carrier_address.host;
    r.prefixes = {""};
    r.auth_username = "acct";
    r.auth_password = "pw";
    routes.push_back(r);
  }

  // -- the switch front: what switch/ will do around the core --
  void apply(std::size_t i, const effects& fx) {
    for (const auto& e : fx) {
      if (ended[i]) violations.push_back("effect after call_ended");
      if (const auto* s = std::get_if<send_message>(&e)) {
        w.send(switch_address, s->to, s->text);
      } else if (const auto* a = std::get_if<arm_timer>(&e)) {
        timers[i][a->timer] = a->at;
      } else if (const auto* c = std::get_if<cancel_timer>(&e)) {
        timers[i].erase(c->timer);
      } else if (const auto* d = std::get_if<write_cdr>(&e)) {
        ++cdrs[d->record.call_id];
      } else if (std::holds_alternative<call_ended>(e)) {
        if (!timers[i].empty()) violations.push_back("timers armed after call_ended");
        if (!calls[i]->armed_timers().empty()) violations.push_back("call still holds timers after call_ended");
        ended[i] = true;
      }
    }
  }

  void switch_receive(const packet& p) {
    auto parsed = sip::parse(p.text);
    if (!parsed.ok()) {
      violations.push_back("unparsable message from the core or a peer");
      return;
    }
    sip::message m = std::move(*parsed.msg);
    const std::string id(m.call_id());
    if (const auto it = by_call_id.find(id); it != by_call_id.end()) {
      if (!ended[it->second]) apply(it->second, calls[it->second]->on_event(message_received{std::move(m)}, w.now));
      return;
    }
    if (!m.is_request() || m.method() != sip::method::invite) return;  // strays: ACKs of 403s and late ones
    const source_address src{*base::ip_address::parse(p.from.host), p.from.port, p.from.transport};
    const std::string branch(m.top_via()->branch());
    if (rejected.seen(id, branch, w.now)) {  // a retransmitted illegal INVITE: same answer, no new CDR
      w.send(switch_address, p.from, plain_response(m, src, 403));
      return;
    }
    const authorization a = authorize({m, src, {}, false}, {gateways, {}}, policy::parameter_set{}, w.now);
    if (a.outcome != authorization_outcome::authorized) {
      rejected.remember(id, branch, w.now);
      if (a.cdr) ++cdrs[a.cdr->call_id];
      if (a.report && a.report->type == policy::report_type::illegal_call) ++illegal_reports;
      if (a.status != 0) w.send(switch_address, p.from, plain_response(m, src, a.status));
      return;
    }
    auto r = route_call(callee_of(m), {}, routes);
    call_options o;
    o.local_host = switch_address.host;
    o.random = [this] { return ++counter; };
    o.no_answer_timeout = 60s;
    calls.push_back(std::make_unique<call>(std::move(m), call_setup{src, a.account, a.mode, std::move(r)}, o, w.now));
    timers.emplace_back();
    ended.push_back(false);
    const std::size_t i = calls.size() - 1;
    by_call_id[calls[i]->a_call_id()] = i;
    by_call_id[calls[i]->b_call_id()] = i;
    apply(i, calls[i]->start(w.now));
  }

  void fire_timers() {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      for (bool again = true; again && !ended[i];) {
        again = false;
        for (const auto& [id, at] : timers[i]) {
          if (at > w.now) continue;
          const std::uint32_t fired = id;
          timers[i].erase(fired);
          apply(i, calls[i]->on_event(timer_fired{fired}, w.now));
          again = true;
          break;
        }
      }
    }
  }

  // -- callers --
  void make_callers(int legal, int illegal) {
    for (int i = 0; i < legal + illegal; ++i) {
      caller c;
      c.index = i;
      c.illegal = i >= legal;
      c.address = {c.illegal ? "203.0.113." + std::to_string(1 + i % 200) : "198.51.100." + std::to_string(10 + i % 200),
                   5060, config::transport::udp};
      const int roll = w.pick(100);
      c.what = roll < 45 ? caller::plan::hang_up : roll < 75 ? caller::plan::wait_for_bye : caller::plan::cancel;
      c.cancel_after = w.some(50, 8000);
      c.talk_for = w.some(100, 30000);
      c.call_id = "sim-" + std::to_string(i) + "-" + hex(w.rng());
      c.from_tag = hex(w.rng());
      c.branch = "z9hG4bK" + hex(w.rng());
      test::invite_spec s;
      s.call_id = c.call_id;
      s.caller = std::to_string(1000 + i);
      s.callee = "00" + std::to_string(4400000 + i);
      s.host = c.address.host;
      s.branch = c.branch;
      s.from_tag = c.from_tag;
      c.invite = test::invite_text(s);
      c.next_invite = w.now + w.some(0, 20000);  // first send
      callers.push_back(std::move(c));
    }
  }

  void caller_tick(caller& c) {
    if (c.ended) return;
    if (!c.final && !c.provisional && c.invite_sends < 7 && w.now >= c.next_invite) {
      w.send(c.address, switch_address, c.invite);
      ++c.invite_sends;
      c.next_invite = w.now + retransmit * (1 << std::min(c.invite_sends - 1, 3));
    }
    if (c.invite_sends == 0) return;
    if (c.what == caller::plan::cancel && !c.final && !c.cancel_sent && c.provisional &&
        w.now >= c.next_invite - retransmit + c.cancel_after) {
      c.cancel_sent = true;
      c.pending = test::dialog_request("CANCEL", "sip:" + std::to_string(4400000 + c.index) + "@192.0.2.1", c.address.host,
                                       c.branch, c.from_value(), "<sip:00" + std::to_string(4400000 + c.index) + "@192.0.2.1>",
                                       c.call_id, 1);
      c.pending_sends = 0;
      c.next_pending = w.now;
    }
    // A caller waiting for the callee's BYE gives up 40 s later than one who hangs up.
    const base::millis patience = c.talk_for + (c.what == caller::plan::wait_for_bye ? base::millis{40'000} : base::millis{0});
    if (c.answered && !c.bye_sent && !c.bye_seen && w.now >= c.answered_at + patience) {
      c.bye_sent = true;
      c.pending = test::dialog_request("BYE", "sip:192.0.2.1:5060", c.address.host, "z9hG4bK" + hex(w.rng()),
                                       c.from_value(), c.to_header, c.call_id, 2);
      c.pending_sends = 0;
      c.next_pending = w.now;
    }
    if (!c.pending.empty() && c.pending_sends < 11 && w.now >= c.next_pending) {
      w.send(c.address, switch_address, c.pending);
      ++c.pending_sends;
      c.next_pending = w.now + retransmit * (1 << std::min(c.pending_sends - 1, 3));
    }
  }

  void caller_receive(caller& c, const sip::message& m) {
    if (m.is_request()) {
      if (m.method() == sip::method::ack) return;
      if (m.method() == sip::method::bye) c.bye_seen = true;
      w.send(c.address, switch_address, sip::response_builder(m, 200).build());
      return;
    }
    const auto cs = m.cseq();
    if (cs->method == "INVITE") {
      const int status = m.status_code();
      if (status < 200) {
        c.provisional = true;
        return;
      }
      if (!c.final) {
        c.final = true;
        c.final_status = status;
      }
      if (status < 300) {
        if (!c.answered) {
          c.answered = true;
          c.answered_at = w.now;
          c.to_header = std::string(m.header(sip::header_id::to));
        }
        w.send(c.address, switch_address,
               test::dialog_request("ACK", "sip:192.0.2.1:5060", c.address.host, "z9hG4bK" + hex(w.rng()), c.from_value(),
                                    m.header(sip::header_id::to), c.call_id, 1));
      } else {
        std::string ack = test::dialog_request("ACK", "sip:00" + std::to_string(4400000 + c.index) + "@192.0.2.1",
                                               c.address.host, c.branch, c.from_value(), m.header(sip::header_id::to),
                                               c.call_id, 1);
        w.send(c.address, switch_address, ack);
      }
    } else if (cs->method == "BYE" || cs->method == "CANCEL") {
      if (cs->method == "BYE") c.ended = true;
      c.pending.clear();
    }
  }

  // -- the carrier --
  void carrier_receive(sip::message m) {
    const std::string id(m.call_id());
    if (!m.is_request()) {
      if (m.cseq()->method == "BYE") carrier[id].bye_done = true;
      return;
    }
    auto it = carrier.find(id);
    if (m.method() == sip::method::invite && it == carrier.end()) {
      carrier_call cc;
      const int roll = w.pick(100);
      cc.what = roll < 50 ? carrier_call::plan::answer
              : roll < 70 ? carrier_call::plan::reject
              : roll < 85 ? carrier_call::plan::ring_forever
                          : carrier_call::plan::silent;
      cc.challenge = w.chance(20);
      cc.hang_up = w.chance(50);
      cc.tag = hex(w.rng());
      cc.ring_at = w.now + w.some(10, 2000);
      cc.final_at = cc.ring_at + w.some(10, 15000);
      cc.final_status = cc.what == carrier_call::plan::reject ? (w.chance(50) ? 486 : 503) : 200;
      it = carrier.emplace(id, std::move(cc)).first;
    }
    if (it == carrier.end()) {
      w.send(carrier_address, switch_address, sip::response_builder(m, 481).build());
      return;
    }
    carrier_call& cc = it->second;
    switch (m.method()) {
      case sip::method::invite: {
        if (cc.challenge && !cc.challenged) {
          cc.challenged = true;
          sip::response_builder b(m, 407);
          b.to_tag(cc.tag).header("Proxy-Authenticate", "Digest realm=\"carrier\", nonce=\"" + hex(w.rng()) + "\", qop=\"auth\"");
          w.send(carrier_address, switch_address, b.build());
          return;
        }
        if (cc.challenge && m.header("Proxy-Authorization").empty()) {
          w.send(carrier_address, switch_address, sip::response_builder(m, 407).to_tag(cc.tag).build());
          return;
        }
        if (cc.invite && cc.invite->cseq()->number == m.cseq()->number) {  // retransmission
          if (!cc.last_response.empty()) w.send(carrier_address, switch_address, cc.last_response);
          return;
        }
        if (cc.invite && cc.answered) {  // a re-INVITE: accept
          w.send(carrier_address, switch_address, test::response_text(m, 200, cc.tag, carrier_address.host));
          return;
        }
        if (cc.what != carrier_call::plan::silent) {
          cc.last_response = test::response_text(m, 100, cc.tag, carrier_address.host);
          w.send(carrier_address, switch_address, cc.last_response);
        }
        cc.invite = std::move(m);
        return;
      }
      case sip::method::ack:  // the ACK of a 407 is not the ACK of the final answer
        if (cc.invite && m.cseq()->number == cc.invite->cseq()->number) cc.acked = true;
        return;
      case sip::method::cancel:
        w.send(carrier_address, switch_address, sip::response_builder(m, 200).build());
        if (!cc.final_sent && cc.invite) carrier_final(cc, 487);
        return;
      case sip::method::bye:
        cc.bye_seen = true;
        w.send(carrier_address, switch_address, sip::response_builder(m, 200).build());
        return;
      default:
        w.send(carrier_address, switch_address, sip::response_builder(m, 200).build());
        return;
    }
  }

  void carrier_final(carrier_call& cc, int status) {
    cc.final_sent = true;
    cc.final_status = status;
    cc.answered = status < 300;
    cc.last_response = test::response_text(*cc.invite, status, cc.tag, carrier_address.host,
                                           status < 300 ? "v=0\r\no=carrier\r\n" : "");
    cc.final_sends = 0;
    cc.next_final = w.now;
    if (cc.answered) cc.bye_at = w.now + w.some(100, 30000);
  }

  void carrier_tick() {
    for (auto& [id, cc] : carrier) {
      if (!cc.invite || cc.what == carrier_call::plan::silent) continue;
      if (!cc.final_sent && cc.ring_at <= w.now && cc.last_response.find("SIP/2.0 180") != 0 &&
          cc.last_response.find("SIP/2.0 100") == 0) {
        cc.last_response = test::response_text(*cc.invite, 180, cc.tag, carrier_address.host);
        w.send(carrier_address, switch_address, cc.last_response);
      }
      if (!cc.final_sent && cc.what != carrier_call::plan::ring_forever && cc.final_at <= w.now) {
        carrier_final(cc, cc.final_status);
      }
      if (cc.final_sent && !cc.acked && cc.final_sends < 11 && w.now >= cc.next_final) {
        w.send(carrier_address, switch_address, cc.last_response);
        ++cc.final_sends;
        cc.next_final = w.now + retransmit * (1 << std::min(cc.final_sends - 1, 3));
      }
      if (cc.answered && cc.hang_up && !cc.bye_seen && !cc.bye_sent && w.now >= cc.bye_at) {
        cc.bye_sent = true;
        const auto& inv = *cc.invite;
        cc.bye = test::dialog_request("BYE", inv.contacts()->contacts.front().address.text, carrier_address.host,
                                      "z9hG4bK" + hex(w.rng()),
                                      std::string(inv.header(sip::header_id::to)) + ";tag=" + cc.tag,
                                      inv.header(sip::header_id::from), id, 100);
      }
      if (cc.bye_sent && !cc.bye_done && cc.bye_sends < 11 && w.now >= cc.next_bye) {
        w.send(carrier_address, switch_address, cc.bye);
        ++cc.bye_sends;
        cc.next_bye = w.now + retransmit * (1 << std::min(cc.bye_sends - 1, 3));
      }
    }
  }

  void deliver() {
    std::vector<packet> due;
    std::vector<packet> later;
    for (auto& p : w.in_flight) (p.at <= w.now ? due : later).push_back(std::move(p));
    w.in_flight = std::move(later);
    std::stable_sort(due.begin(), due.end(), [](const packet& a, const packet& b) { return a.at < b.at; });
    for (const packet& p : due) {
      if (const char* t = std::getenv("TOLLGATE_TRACE"); t != nullptr && p.text.find(t) != std::string::npos) {
        std::cout << base::format_unix_seconds(p.at) << " " << p.from.host << " -> " << p.to.host << "\n"
                  << p.text.substr(0, p.text.find("\r\n\r\n")) << "\n\n";
      }
      if (p.to == switch_address) {
        switch_receive(p);
      } else if (p.to == carrier_address) {
        auto parsed = sip::parse(p.text);
        if (parsed.ok()) carrier_receive(std::move(*parsed.msg));
      } else {
        auto parsed = sip::parse(p.text);
        if (!parsed.ok()) continue;
        for (auto& c : callers) {
          if (c.call_id == parsed.msg->call_id()) caller_receive(c, *parsed.msg);
        }
      }
    }
  }

  void run(base::millis length) {
    const base::timestamp end = w.now + length;
    while (w.now < end) {
      for (auto& c : callers) caller_tick(c);
      carrier_tick();
      deliver();
      fire_timers();
      w.now += step;
    }
  }
};

void run_seed(std::uint64_t seed) {
  std::cout << "b2bua simulation seed " << seed << " (rerun with TOLLGATE_SEED=" << seed << ")\n";
  INFO("seed " << seed << " (rerun with TOLLGATE_SEED=" << seed << ")");
  sim s(seed);
  s.make_callers(40, 10);
  s.run(300s);  // 20 s of call starts, 60 s Timer C, 30 s talk, 32 s transaction tails and more

  INFO("sent " << s.w.sent << ", lost " << s.w.lost);
  for (const auto& v : s.violations) FAIL_CHECK(v);
  int legal = 0;
  for (const auto& c : s.callers) {
    INFO("caller " << c.index << (c.illegal ? " (illegal)" : "") << " call " << c.call_id);
    CHECK(c.final);  // every INVITE got a final response
    CHECK(s.cdrs[c.call_id] == 1);  // every call attempt produced exactly one CDR
    if (c.illegal) CHECK(c.final_status == 403);
    if (c.answered) CHECK((c.bye_seen || c.bye_sent));  // no answered call left up on the caller's side
    legal += c.illegal ? 0 : 1;
  }
  CHECK(s.calls.size() == static_cast<std::size_t>(legal));
  CHECK(s.illegal_reports == 10);
  for (std::size_t i = 0; i < s.calls.size(); ++i) {
    INFO("call " << s.calls[i]->a_call_id() << " state " << to_string(s.calls[i]->state()));
    CHECK(s.ended[i]);  // every call ended, so no timer is left armed
    CHECK(s.timers[i].empty());
  }
  for (const auto& [id, cc] : s.carrier) {
    INFO("carrier call " << id << " plan " << static_cast<int>(cc.what) << " challenge " << cc.challenge << " final "
                         << cc.final_status << " hang_up " << cc.hang_up);
    if (cc.answered && cc.acked) CHECK((cc.bye_seen || cc.bye_sent));  // nothing left up at the carrier
  }
}

}  // namespace

TEST_CASE("simulated callers, carrier and lossy network: invariants hold", "[b2bua][simulation]") {
  if (const char* env = std::getenv("TOLLGATE_SEED")) {
    run_seed(std::strtoull(env, nullptr, 10));
    return;
  }
  for (std::uint64_t seed = 1; seed <= 12; ++seed) run_seed(seed);
}
