#include "agent/metrics_listener.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

#include "agent/metrics_format.hpp"

using namespace tollgate::agent;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

/// A plain TCP client: sends `request` (if any), then reads until the server closes or
/// 5 s pass. Returns what it read.
std::string exchange(std::uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "socket failed";
  timeval five{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return "connect failed";
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early on an oversized request
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buffer[4096];
  for (;;) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

/// The listener on 127.0.0.1:0 with a fake source, run on this thread while a client
/// thread talks to it.
struct listener_under_test {
  explicit listener_under_test(metrics_listener_options options = {})
      : listener(io, [this] {
          ++produced;
          metrics_snapshot m;
          m.reports = {{"register_failed", produced}};
          m.active_blocks = 3;
          return format_metrics(m);
        }, options) {
    REQUIRE_FALSE(listener.start({asio::ip::make_address("127.0.0.1"), 0}));
    port = listener.local_endpoint().port();
    REQUIRE(port != 0);
  }
  /// Runs the loop until `client` (on another thread) returns, at most 10 s.
  std::string run_client(const std::string& request) {
    auto answer = std::async(std::launch::async, [this, request] { return exchange(port, request); });
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (answer.wait_for(0s) != std::future_status::ready && std::chrono::steady_clock::now() < deadline) {
      io.run_for(10ms);
    }
    return answer.get();
  }

  asio::io_context io;
  std::uint64_t produced = 0;
  metrics_listener listener;
  std::uint16_t port = 0;
};

std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

}  // namespace

TEST_CASE("metrics listener: GET /metrics answers the source's text", "[agent][metrics]") {
  listener_under_test t;
  const auto response = t.run_client("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(response.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(response.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
  CHECK(response.find("Connection: close\r\n") != std::string::npos);
  const auto body = body_of(response);
  CHECK(body.find("tollgate_reports_total{type=\"register_failed\"} 1\n") != std::string::npos);
  CHECK(body.find("tollgate_active_blocks 3\n") != std::string::npos);
  CHECK(response.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  // Each request asks the source again.
  CHECK(body_of(t.run_client("GET /metrics HTTP/1.0\r\n\r\n")).find("register_failed\"} 2\n") != std::string::npos);
  CHECK(t.listener.stats().served == 2);
}

TEST_CASE("metrics listener: other paths are 404, other methods 405", "[agent][metrics]") {
  listener_under_test t;
  CHECK(t.run_client("GET / HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(t.run_client("GET /metrics/x HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  const auto post = t.run_client("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  CHECK(post.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
  CHECK(post.find("Allow: GET, HEAD\r\n") != std::string::npos);
  CHECK(t.produced == 0);
  CHECK(t.listener.stats().not_found == 3);
}

TEST_CASE("metrics listener: an oversized or garbled request is closed unanswered", "[agent][metrics]") {
  metrics_listener_options options;
  options.max_request_bytes = 1024;
  listener_under_test t(options);
  const std::string huge = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(4000, 'a') + "\r\n\r\n";
  CHECK(t.run_client(huge).empty());
  CHECK(t.run_client("NOT HTTP AT ALL\r\n\r\n").empty());
  CHECK(t.produced == 0);
  CHECK(t.listener.stats().bad_requests == 2);
}

TEST_CASE("metrics listener: a silent client is dropped after the timeout, stop() closes the port",
          "[agent][metrics]") {
  metrics_listener_options options;
  options.timeout = 200ms;
  listener_under_test t(options);
  const auto started = std::chrono::steady_clock::now();
  CHECK(t.run_client("").empty());
  CHECK(std::chrono::steady_clock::now() - started < 4s);  // well before the client's own 5 s
  CHECK(t.listener.stats().bad_requests == 1);
  t.listener.stop();
  t.io.poll();
  CHECK(exchange(t.port, "GET /metrics HTTP/1.1\r\n\r\n") == "connect failed");
}
