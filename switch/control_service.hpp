// The switch's control socket (product.md §6): `registrations`, `trace` and `reload` from
// admins, on the agent's socket server (same JSON lines, same SO_PEERCRED rules).
#pragma once

#include <filesystem>
#include <functional>
#include <system_error>

#include <boost/asio/io_context.hpp>

#include "agent/control_handler.hpp"
#include "agent/socket_server.hpp"
#include "switch/reload.hpp"
#include "switch/trace_service.hpp"

namespace tollgate::switch_ {

/// What the commands act on; the server provides them.
struct control_hooks {
  std::function<wire::json()> registrations;
  std::function<wire::json()> status;
  std::function<reload_result()> reload;
  std::function<std::shared_ptr<const config::config>()> configuration;
};

/// The socket: root and members of group tollgate-admin may command; anyone else gets one
/// error line. There is no switch role on this socket.
agent::server_options control_socket_options(const std::filesystem::path& path);

class control_service final : public agent::control_handler {
public:
  control_service(boost::asio::io_context& io, const std::filesystem::path& path, const base::clock& clock,
                  control_hooks hooks, trace_limits limits = {});
  ~control_service() override;

  /// Binds the socket (see agent::socket_server::start for the errors).
  std::error_code start() { return server_.start(); }
  /// Closes every connection and ends every trace.
  void stop() {
    server_.stop();
    trace_.clear();
  }
  const std::filesystem::path& path() const { return server_.path(); }
  const trace_service& traces() const { return trace_; }

  void on_report(const policy::report& report, const agent::peer& from) override;
  wire::response on_command(const wire::request& request, const agent::peer& from) override;
  std::vector<policy::decision> on_switch_connected(const agent::peer& from) override;
  void on_refused(const agent::peer& from) override;
  void on_bad_line(const agent::peer& from, const wire::line_rejection& why) override;
  void on_disconnected(const agent::peer& from, std::string_view why) override;

private:
  void log_trace_end(const agent::peer& from, const trace_counters& totals, std::string_view how);

  control_hooks hooks_;
  agent::socket_server server_;
  trace_service trace_;
};

}  // namespace tollgate::switch_
