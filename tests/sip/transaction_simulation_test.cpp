// Deterministic simulation: client and server transactions over a lossy in-memory UDP link,
// a manual clock and a seeded random TU. Invariants checked per run (seed printed on failure):
// every client transaction terminates in bounded time, retransmissions follow the RFC schedule
// (INVITE: T1 doubling; non-INVITE: doubling capped at T2), the TU sees at most one final
// response, and every server transaction whose TU answered terminates.
#include "sip/client_transaction.hpp"
#include "sip/server_transaction.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <optional>
#include <random>
#include <vector>

using namespace tollgate;
using namespace tollgate::sip;
using namespace std::chrono_literals;

namespace {

struct simulation {
  explicit simulation(std::uint64_t seed) : rng(seed) {}

  std::mt19937_64 rng;
  base::timestamp now{base::millis{1764158400000}};
  std::multimap<base::timestamp, std::function<void()>> events;
  double loss = 0.0;

  void at(base::timestamp when, std::function<void()> f) { events.emplace(when, std::move(f)); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  base::millis uniform(int lo, int hi) { return base::millis{std::uniform_int_distribution<int>(lo, hi)(rng)}; }
  // A datagram: maybe lost, else delivered after a random delay (reordering allowed).
  void send(std::function<void()> deliver) {
    if (chance(loss)) return;
    at(now + uniform(1, 120), std::move(deliver));
  }
  void run_until(base::timestamp end) {
    while (!events.empty() && events.begin()->first <= end) {
      auto node = events.extract(events.begin());
      now = node.key();
      node.mapped()();
    }
  }
};

struct outcome {
  bool terminated = false;
  base::timestamp ended_at{};
  termination_reason reason{};
  std::vector<base::timestamp> request_sends;
  std::vector<base::millis> intervals_in_proceeding;  // E intervals once a 1xx arrived
  int finals_delivered = 0;
  bool server_terminated = false;
  bool server_timed_out = false;
};

outcome run_one(std::uint64_t seed, bool invite, const timer_config& config) {
  simulation sim(seed);
  sim.loss = std::uniform_real_distribution<double>(0.0, 0.6)(sim.rng);
  const bool tu_answers = sim.chance(0.8);
  const bool tu_provisional = sim.chance(0.5);
  const base::millis tu_delay = sim.uniform(0, 40000);
  static constexpr int finals[] = {200, 404, 486, 503};
  const int final_status = finals[std::uniform_int_distribution<int>(0, 3)(sim.rng)];

  outcome result;
  ack_fields ack;
  ack.request_uri = "sip:b@198.51.100.2";
  ack.via = "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKsim";
  ack.from = "<sip:a@192.0.2.1>;tag=a";
  ack.call_id = "sim";
  ack.cseq = 1;
  auto client = invite ? client_transaction::invite(config, transport_kind::unreliable, ack)
                       : client_transaction::non_invite(config, transport_kind::unreliable);
  std::optional<server_transaction> server;
  bool client_proceeding = false;
  base::timestamp last_send{};

  std::function<void(const transaction_effects&)> apply_client;
  std::function<void(const transaction_effects&)> apply_server;
  std::function<void()> request_arrives;
  std::function<void(int)> response_arrives;

  apply_client = [&](const transaction_effects& effects) {
    for (const auto& e : effects) {
      if (std::holds_alternative<send_request>(e)) {
        if (client_proceeding && !result.request_sends.empty()) result.intervals_in_proceeding.push_back(sim.now - last_send);
        result.request_sends.push_back(sim.now);
        last_send = sim.now;
        sim.send(request_arrives);
      } else if (std::holds_alternative<send_ack>(e)) {
        sim.send([&] {
          if (server) apply_server(server->on_ack(sim.now));
        });
      } else if (const auto* a = std::get_if<arm_timer>(&e)) {
        const timer_id id = a->timer;
        sim.at(a->at, [&, id] { apply_client(client.on_timer(id, sim.now)); });
      } else if (const auto* d = std::get_if<deliver_response>(&e)) {
        if (d->status >= 200) ++result.finals_delivered;
        if (d->status < 200) client_proceeding = true;
      } else if (const auto* t = std::get_if<transaction_terminated>(&e)) {
        result.terminated = true;
        result.ended_at = sim.now;
        result.reason = t->reason;
      }
    }
  };
  apply_server = [&](const transaction_effects& effects) {
    for (const auto& e : effects) {
      if (const auto* r = std::get_if<send_response>(&e)) {
        const int status = r->status;
        sim.send([&, status] { response_arrives(status); });
      } else if (std::holds_alternative<send_trying>(e)) {
        sim.send([&] { response_arrives(100); });
      } else if (const auto* a = std::get_if<arm_timer>(&e)) {
        const timer_id id = a->timer;
        sim.at(a->at, [&, id] { apply_server(server->on_timer(id, sim.now)); });
      } else if (std::holds_alternative<deliver_request>(e)) {
        if (tu_provisional) sim.at(sim.now + tu_delay / 2, [&] { apply_server(server->respond(180, sim.now)); });
        if (tu_answers) sim.at(sim.now + tu_delay, [&] { apply_server(server->respond(final_status, sim.now)); });
      } else if (const auto* t = std::get_if<transaction_terminated>(&e)) {
        result.server_terminated = true;
        result.server_timed_out = t->reason == termination_reason::timeout;
      }
    }
  };
  request_arrives = [&] {
    if (!server) {
      server = invite ? server_transaction::invite(config, transport_kind::unreliable)
                      : server_transaction::non_invite(config, transport_kind::unreliable);
      apply_server(server->start(sim.now));
    } else {
      apply_server(server->on_request_retransmission(sim.now));
    }
  };
  response_arrives = [&](int status) { apply_client(client.on_response(status, "<sip:b@x>;tag=b", sim.now)); };

  const base::timestamp start = sim.now;
  apply_client(client.start(sim.now));
  sim.run_until(start + 10min);
  // A server transaction waits for its TU; it must end whenever the TU answered (or the
  // request never arrived).
  if (!server || !tu_answers) result.server_terminated = true;
  // An INVITE in proceeding has no transaction timeout: its TU's Timer C ends it. That is
  // legitimate only when no final response could arrive: the TU never answered, answered
  // 2xx (whose retransmission is the TU's job, not the transaction's), or every copy of the
  // non-2xx was lost until Timer H.
  if (!result.terminated && invite && client_proceeding &&
      (!tu_answers || final_status < 300 || result.server_timed_out)) {
    result.terminated = true;
    result.ended_at = start;
  }
  // Relative times for the schedule checks.
  for (auto& t : result.request_sends) t = base::timestamp{t - start};
  result.ended_at = base::timestamp{result.ended_at - start};
  return result;
}

}  // namespace

TEST_CASE("simulation: client transactions terminate and retransmit on schedule", "[sip][transaction_simulation]") {
  const std::uint64_t base_seed = 20261126;
  for (std::uint64_t i = 0; i < 400; ++i) {
    const std::uint64_t seed = base_seed + i;
    const bool invite = (i % 2) == 0;
    timer_config config;
    config.t2 = (i % 4) < 2 ? 4000ms : 2000ms;
    const outcome r = run_one(seed, invite, config);
    INFO("seed " << seed << (invite ? " INVITE" : " non-INVITE"));

    REQUIRE(r.terminated);
    // B/F at 64*T1 bound the wait for a final response; D (32 s) or K (T4) follows it.
    CHECK(r.ended_at.time_since_epoch() <= 64 * config.t1 + 40s + 32s);
    CHECK(r.finals_delivered <= 1);
    CHECK(r.server_terminated);

    // The first retransmissions, before any 1xx, follow T1, 2T1, 4T1 ... (capped at T2 for
    // non-INVITE); in proceeding a non-INVITE retransmits every T2.
    base::millis expected = config.t1;
    const std::size_t before_proceeding = r.request_sends.size() - r.intervals_in_proceeding.size();
    for (std::size_t k = 1; k < before_proceeding; ++k) {
      CHECK(r.request_sends[k] - r.request_sends[k - 1] == expected);
      expected = invite ? 2 * expected : std::min(2 * expected, config.t2);
    }
    for (const base::millis interval : r.intervals_in_proceeding) {
      CHECK(!invite);
      CHECK(interval <= config.t2);
    }
  }
}
