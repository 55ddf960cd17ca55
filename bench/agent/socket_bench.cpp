// The agent socket's throughput: report lines per second from one switch connection into
// the handler, and the round trip of one admin command.
#include <benchmark/benchmark.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <thread>

#include "agent/control_handler.hpp"
#include "agent/socket_server.hpp"

using namespace tollgate;

namespace {

class counting_handler final : public agent::control_handler {
public:
  void on_report(const policy::report&, const agent::peer&) override { reports.fetch_add(1, std::memory_order_release); }
  wire::response on_command(const wire::request& r, const agent::peer&) override {
    return wire::response::success(r.id, {{"blocks", 0}});
  }
  std::vector<policy::decision> on_switch_connected(const agent::peer&) override { return {}; }
  void on_refused(const agent::peer&) override {}
  void on_bad_line(const agent::peer&, const wire::line_rejection&) override {}
  void on_disconnected(const agent::peer&, std::string_view) override {}
  std::atomic<std::uint64_t> reports{0};
};

class bench_server {
public:
  bench_server() : work_(boost::asio::make_work_guard(io_)) {
    std::string pattern = (std::filesystem::temp_directory_path() / "tollgate-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    dir_ = pattern;
    agent::server_options options;
    options.path = dir_ / "agent.sock";
    server_ = std::make_unique<agent::socket_server>(io_, options, handler, clock_);
    if (server_->start()) std::abort();
    thread_ = std::thread([this] { io_.run(); });
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, options.path.c_str(), sizeof address.sun_path - 1);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) std::abort();
  }
  ~bench_server() {
    close(fd_);
    std::promise<void> stopped;
    boost::asio::post(io_, [&] {
      server_->stop();
      stopped.set_value();
    });
    stopped.get_future().wait();
    work_.reset();
    thread_.join();
    std::filesystem::remove_all(dir_);
  }
  void write_all(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) std::abort();
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  void read_line() {
    char c = 0;
    while (c != '\n') {
      if (recv(fd_, &c, 1, 0) != 1) std::abort();
    }
  }
  counting_handler handler;

private:
  base::system_clock clock_;
  std::filesystem::path dir_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<agent::socket_server> server_;
  std::thread thread_;
  int fd_ = -1;
};

void reports_through_socket(benchmark::State& state) {
  bench_server server;
  constexpr int batch = 1000;
  std::string lines;
  for (int i = 0; i < batch; ++i) {
    lines += R"({"time":1764158400.25,"type":"register_failed","endpoint":"10)" + std::to_string(i % 100) +
             R"(","ip":"203.0.113.)" + std::to_string(i % 250) +
             R"(","port":5062,"transport":"udp","verified":true,"reason":"wrong_password","user_agent":"friendly-scanner"})" "\n";
  }
  std::uint64_t expected = 0;
  for (auto _ : state) {
    server.write_all(lines);
    expected += batch;
    while (server.handler.reports.load(std::memory_order_acquire) < expected) std::this_thread::yield();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(expected));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * lines.size()));
}
BENCHMARK(reports_through_socket)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void command_round_trip(benchmark::State& state) {
  bench_server server;
  const std::string line = R"({"id":1,"command":"status"})" "\n";
  for (auto _ : state) {
    server.write_all(line);
    server.read_line();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(command_round_trip)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
