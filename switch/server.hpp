// The switch daemon: the SIP core, its transports, switch.db and the agent link, wired on
// one io_context.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/clock.hpp"
#include "config/config.hpp"
#include "store/database.hpp"
#include "switch/agent_link.hpp"
#include "switch/bindings.hpp"
#include "switch/call_dispatcher.hpp"
#include "switch/call_transport.hpp"
#include "switch/random_source.hpp"
#include "switch/endpoint_directory.hpp"
#include "switch/registrar.hpp"
#include "switch/reload.hpp"
#include "switch/request_handler.hpp"
#include "switch/suspensions.hpp"
#include "switch/tcp_transport.hpp"
#include "switch/udp_transport.hpp"
#include "wire/control_protocol.hpp"

namespace tollgate::switch_ {

struct server_options {
  std::filesystem::path state_dir;
  std::string agent_socket;
  std::size_t tcp_max_outbound = 256;  // TCP connections the switch opens itself, per listen address
  // --- control socket and reload ---
  std::string config_path;       // re-read by reload(); empty: the default path, else built-in defaults
  socket_overrides command_line;  // sockets given as options; the effective paths follow from these
};

class control_service;

/// Owns everything; all of it runs on the io_context's one thread.
class server {
public:
  server(boost::asio::io_context& io, std::shared_ptr<const config::config> c, server_options options,
         const base::clock& clock);
  ~server();

  /// Opens switch.db (restoring bindings), the nonce secret and every listen address.
  /// Returns an empty string on success, else what failed.
  std::string open();
  /// Starts reading, the agent link and housekeeping.
  void start();
  /// Stops everything and writes pending binding changes.
  void stop();

  const binding_table& bindings() const { return bindings_; }
  /// The calls: counters (calls active, attempted, answered, failed, illegal; CDR rows
  /// written and queued in cdrs()), for tests and the control socket.
  const call_dispatcher& calls() const { return *calls_; }
  const call_transport& call_sending() const { return *call_transport_; }

  // --- control socket and reload (server_control.cpp) ---
  /// Re-reads the config file and swaps it in (endpoints, gateways, parameters, scanner
  /// User-Agents, digest settings); bindings and calls stay. A file that fails to load
  /// changes nothing and its errors are returned. Changed sockets are reported, not rebound.
  reload_result reload();
  /// The config new requests use (a reload swaps it; calls in progress keep what they copied).
  std::shared_ptr<const config::config> configuration() const { return config_; }

private:
  std::optional<outbound> handle_datagram(std::string_view datagram, const peer& from);
  std::optional<outbound> handle_stream(const sip::message& m, const peer& from);
  void forward_reports();
  void housekeeping();
  void flush_bindings();
  void flush_suspensions();
  /// `[switch] cdr_retention`: the oldest CDRs deleted in bounded batches, hourly.
  void prune_cdrs();
  void log_agent_decision(const policy::decision& d);
  wire::json status_json() const;
  void count(const policy::report& r);
  /// The config's parameters with the agent's runtime ones on top: what suspend counts with.
  void refresh_parameters();
  /// Arms the call timer for the dispatcher's next deadline, if that is earlier.
  void schedule_calls();
  void on_call_timer();
  std::string open_control();
  void apply_config(std::shared_ptr<const config::config> fresh);
  /// Registered sources and gateways: they keep their TCP slots first.
  bool trusted_source(const base::ip_address& ip) const;
  wire::json tcp_status_json() const;
  /// RLIMIT_NOFILE in force and what the config needs, for `tollgatectl check`.
  wire::json descriptors_json() const;

  boost::asio::io_context& io_;
  std::shared_ptr<const config::config> config_;
  server_options options_;
  const base::clock& clock_;
  endpoint_directory directory_;
  std::optional<store::database> db_;
  std::unique_ptr<sip::digest_server> digest_;
  suspension_table suspensions_;
  binding_table bindings_;
  std::unique_ptr<registrar> registrar_;
  std::unique_ptr<request_handler> handler_;
  agent_link agent_;
  wire::parameter_values agent_parameters_;  // the agent's last word on runtime values
  policy::parameter_set parameters_;
  /// REGISTER outcomes as the registrar reported them: the control socket's `status`.
  struct register_counters {
    std::uint64_t verified_failures = 0;  // digest checked and wrong: what suspend counts
    std::uint64_t refused_suspended = 0;  // 403 at once, no digest work
    std::uint64_t registered = 0;
  } registers_;
  std::vector<std::unique_ptr<udp_transport>> udp_;
  std::vector<std::unique_ptr<tcp_transport>> tcp_;
  std::unique_ptr<call_transport> call_transport_;
  std::unique_ptr<call_dispatcher> calls_;
  random_source random_;
  boost::asio::steady_timer call_timer_;
  std::optional<base::timestamp> call_timer_at_;
  boost::asio::steady_timer tick_;
  unsigned ticks_ = 0;
  base::timestamp next_cdr_prune_{};
  std::uint64_t cdrs_pruned_ = 0;  // in the pruning run under way
  bool stopped_ = false;
  startup_settings started_;
  std::unique_ptr<control_service> control_;
  std::vector<base::ip_prefix> gateway_networks_;  // of config_
};

}  // namespace tollgate::switch_
