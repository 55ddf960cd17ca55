// Policy throughput with a million tracked sources and 100k tracked endpoints, and the
// memory each tracked source costs.
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <random>

#include "policy/engine.hpp"

using namespace tollgate;
using namespace tollgate::policy;

namespace {

constexpr std::uint32_t tracked_sources = 1'000'000;
constexpr std::uint32_t tracked_endpoints = 100'000;
const base::timestamp t0 = base::from_unix_seconds(1764158400);

base::ip_address source_address(std::uint32_t i) {
  // 1M sources: 10.0.0.0/12 plus a few IPv6 /64s, as a botnet would look.
  if (i % 16 == 15) {
    std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
    b[4] = static_cast<std::uint8_t>(i >> 16);
    b[5] = static_cast<std::uint8_t>(i >> 8);
    b[6] = static_cast<std::uint8_t>(i);
    b[15] = 1;
    return base::ip_address::v6(b);
  }
  return base::ip_address::v4({10, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                               static_cast<std::uint8_t>(i)});
}

parameter_set bench_parameters() {
  parameter_set p;
  (void)p.set(parameter::SS_ENDPOINTREGISTERSUSPEND, 1, parameter_origin::config);
  (void)p.set(parameter::BLACKLIST_WINDOW, 3600, parameter_origin::config);
  return p;
}

std::size_t heap_in_use() {
  const auto m = mallinfo2();
  return m.uordblks + m.hblkhd;  // small chunks plus mmapped large ones (the hash table)
}

struct populated {
  engine e{bench_parameters()};
  std::vector<report> mix;
  std::size_t source_bytes = 0;

  populated() {
    std::vector<decision> out;
    const std::size_t before = heap_in_use();
    report r;
    r.type = report_type::illegal_call;
    for (std::uint32_t i = 0; i < tracked_sources; ++i) {
      r.ip = source_address(i);
      e.on_report(r, t0, out);
    }
    source_bytes = heap_in_use() - before;
    r.type = report_type::register_failed;
    r.verified = true;
    r.ip = *base::ip_address::parse("192.0.2.1");
    for (std::uint32_t i = 0; i < tracked_endpoints; ++i) {
      r.endpoint = std::to_string(100000 + i);
      r.ip = source_address(i * 7);
      e.on_report(r, t0, out);
    }
    // The measured mix: failed registrations, illegal calls, successes and scanner hits
    // against the tracked population, some crossing thresholds.
    std::mt19937 rng(42);
    for (int i = 0; i < 1 << 16; ++i) {
      report m;
      const auto who = rng() % tracked_sources;
      m.ip = source_address(who);
      switch (rng() % 10) {
        case 0: case 1: case 2: case 3:
          m.type = report_type::register_failed;
          m.verified = true;
          m.endpoint = std::to_string(100000 + rng() % tracked_endpoints);
          break;
        case 4: case 5: case 6:
          m.type = report_type::illegal_call;
          break;
        case 7: case 8:
          m.type = report_type::register_ok;
          m.endpoint = std::to_string(100000 + rng() % tracked_endpoints);
          m.expires = 3600;
          break;
        default:
          m.type = report_type::call_auth_failed;
          m.endpoint = std::to_string(100000 + rng() % tracked_endpoints);
          m.user_agent = (rng() % 100 == 0) ? "friendly-scanner" : "Yealink SIP-T46S";
          break;
      }
      mix.push_back(std::move(m));
    }
  }
};

populated& world() {
  static populated p;
  return p;
}

void BM_reports_with_1M_sources(benchmark::State& state) {
  auto& w = world();
  std::vector<decision> out;
  std::size_t i = 0;
  std::size_t decisions = 0;
  base::timestamp now = t0 + std::chrono::seconds{1};
  for (auto _ : state) {
    const report& r = w.mix[i++ & (w.mix.size() - 1)];
    w.e.on_report(r, now, out);
    decisions += out.size();
    out.clear();
    if ((i & 0xffff) == 0) now += std::chrono::milliseconds{1};
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["decisions"] = static_cast<double>(decisions);
  state.counters["tracked_sources"] = static_cast<double>(w.e.sources().size());
  state.counters["tracked_endpoints"] = static_cast<double>(w.e.suspensions().tracked_known());
  state.counters["heap_bytes_per_source"] = static_cast<double>(w.source_bytes) / tracked_sources;
  state.counters["table_bytes_per_source"] =
      static_cast<double>(w.e.sources().memory_bytes()) / static_cast<double>(w.e.sources().size());
}
BENCHMARK(BM_reports_with_1M_sources)->MinTime(2.0);

void BM_tick_with_nothing_due(benchmark::State& state) {
  auto& w = world();
  std::vector<decision> out;
  for (auto _ : state) {
    w.e.on_tick(t0 + std::chrono::seconds{2}, out);
    out.clear();
  }
}
BENCHMARK(BM_tick_with_nothing_due);

}  // namespace
