// Set element throughput and latency against the kernel: bulk add of 1M and single adds.
#include "bench/netfilter/private_namespace.hpp"
#include "netfilter/firewall.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <iostream>

using namespace tollgate::netfilter;
using tollgate::base::ip_address;
using tollgate::base::ip_prefix;
using tollgate::base::millis;

namespace {

firewall& the_firewall() {
  static firewall fw = [] {
    bench::enter_private_namespace();
    auto opened = firewall::open(table_spec{});
    if (!opened) {
      std::cerr << opened.error.message() << "\n";
      std::abort();
    }
    table_spec spec;
    spec.inspect = false;
    if (auto err = opened.value.ensure_table(spec)) {
      std::cerr << err.message() << "\n";
      std::abort();
    }
    return std::move(opened.value);
  }();
  return fw;
}

std::vector<element> make_elements(std::size_t count, std::uint32_t base) {
  std::vector<element> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t a = base + i;
    out.push_back({ip_prefix::host(ip_address::v4({static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16),
                                                  static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a)})),
                   millis{3'600'000}});
  }
  return out;
}

/// 1M IPv4 blocks with a one-hour timeout each, in transactions sized to the socket buffer.
void bulk_add(benchmark::State& state) {
  auto& fw = the_firewall();
  const auto count = static_cast<std::size_t>(state.range(0));
  const auto elements = make_elements(count, 0x0a000000);
  for (auto _ : state) {
    state.PauseTiming();
    if (auto err = fw.flush_blocks()) state.SkipWithError(err.message().c_str());
    state.ResumeTiming();
    if (auto err = fw.add_blocks(elements)) {
      state.SkipWithError(err.message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  (void)fw.flush_blocks();  // after the loop: not timed
}
BENCHMARK(bulk_add)->Arg(1'000'000)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

/// IPv6 /64 prefixes: interval pairs in block_v6 (an rbtree in the kernel).
void bulk_add_v6(benchmark::State& state) {
  auto& fw = the_firewall();
  const auto count = static_cast<std::uint32_t>(state.range(0));
  std::vector<element> elements;
  elements.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8, static_cast<std::uint8_t>(i >> 24),
                                       static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                                       static_cast<std::uint8_t>(i)};
    elements.push_back({ip_prefix::of(ip_address::v6(bytes), 64), millis{3'600'000}});
  }
  for (auto _ : state) {
    state.PauseTiming();
    if (auto err = fw.flush_blocks()) state.SkipWithError(err.message().c_str());
    state.ResumeTiming();
    if (auto err = fw.add_blocks(elements)) {
      state.SkipWithError(err.message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  (void)fw.flush_blocks();  // after the loop: not timed
}
BENCHMARK(bulk_add_v6)->Arg(100'000)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

/// One element per call, from the call to the kernel's ACK; each repetition is one add, so
/// the p50/p99 statistics are per operation.
void single_add(benchmark::State& state) {
  auto& fw = the_firewall();
  static std::uint32_t next = 0xc6336400;  // 198.51.100.0 onwards
  const auto one = make_elements(1, next++);
  for (auto _ : state) {
    if (auto err = fw.add_blocks(one)) state.SkipWithError(err.message().c_str());
  }
}
BENCHMARK(single_add)
    ->Iterations(1)
    ->Repetitions(3000)
    ->ReportAggregatesOnly(true)
    ->ComputeStatistics("p50", [](const std::vector<double>& v) { return bench::percentile(v, 0.50); })
    ->ComputeStatistics("p99", [](const std::vector<double>& v) { return bench::percentile(v, 0.99); })
    ->ComputeStatistics("max", [](const std::vector<double>& v) { return bench::percentile(v, 1.0); })
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
