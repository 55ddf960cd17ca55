// The switch's side of the agent socket (product.md §5): reports out, decisions in, and a
// reconnect loop that keeps reports buffered while the agent is away.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include "policy/decision.hpp"
#include "policy/report.hpp"
#include "switch/report_buffer.hpp"
#include "wire/report_codec.hpp"

namespace tollgate::switch_ {

struct agent_link_counters {
  std::uint64_t connects = 0;
  std::uint64_t disconnects = 0;
  std::uint64_t reports_sent = 0;
  std::uint64_t decisions = 0;
  std::uint64_t bad_lines = 0;
};

/// One connection at a time on the io_context's thread. While disconnected it retries with
/// exponential backoff (100 ms doubling to 5 s) and keeps reports in a report_buffer
/// (bounded, drop-oldest, counted), which it replays in order once connected. Lines that
/// were written to a connection that then broke may be lost; lines never written are not.
class agent_link {
public:
  using decision_handler = std::function<void(const policy::decision&)>;

  agent_link(boost::asio::io_context& io, std::string socket_path, decision_handler on_decision,
             std::size_t buffer_capacity = 100000);

  void start();
  void stop();
  /// Queues a report and starts writing when connected.
  void send(const policy::report& r);
  /// Called on each connection before the buffered reports go out; what it sends follows them.
  void on_connected(std::function<void()> handler) { on_connected_ = std::move(handler); }
  /// Called with the agent's runtime parameters when it sends them (on connect, on change).
  void on_parameters(std::function<void(const wire::parameter_values&)> handler) {
    on_parameters_ = std::move(handler);
  }

  bool connected() const { return connected_; }
  const agent_link_counters& counters() const { return counters_; }
  const report_buffer& buffer() const { return buffer_; }

private:
  void connect();
  void on_connect(const boost::system::error_code& ec, std::uint64_t generation);
  void do_read(std::uint64_t generation);
  void on_read(const boost::system::error_code& ec, std::size_t n, std::uint64_t generation);
  void kick_write();
  void on_write(const boost::system::error_code& ec, std::uint64_t generation);
  void fail(const boost::system::error_code& ec, const char* what);
  void schedule_retry();

  boost::asio::io_context& io_;
  std::string path_;
  decision_handler on_decision_;
  std::function<void()> on_connected_;
  std::function<void(const wire::parameter_values&)> on_parameters_;
  boost::asio::local::stream_protocol::socket socket_;
  boost::asio::steady_timer retry_timer_;
  report_buffer buffer_;
  std::string in_;        // bytes read, up to the next newline
  std::string writing_;   // the chunk in flight
  bool connected_ = false;
  bool stopped_ = false;
  bool logged_away_ = false;
  std::uint64_t generation_ = 0;  // bumped per connection, so stale handlers can tell
  std::chrono::milliseconds backoff_{100};
  agent_link_counters counters_;
};

}  // namespace tollgate::switch_
