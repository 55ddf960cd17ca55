// The live trace's cost per SIP message: the tap with nobody tracing (what every message
// pays), and with one subscriber with no filter, an address filter and an endpoint filter.
#include <benchmark/benchmark.h>

#include "switch/trace_service.hpp"

using namespace tollgate;
using namespace tollgate::switch_;

namespace {

const std::string register_text =
    "REGISTER sip:192.0.2.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK-1;rport\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:1001@192.0.2.1>;tag=a\r\n"
    "To: <sip:1001@192.0.2.1>\r\n"
    "Contact: <sip:1001@198.51.100.7:5062>\r\n"
    "Call-ID: 6b8b4567327b23c6@198.51.100.7\r\n"
    "CSeq: 2 REGISTER\r\n"
    "User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
    "Expires: 3600\r\n"
    "Content-Length: 0\r\n\r\n";

const config::socket_address local{*base::ip_address::parse("192.0.2.1"), 5060};
const config::socket_address remote{*base::ip_address::parse("198.51.100.7"), 5062};

void tap(benchmark::State& state) {
  for (auto _ : state) {
    trace_tap::on_message(trace_tap::direction::in, config::transport::udp, local, remote, register_text);
  }
  state.SetItemsProcessed(state.iterations());
}

void traced(benchmark::State& state, trace_filter filter) {
  const base::system_clock clock;
  std::size_t bytes = 0;
  trace_service service(clock, [&](std::uint64_t, std::string line, std::size_t) {
    bytes += line.size();
    return true;
  });
  (void)service.subscribe(1, std::move(filter));
  for (auto _ : state) {
    trace_tap::on_message(trace_tap::direction::in, config::transport::udp, local, remote, register_text);
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations());
}

void nobody_traces(benchmark::State& state) { tap(state); }
void one_trace_no_filter(benchmark::State& state) { traced(state, {}); }
void one_trace_ip_filter_miss(benchmark::State& state) {
  traced(state, {base::ip_address::parse("203.0.113.9"), "", ""});
}
void one_trace_endpoint_filter(benchmark::State& state) { traced(state, {std::nullopt, "1001", ""}); }

}  // namespace

BENCHMARK(nobody_traces);
BENCHMARK(one_trace_no_filter);
BENCHMARK(one_trace_ip_filter_miss);
BENCHMARK(one_trace_endpoint_filter);
