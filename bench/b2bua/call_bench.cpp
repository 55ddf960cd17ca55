// Calls per second through the pure B2BUA core (INVITE/100/180/200/ACK/BYE/200 on both
// legs, every inbound message parsed), and illegal INVITEs rejected with a 403, an illegal
// CDR and a report per second.
#include <benchmark/benchmark.h>

#include <optional>

#include "b2bua/authorization.hpp"
#include "b2bua/call.hpp"
#include "sip/builder.hpp"
#include "sip/parser.hpp"

using namespace tollgate;
using namespace tollgate::b2bua;

namespace {

const base::timestamp t0 = base::from_unix_seconds(1764158400);
const source_address caller_src{*base::ip_address::parse("198.51.100.7"), 5060, config::transport::udp};

const std::string invite =
    "INVITE sip:0044123456@192.0.2.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKa1;rport\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:1001@198.51.100.7>;tag=ftag1\r\n"
    "To: <sip:0044123456@192.0.2.1>\r\n"
    "Call-ID: bench-call-1\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:1001@198.51.100.7:5060>\r\n"
    "User-Agent: BenchPhone/1.0\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 38\r\n\r\n"
    "v=0\r\no=caller 1 1 IN IP4 198.51.100.7\r\n";

sip::message parse(std::string_view text) { return std::move(*sip::parse(text).msg); }

route carrier() {
  route r;
  r.target = "carrier-1";
  r.callee = "0044123456";
  r.request_uri = "sip:0044123456@192.0.2.50";
  r.address = {"192.0.2.50", 5060, config::transport::udp};
  return r;
}

const send_message* find(const effects& fx, std::string_view prefix) {
  for (const auto& e : fx) {
    if (const auto* s = std::get_if<send_message>(&e); s && std::string_view(s->text).starts_with(prefix)) return s;
  }
  return nullptr;
}

// The peers' messages for one call. The random source restarts per call, so every call
// has the same identifiers and these texts are built once.
struct script {
  std::string b100, b180, b200, a_ack, a_bye, b_bye_ok;
};

call make_call(std::uint64_t& counter) {
  counter = 0;
  call_options o;
  o.local_host = "192.0.2.1";
  o.random = [&counter] { return ++counter; };
  return call(parse(invite), call_setup{caller_src, "customer-a", store::billing_mode::gateway, carrier()}, o, t0);
}

script record_script() {
  std::uint64_t counter = 0;
  call c = make_call(counter);
  const effects fx = c.start(t0);
  const sip::message b_invite = parse(find(fx, "INVITE ")->text);
  script s;
  auto response = [&](int status, std::string_view body = {}) {
    sip::response_builder b(b_invite, status);
    if (status > 100) b.to_tag("btag").header("Contact", "<sip:ua@192.0.2.50>");
    if (!body.empty()) b.body("application/sdp", body);
    return b.build();
  };
  s.b100 = response(100);
  s.b180 = response(180);
  s.b200 = response(200, "v=0\r\no=callee 2 2 IN IP4 192.0.2.50\r\n");
  const effects ok = c.on_event(message_received{parse(s.b200)}, t0);
  const std::string a_tag(parse(find(ok, "SIP/2.0 200")->text).to()->tag());
  const std::string to = "<sip:0044123456@192.0.2.1>;tag=" + a_tag;
  auto a_request = [&](std::string_view method, unsigned cseq, std::string_view branch) {
    return std::string(method) + " sip:192.0.2.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=" +
           std::string(branch) + "\r\nMax-Forwards: 70\r\nFrom: <sip:1001@198.51.100.7>;tag=ftag1\r\nTo: " + to +
           "\r\nCall-ID: bench-call-1\r\nCSeq: " + std::to_string(cseq) + " " + std::string(method) +
           "\r\nContent-Length: 0\r\n\r\n";
  };
  s.a_ack = a_request("ACK", 1, "z9hG4bKack");
  s.a_bye = a_request("BYE", 2, "z9hG4bKbye");
  c.on_event(message_received{parse(s.a_ack)}, t0);
  const effects bye = c.on_event(message_received{parse(s.a_bye)}, t0);
  const sip::message b_bye = parse(find(bye, "BYE ")->text);
  s.b_bye_ok = sip::response_builder(b_bye, 200).build();
  return s;
}

void BM_call_through_core(benchmark::State& state) {
  const script s = record_script();
  std::uint64_t counter = 0;
  std::size_t answered_cdrs = 0;
  for (auto _ : state) {
    call c = make_call(counter);
    std::size_t effects_seen = c.start(t0).size();
    for (const std::string* text : {&s.b100, &s.b180, &s.b200, &s.a_ack, &s.a_bye, &s.b_bye_ok}) {
      for (const auto& e : c.on_event(message_received{parse(*text)}, t0)) {
        const auto* w = std::get_if<write_cdr>(&e);
        answered_cdrs += w != nullptr && w->record.answer_time ? 1 : 0;
        ++effects_seen;
      }
    }
    benchmark::DoNotOptimize(effects_seen);
  }
  // Every call must have been answered and hung up, or the figure means nothing.
  if (answered_cdrs != static_cast<std::size_t>(state.iterations())) state.SkipWithError("a call did not go through");
  state.SetItemsProcessed(state.iterations());
  state.counters["calls_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_call_through_core);

void BM_illegal_invite(benchmark::State& state) {
  const source_address attacker{*base::ip_address::parse("203.0.113.9"), 5060, config::transport::udp};
  const std::vector<config::mapping_gateway> gateways(1, [] {
    config::mapping_gateway g;
    g.name = "customers";
    g.networks = {*base::ip_prefix::parse("198.51.100.0/24")};
    return g;
  }());
  const policy::parameter_set parameters;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const sip::message m = parse(invite);
    const authorization a = authorize({m, attacker, {}, false}, {gateways, {}}, parameters, t0);
    std::string response = plain_response(m, attacker, a.status);
    bytes += response.size() + (a.cdr ? a.cdr->call_id.size() : 0);
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(response);
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations());
  state.counters["invites_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_illegal_invite);

}  // namespace
