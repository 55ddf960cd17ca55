// The switch's call dispatcher with a real switch.db (in /tmp): illegal INVITEs refused,
// recorded (group commit) and answered per second, and CDR rows written per second.
#include <benchmark/benchmark.h>

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
