// NFQUEUE throughput and added latency on loopback, with a trivial accept verdict.
#include "bench/netfilter/private_namespace.hpp"
#include "netfilter/firewall.hpp"
#include "netfilter/queue_receiver.hpp"

#include <benchmark/benchmark.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

using namespace tollgate::netfilter;

namespace {

constexpr std::uint16_t sip_port = 5060;

[[noreturn]] void die(const std::string& what) {
  std::cerr << what << "\n";
  std::abort();
}

int udp_socket(std::uint16_t port, bool blocking) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) die("bind");
  const int big = 32 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  return fd;
}

struct setup {
  firewall fw;
  queue_receiver queue;
  int sink = -1;
  int sender = -1;
  sockaddr_in to{};
};

setup& the_setup() {
  static setup s = [] {
    bench::enter_private_namespace();
    setup r;
    auto opened = firewall::open(table_spec{});
    if (!opened) die(opened.error.message());
    r.fw = std::move(opened.value);
    auto kind = r.fw.probe_queue_kind();
    if (!kind) die(kind.error.message());
    table_spec spec;
    spec.queue = kind.value;
    spec.rate.per_minute = 0;
    if (auto err = r.fw.ensure_table(spec)) die(err.message());
    queue_config config;
    config.batch = 128;
    config.max_len = 65536;
    auto queue = queue_receiver::open(config);
    if (!queue) die(queue.error.message());
    r.queue = std::move(queue.value);
    r.sink = udp_socket(sip_port, false);
    r.sender = udp_socket(0, false);
    r.to.sin_family = AF_INET;
    r.to.sin_port = htons(sip_port);
    r.to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return r;
  }();
  return s;
}

const char payload[] = "OPTIONS sip:bench@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070\r\nCSeq: 1 OPTIONS\r\n\r\n";

std::size_t drain(int fd) {
  char buffer[2048];
  std::size_t n = 0;
  while (::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT) >= 0) ++n;
  return n;
}

/// Packets through the queue per second on one core: the same thread sends a burst on
/// loopback, reads it from the queue, accepts it in one batched verdict, and drains the
/// receiving socket. Every packet crosses the whole path.
void nfqueue_accept(benchmark::State& state) {
  auto& s = the_setup();
  if (!s.fw.spec().inspect) {
    if (auto err = s.fw.set_inspect(true)) die(err.message());
  }
  const auto burst = static_cast<std::size_t>(state.range(0));
  std::size_t delivered = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < burst; ++i) {
      ::sendto(s.sender, payload, sizeof payload - 1, 0, reinterpret_cast<sockaddr*>(&s.to), sizeof s.to);
    }
    std::size_t decided = 0;
    for (int spins = 0; decided < burst && spins < 1000; ++spins) {
      auto packets = s.queue.receive();
      if (!packets) die(packets.error.message());
      for (const auto& p : packets.value) s.queue.verdict(p.id, verdict_for(inspection::clean));
      decided += packets.value.size();
      if (auto err = s.queue.flush()) die(err.message());
    }
    delivered += drain(s.sink);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
  state.counters["delivered_ratio"] =
      static_cast<double>(delivered) / static_cast<double>(state.iterations() * burst);
}
BENCHMARK(nfqueue_accept)->Arg(64)->Arg(256)->MinTime(2.0)->UseRealTime();

/// The receiver's side alone: a burst is queued first (untimed), then timed from the first
/// read to the last verdict, which includes the kernel reinjecting each accepted packet
/// up to the receiving socket.
void nfqueue_drain(benchmark::State& state) {
  auto& s = the_setup();
  if (!s.fw.spec().inspect) {
    if (auto err = s.fw.set_inspect(true)) die(err.message());
  }
  const auto burst = static_cast<std::size_t>(state.range(0));
  std::size_t delivered = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (std::size_t i = 0; i < burst; ++i) {
      ::sendto(s.sender, payload, sizeof payload - 1, 0, reinterpret_cast<sockaddr*>(&s.to), sizeof s.to);
    }
    state.ResumeTiming();
    std::size_t decided = 0;
    for (int spins = 0; decided < burst && spins < 100000; ++spins) {
      auto packets = s.queue.receive();
      if (!packets) die(packets.error.message());
      for (const auto& p : packets.value) s.queue.verdict(p.id, verdict_for(inspection::clean));
      decided += packets.value.size();
      if (auto err = s.queue.flush()) die(err.message());
    }
    state.PauseTiming();
    delivered += drain(s.sink);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
  state.counters["delivered_ratio"] =
      static_cast<double>(delivered) / static_cast<double>(state.iterations() * burst);
}
BENCHMARK(nfqueue_drain)->Arg(4096)->MinTime(2.0)->UseRealTime();

/// One packet from send to arrival, with the queue (and a verdict) or without it: the
/// difference is the latency the inspector's queue adds. Repetitions of one packet each.
void one_packet(benchmark::State& state, bool queued) {
  auto& s = the_setup();
  if (s.fw.spec().inspect != queued) {
    if (auto err = s.fw.set_inspect(queued)) die(err.message());
  }
  for (auto _ : state) {
    ::sendto(s.sender, payload, sizeof payload - 1, 0, reinterpret_cast<sockaddr*>(&s.to), sizeof s.to);
    if (queued) {
      for (int spins = 0; spins < 100000; ++spins) {
        auto packets = s.queue.receive();
        if (packets.value.empty()) continue;
        for (const auto& p : packets.value) s.queue.verdict(p.id, verdict::accept);
        (void)s.queue.flush();
        break;
      }
    }
    char buffer[2048];
    for (int spins = 0; spins < 100000 && ::recv(s.sink, buffer, sizeof buffer, MSG_DONTWAIT) < 0; ++spins) {
    }
  }
}

void register_latency(const char* name, bool queued) {
  benchmark::RegisterBenchmark(name, [queued](benchmark::State& st) { one_packet(st, queued); })
      ->Iterations(1)
      ->Repetitions(5000)
      ->ReportAggregatesOnly(true)
      ->ComputeStatistics("p50", [](const std::vector<double>& v) { return bench::percentile(v, 0.50); })
      ->ComputeStatistics("p99", [](const std::vector<double>& v) { return bench::percentile(v, 0.99); })
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
}

const bool registered = [] {
  register_latency("packet_latency/direct", false);
  register_latency("packet_latency/queued", true);
  return true;
}();

}  // namespace
