// The agent daemon: the event loop around the core (timers, signals, the table monitor,
// systemd notifications).
#pragma once

#include <memory>
#include <string>

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio.hpp>

#include "agent/control_service.hpp"
#include "agent/core.hpp"
#include "agent/metrics_listener.hpp"
#include "agent/netfilter_kernel.hpp"
#include "agent/socket_server.hpp"
#include "agent/queue_pump.hpp"
#include "config/config.hpp"
#include "netfilter/firewall.hpp"
#include "netfilter/table_monitor.hpp"

namespace tollgate::agent {

struct daemon_options {
  std::string config_path;  // empty: the default path, or built-in defaults if it is absent
  std::string state_dir;    // overrides [agent] state_dir when set
  std::string socket;       // overrides [agent] socket when set
};

/// Owns every handle of the running agent. Built by main(), run until a signal stops it.
/// SIGHUP reloads the config; SIGTERM and SIGINT stop the loop and leave the kernel table
/// in place, so blocks keep working while the agent restarts.
class daemon {
public:
  /// Loads the config, opens agent.db and the kernel table, restores state. Throws
  /// std::runtime_error with a one-line message an operator can act on.
  explicit daemon(daemon_options options);
  ~daemon();
  /// Serves until stopped; returns the exit code.
  int run();

  boost::asio::io_context& io() { return io_; }
  agent::core& core() { return *core_; }
  const config::config& current_config() const { return *config_; }
  const std::string& socket_path() const { return socket_path_; }
  /// The NFQUEUE inspector (counters and recent drops for `status`).
  const queue_pump& pump() const { return *pump_; }
  /// Called by the socket layer after reports arrived: one flush per burst.
  void schedule_flush();

private:
  void arm_tick();
  void on_tick();
  void watch_table();
  void arm_watchdog();
  void wait_signal();
  void reload();
  void stop();
  wire::json kernel_status();

  daemon_options options_;
  boost::asio::io_context io_;
  std::shared_ptr<const config::config> config_;
  std::string state_dir_;
  std::string socket_path_;
  base::system_clock clock_;
  std::unique_ptr<store::database> db_;
  std::unique_ptr<state_journal> journal_;
  std::unique_ptr<policy::engine> engine_;
  netfilter::firewall firewall_;
  std::unique_ptr<netfilter_kernel> kernel_;
  std::unique_ptr<agent::core> core_;
  std::unique_ptr<control_service> service_;
  std::unique_ptr<socket_server> server_;
  std::unique_ptr<queue_pump> pump_;
  std::unique_ptr<metrics_listener> metrics_;  // when [agent] metrics is set
  netfilter::table_monitor monitor_;
  std::unique_ptr<boost::asio::posix::stream_descriptor> monitor_fd_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer reconcile_timer_;
  boost::asio::steady_timer watchdog_timer_;
  boost::asio::signal_set signals_;
  bool flush_scheduled_ = false;
  std::uint64_t watchdog_interval_us_ = 0;
};

/// `tollgate-agent --teardown`: removes our table and nothing else.
int teardown(const daemon_options& options);

}  // namespace tollgate::agent
