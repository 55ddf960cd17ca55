// Added latency per packet through the inspector: one REGISTER on loopback from send to
// arrival, directly (no queue rule) or through NFQUEUE and the queue pump running in its
// own thread, as in the agent. Runs in a private network namespace (root).
#include "agent/queue_pump.hpp"
#include "bench/netfilter/private_namespace.hpp"
#include "netfilter/firewall.hpp"

#include <benchmark/benchmark.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <thread>

using namespace tollgate;

namespace {

constexpr std::uint16_t sip_port = 5060;

[[noreturn]] void die(const std::string& what) {
  std::cerr << what << "\n";
  std::abort();
}

int udp_socket(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) die("bind");
  timeval timeout{1, 0};  // a lost packet ends the wait, never the benchmark
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

const std::string register_message =
    "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:1001@127.0.0.1>\r\n"
    "From: <sip:1001@127.0.0.1>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@127.0.0.1\r\n"
    "CSeq: 1 REGISTER\r\n"
    "Contact: <sip:1001@127.0.0.1:5070;transport=udp>;expires=3600\r\n"
    "Expires: 3600\r\n"
    "User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
    "Content-Length: 0\r\n\r\n";

struct setup {
  netfilter::firewall fw;
  boost::asio::io_context io;
  base::system_clock clock;
  std::unique_ptr<agent::queue_pump> pump;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::thread loop;
  int sink = -1;
  int sender = -1;
  sockaddr_in to{};

  setup() {
    netfilter::bench::enter_private_namespace();
    auto opened = netfilter::firewall::open(netfilter::table_spec{});
    if (!opened) die(opened.error.message());
    fw = std::move(opened.value);
    auto kind = fw.probe_queue_kind();
    if (!kind) die(kind.error.message());
    netfilter::table_spec spec;
    spec.queue = kind.value;
    spec.rate.per_minute = 0;
    if (auto err = fw.ensure_table(spec)) die(err.message());
    auto queue = netfilter::queue_receiver::open(netfilter::queue_config{});
    if (!queue) die(queue.error.message());
    pump = std::make_unique<agent::queue_pump>(io, std::move(queue.value), agent::inspector{}, clock);
    pump->start();
    work = std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
        io.get_executor());
    loop = std::thread([this] { io.run(); });
    sink = udp_socket(sip_port);
    sender = udp_socket(0);
    to.sin_family = AF_INET;
    to.sin_port = htons(sip_port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  ~setup() {
    work.reset();
    io.stop();
    loop.join();
  }
};

setup& the_setup() {
  static setup s;
  return s;
}

void one_packet(benchmark::State& state, bool queued) {
  auto& s = the_setup();
  if (s.fw.spec().inspect != queued) {
    if (auto err = s.fw.set_inspect(queued)) die(err.message());
  }
  char buffer[2048];
  std::size_t lost = 0;
  for (auto _ : state) {
    ::sendto(s.sender, register_message.data(), register_message.size(), 0, reinterpret_cast<sockaddr*>(&s.to),
             sizeof s.to);
    if (::recv(s.sink, buffer, sizeof buffer, 0) < 0) ++lost;
  }
  if (lost != 0) state.SkipWithError("a packet did not arrive");
}

void register_latency(const char* name, bool queued) {
  benchmark::RegisterBenchmark(name, [queued](benchmark::State& st) { one_packet(st, queued); })
      ->Iterations(1)
      ->Repetitions(5000)
      ->ReportAggregatesOnly(true)
      ->ComputeStatistics("p50", [](const std::vector<double>& v) { return netfilter::bench::percentile(v, 0.50); })
      ->ComputeStatistics("p99", [](const std::vector<double>& v) { return netfilter::bench::percentile(v, 0.99); })
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
}

const bool registered = [] {
  register_latency("register_latency/direct", false);
  register_latency("register_latency/inspected", true);
  return true;
}();

}  // namespace
