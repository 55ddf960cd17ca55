// The agent's Unix socket: accepts peers, gives each a role and a session, fans lines out.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string_view>
#include <system_error>

#include "agent/socket_hub.hpp"
#include "policy/decision.hpp"

namespace tollgate::agent {

class control_handler;

/// Only suspensions and their ends go to the switch.
bool goes_to_switch(const policy::decision& d);

/// Serves docs/agent-protocol.md on one io_context. Every member runs on that context's
/// thread; the handler is called there and never after stop().
class socket_server {
public:
  socket_server(boost::asio::io_context& io, server_options options, control_handler& handler,
                const base::clock& clock);
  ~socket_server();
  socket_server(const socket_server&) = delete;
  socket_server& operator=(const socket_server&) = delete;

  /// Creates the socket's directory if missing, removes a stale socket file (one nobody
  /// answers on), binds, sets the mode and the group (when the group exists) and starts
  /// accepting. Errors: socket_errc::in_use, socket_errc::not_a_socket, or the system's.
  std::error_code start();
  bool started() const { return started_; }
  /// Stops accepting, closes every connection (queued lines are dropped) and unlinks the
  /// socket file if it is still ours. Idempotent; a stopped server does not start again.
  void stop();

  /// Sends a suspend or unsuspend decision to every connected switch; other decisions are
  /// ignored. Returns how many switches it was queued for.
  std::size_t push_decision(const policy::decision& d);
  /// Sends one line (no '\n') to every connected switch, as decisions go.
  std::size_t push_to_switches(std::string_view line);
  /// Sends one audit row (a JSON line, without '\n') to every `audit --follow` connection.
  std::size_t publish_audit(std::string_view line);

  /// Queues a line a reader may miss on one connection (socket_session::offer): false
  /// when it was dropped or the connection is gone.
  bool offer_to(std::uint64_t connection, std::string line, std::size_t limit);
  /// Closes one connection once its queue is written (false when it is gone).
  bool finish(std::uint64_t connection, std::string why);

  const server_stats& stats() const { return hub_->stats; }
  std::size_t connections() const { return hub_->sessions.size(); }
  const std::filesystem::path& path() const { return hub_->options.path; }

private:
  void do_accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::local::stream_protocol::socket socket);
  std::error_code set_owner_and_mode();
  template <typename Select>
  std::size_t fan_out(std::string_view line, Select select);

  boost::asio::io_context& io_;
  std::shared_ptr<socket_hub> hub_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;  // backs off after an accept error (EMFILE)
  bool started_ = false;
  dev_t device_ = 0;  // the socket file we made, so stop() unlinks only that one
  ino_t inode_ = 0;
};

}  // namespace tollgate::agent
