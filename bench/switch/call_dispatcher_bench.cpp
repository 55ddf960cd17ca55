// The switch's call dispatcher with a real switch.db (in /tmp): illegal INVITEs refused,
// recorded (group commit) and answered per second, CDR rows written per second, and the heap
// each call in progress holds.
#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "store/cdr.hpp"
#include "store/switch_schema.hpp"
#include "switch/call_dispatcher.hpp"
#include "switch/switch_fixture.hpp"  // tests/switch: the test directory and its digest secret

using namespace tollgate;

namespace {

struct counting_sender final : switch_::call_sender {
  std::size_t sent = 0;
  void send(const b2bua::destination&, std::string, std::uint64_t) override { ++sent; }
  std::optional<config::socket_address> local_towards(const b2bua::destination&) override {
    return config::socket_address{*base::ip_address::parse("192.0.2.1"), 5060};
  }
};

std::string invite(std::uint64_t n) {
  const std::string call_id = "flood-" + std::to_string(n);
  return "INVITE sip:0044123456@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bK" +
         std::to_string(n) + ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:100@203.0.113.9>;tag=f" + std::to_string(n) +
         "\r\nTo: <sip:0044123456@192.0.2.1>\r\nCall-ID: " + call_id +
         "\r\nCSeq: 1 INVITE\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n";
}

void BM_illegal_invites_recorded(benchmark::State& state) {
  std::string dir = (std::filesystem::temp_directory_path() / "tollgate-calls-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  auto db = store::open_switch_db(dir + "/switch.db");
  if (!db) {
    state.SkipWithError(db.error().message.c_str());
    return;
  }
  auto c = std::make_shared<config::config>(config::built_in_defaults());
  switch_::endpoint_directory directory(c);
  sip::digest_server digest({}, test::test_secret(), directory.credentials());
  switch_::binding_table bindings;
  counting_sender sender;
  std::size_t reports = 0;
  std::uint64_t random = 0;
  switch_::call_dispatcher calls{switch_::call_services{
      digest, bindings, sender,
      [&](std::span<const store::cdr_record> rows) { return store::cdr_writer(db.value()).write(rows); },
      [&](const policy::report&) { ++reports; }, [&] { return ++random; }}};
  const switch_::peer attacker{config::transport::udp, *base::ip_address::parse("203.0.113.9"), 5060};
  base::manual_clock clock{base::from_unix_seconds(1764158400)};
  std::uint64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto parsed = sip::parse(invite(++n));
    state.ResumeTiming();
    calls.on_message(*parsed.msg, attacker, *c, clock.now());
    if (n % 64 == 0) {  // the clock moves 1 ms per 64 INVITEs: 64k INVITEs a second
      clock.advance(base::millis{1});
      calls.on_tick(clock.now());
    }
  }
  calls.flush(clock.now());
  const auto& spool = calls.cdrs().counters();
  if (spool.written != n || sender.sent != n || reports != n) state.SkipWithError("an INVITE was not recorded or answered");
  state.SetItemsProcessed(state.iterations());
  state.counters["invites_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  state.counters["rows_per_commit"] = spool.commits ? static_cast<double>(spool.written) / static_cast<double>(spool.commits) : 0;
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_illegal_invites_recorded)->Unit(benchmark::kMicrosecond);

/// An INVITE as a trunk sends it: SDP offer, the usual headers (about 900 bytes).
std::string trunk_invite(std::uint64_t n) {
  const std::string id = std::to_string(n);
  const std::string sdp =
      "v=0\r\no=gw 8761 8761 IN IP4 198.51.100.7\r\ns=call\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 8 0 18 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
      "a=rtpmap:18 G729/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n"
      "a=sendrecv\r\n";
  return "INVITE sip:0044123456" + id + "@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-trunk-" +
         id + ";rport\r\nMax-Forwards: 70\r\nFrom: \"Trunk\" <sip:4420790000" + id + "@198.51.100.7>;tag=t" + id +
         "\r\nTo: <sip:0044123456" + id + "@192.0.2.1>\r\nCall-ID: " + id +
         "-3f1c9a7e@198.51.100.7\r\nCSeq: 101 INVITE\r\nContact: <sip:4420790000@198.51.100.7:5060>\r\n"
         "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE\r\nSupported: timer\r\nUser-Agent: trunk-gw/2.1\r\n"
         "Content-Type: application/sdp\r\nContent-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
}

/// Heap bytes each call in progress holds: 20,000 authorized calls from a mapping gateway
/// to a carrier that never answers (what [switch] max_calls multiplies), from mallinfo2.
void BM_calls_in_progress_memory(benchmark::State& state) {
  auto c = std::make_shared<config::config>(config::built_in_defaults());
  c->sip.max_calls = 1'000'000;
  c->sip.max_calls_per_source = 1'000'000;
  config::mapping_gateway g;
  g.name = "trunk";
  g.networks = {*base::ip_prefix::parse("198.51.100.0/24")};
  c->mapping_gateways.push_back(g);
  config::routing_gateway r;
  r.name = "carrier";
  r.host = "192.0.2.50";
  r.prefixes = {"00"};
  c->routing_gateways.push_back(r);
  switch_::endpoint_directory directory(c);
  sip::digest_server digest({}, test::test_secret(), directory.credentials());
  switch_::binding_table bindings;
  counting_sender sender;
  std::uint64_t random = 0;
  const switch_::peer trunk{config::transport::udp, *base::ip_address::parse("198.51.100.7"), 5060};
  base::manual_clock clock{base::from_unix_seconds(1764158400)};
  constexpr std::uint64_t calls_held = 20'000;
  for (auto _ : state) {
    switch_::call_dispatcher calls{switch_::call_services{
        digest, bindings, sender, [](std::span<const store::cdr_record>) -> store::result<void> { return {}; }, {},
        [&] { return ++random; }}};
    std::vector<sip::message> invites;
    invites.reserve(calls_held);
    for (std::uint64_t n = 0; n < calls_held; ++n) invites.push_back(std::move(*sip::parse(trunk_invite(n)).msg));
    malloc_trim(0);
    const auto before = mallinfo2().uordblks;
    for (const auto& m : invites) calls.on_message(m, trunk, *c, clock.now());
    const auto after = mallinfo2().uordblks;
    if (calls.active() != calls_held) state.SkipWithError("a call was not placed");
    state.counters["bytes_per_call"] = static_cast<double>(after - before) / static_cast<double>(calls_held);
    state.counters["calls"] = static_cast<double>(calls.active());
  }
}
BENCHMARK(BM_calls_in_progress_memory)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_cdr_rows_written(benchmark::State& state) {
  std::string dir = (std::filesystem::temp_directory_path() / "tollgate-cdr-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  auto db = store::open_switch_db(dir + "/switch.db");
  if (!db) {
    state.SkipWithError(db.error().message.c_str());
    return;
  }
  std::vector<store::cdr_record> batch(static_cast<std::size_t>(state.range(0)));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& r = batch[i];
    r.call_id = "bench-" + std::to_string(i);
    r.start_time = base::from_unix_seconds(1764158400);
    r.caller = "100";
    r.callee = "0044123456";
    r.src_ip = "203.0.113.9";
    r.src_port = 5060;
    r.transport = "udp";
    r.mode = store::billing_mode::illegal;
    r.disconnect_code = 403;
  }
  store::cdr_writer writer(db.value());
  for (auto _ : state) {
    if (!writer.write(batch)) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_cdr_rows_written)->Arg(1)->Arg(64)->Arg(512)->Unit(benchmark::kMicrosecond);

}  // namespace
