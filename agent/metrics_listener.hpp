// The metrics endpoint: a small HTTP/1.1 listener (Boost.Beast) serving GET /metrics.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace tollgate::agent {

struct metrics_listener_options {
  /// Request line and headers together; a longer request is refused and closed.
  std::size_t max_request_bytes = 8 * 1024;
  /// Reading the request and writing the answer each get this long.
  std::chrono::milliseconds timeout{5000};
  /// Connections served at once; more are closed at once (a scraper needs one).
  std::size_t max_connections = 16;
};

struct metrics_listener_stats {
  std::uint64_t served = 0;        // 200 answers to GET /metrics
  std::uint64_t not_found = 0;     // 404 and 405 answers
  std::uint64_t bad_requests = 0;  // unparsable, oversized or timed out: closed without an answer
  std::uint64_t over_limit = 0;    // connections closed because max_connections were open
};

struct metrics_hub;

/// Serves `GET /metrics` with the text `produce` returns (called on the io_context's
/// thread, once per request), 404 for any other path, 405 for another method on
/// /metrics. One request per connection (answers carry `Connection: close`). Every member
/// runs on the io_context's thread; `produce` is never called after stop().
class metrics_listener {
public:
  metrics_listener(boost::asio::io_context& io, std::function<std::string()> produce,
                   metrics_listener_options options = {});
  ~metrics_listener();
  metrics_listener(const metrics_listener&) = delete;
  metrics_listener& operator=(const metrics_listener&) = delete;

  /// Binds `at` (port 0 picks a free port) and starts accepting.
  std::error_code start(const boost::asio::ip::tcp::endpoint& at);
  /// Stops accepting and closes every connection. Idempotent.
  void stop();
  /// The bound address (after start()).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  const metrics_listener_stats& stats() const;

private:
  void do_accept();

  std::shared_ptr<metrics_hub> hub_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace tollgate::agent
