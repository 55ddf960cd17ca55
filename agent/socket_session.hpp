// One connection on the agent socket: reads lines, answers commands, writes queued lines.
#pragma once

#include <boost/asio/local/stream_protocol.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/peer_credentials.hpp"
#include "agent/socket_hub.hpp"

namespace tollgate::agent {

/// Reads '\n'-terminated lines of at most wire::max_line_bytes and hands them to the
/// handler; writes from a queue bounded by server_options::max_queued_bytes. Lives as
/// long as an operation is pending on it (shared_from_this).
class socket_session : public std::enable_shared_from_this<socket_session> {
public:
  socket_session(boost::asio::local::stream_protocol::socket socket, std::shared_ptr<socket_hub> hub, peer who);

  /// Refused peers get one error line and are closed; a switch first gets the handler's
  /// current decisions; then lines are read.
  void start();
  /// Queues one line (without '\n'). A peer whose queue would pass the bound is
  /// disconnected and false is returned; so is a closed session.
  bool send(std::string line);
  /// Queues one line only when at most `limit` bytes (below the slow-reader bound) would
  /// then wait; otherwise drops it and returns false, and the connection stays: for lines
  /// a reader may miss, such as a live trace.
  bool offer(std::string line, std::size_t limit);
  /// Ends the connection once what is queued is written.
  void finish(std::string why);
  /// Ends the connection now, dropping anything queued.
  void close(std::string_view why);

  const peer& who() const { return peer_; }
  bool follows_audit() const { return follows_audit_; }
  /// The switch user, or an admin (root) that has sent a report: a switch run as root
  /// must hear of suspensions too.
  bool gets_decisions() const { return peer_.role == peer_role::switch_user || reports_as_admin_; }

private:
  /// A switch's first lines: the active suspensions, then the runtime parameters.
  bool greet_switch(control_handler& handler);
  void do_read();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void handle_line(std::string_view line);
  void reject(const wire::line_rejection& why);
  void do_write();
  void on_write(const boost::system::error_code& ec, std::size_t bytes);
  void close_after_writing(std::string why);
  void fail(const boost::system::error_code& ec, std::string_view what);

  boost::asio::local::stream_protocol::socket socket_;
  std::shared_ptr<socket_hub> hub_;
  peer peer_;
  std::string in_;               // bytes read and not yet a whole line
  std::size_t read_start_ = 0;   // where the pending read writes into in_
  std::deque<std::string> out_;  // lines with their '\n', front being written
  std::size_t queued_bytes_ = 0;
  std::size_t writing_ = 0;      // lines at the front of out_ in the pending write
  bool open_ = true;
  std::optional<std::string> closing_;  // close with this reason once out_ is written
  bool follows_audit_ = false;
  bool reports_as_admin_ = false;
  std::optional<base::timestamp> last_bad_line_logged_;
};

}  // namespace tollgate::agent
