// The TCP transport: an acceptor per `tcp:` listen address, connections framed by
// Content-Length, responses on the connection the request came on.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <boost/asio/steady_timer.hpp>

#include "base/clock.hpp"
#include "config/address.hpp"
#include "sip/message.hpp"
#include "switch/log_throttle.hpp"
#include "switch/peer.hpp"
#include "switch/request_handler.hpp"
#include "switch/tcp_admission.hpp"
#include "switch/tcp_pacing.hpp"

namespace tollgate::switch_ {

/// [switch] tcp_* (see tollgate.toml(5)); a reload applies them to new connections and to
/// the next deadline of the open ones.
struct tcp_limits {
  std::size_t max_connections = 4096;
  std::size_t max_per_source = 64;
  std::chrono::seconds idle_timeout{300};
  std::size_t max_outbound = 256;  // connections the switch opens itself (to carriers, phones)
  std::chrono::milliseconds header_timeout{10'000};
  std::size_t min_rate = 64;  // bytes/s while a message is incomplete; 0: none
  std::chrono::milliseconds rate_window{5'000};
  unsigned v6_source_prefix = 64;
};

struct tcp_counters {
  std::uint64_t accepted = 0;
  std::uint64_t refused_total = 0;       // over max_connections
  std::uint64_t refused_per_source = 0;  // over max_per_source
  std::uint64_t idle_closed = 0;
  std::uint64_t framing_errors = 0;
  std::uint64_t outbound = 0;          // connections opened by the switch
  std::uint64_t connect_failures = 0;
  std::uint64_t refused_outbound = 0;  // over max_outbound
  std::uint64_t evicted = 0;           // closed to make room for a newcomer at max_connections
  std::uint64_t header_timeouts = 0;   // headers not complete within header_timeout
  std::uint64_t too_slow = 0;          // under min_rate while a message was incomplete
  std::uint64_t accept_errors = 0;     // accept() failed (EMFILE, ENFILE, ...): retried after a pause
};

class tcp_connection;

class tcp_transport {
public:
  using handler = std::function<std::optional<outbound>(const sip::message& m, const peer& from)>;

  static std::variant<std::unique_ptr<tcp_transport>, std::error_code> open(boost::asio::io_context& io,
                                                                             const config::socket_address& local,
                                                                             tcp_limits limits, handler on_message);
  /// With the clock the connections' deadlines are measured by (the system's by default).
  static std::variant<std::unique_ptr<tcp_transport>, std::error_code> open(boost::asio::io_context& io,
                                                                             const config::socket_address& local,
                                                                             tcp_limits limits, const base::clock& clock,
                                                                             handler on_message);
  ~tcp_transport();
  /// New limits (a reload): admission uses them at once, open connections from their next
  /// read or timer; connections over a lowered limit are not closed for it.
  void set_limits(const tcp_limits& limits);
  /// Which sources keep their slots first (live registrations, gateways).
  void set_trust(trust_test trusted) { trusted_ = std::move(trusted); }
  void start() { do_accept(); }
  /// Closes the acceptor and every connection.
  void stop();
  std::uint16_t local_port() const;
  base::ip_address local_ip() const;
  bool is_v6() const;
  /// Sends on the connection with (ip, port) as its peer, or on a new outbound connection
  /// (idle-closed like the others) bound to this listener's address, or on a wildcard
  /// listener to `source`, port 0, before it connects. `on_failure` is posted if the
  /// connection fails before the bytes are written. False when no connection can be had
  /// (stopped, over the limits).
  bool send_to(const base::ip_address& ip, std::uint16_t port, std::string bytes, std::function<void()> on_failure,
               const std::optional<base::ip_address>& source = std::nullopt);
  std::size_t connections() const { return connections_.size(); }
  const tcp_counters& counters() const { return counters_; }

private:
  friend class tcp_connection;
  tcp_transport(boost::asio::ip::tcp::acceptor acceptor, tcp_limits limits, const base::clock& clock,
                handler on_message);
  void do_accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  void admit(boost::asio::ip::tcp::socket socket);
  /// accept() failed for want of descriptors or memory: wait, and say so once an interval.
  void back_off(const boost::system::error_code& ec);
  void forget(tcp_connection* c);
  pacing_limits pacing() const { return {limits_.header_timeout, limits_.min_rate, limits_.rate_window}; }

  boost::asio::ip::tcp::acceptor acceptor_;
  const boost::asio::ip::tcp::endpoint local_;  // bound before construction; read once, not per send
  tcp_limits limits_;
  const base::clock& clock_;
  handler on_message_;
  trust_test trusted_;
  /// Every open connection; admission_ has each under its address as id.
  std::unordered_map<tcp_connection*, std::shared_ptr<tcp_connection>> connections_;
  tcp_admission admission_;
  boost::asio::steady_timer accept_retry_;
  std::chrono::milliseconds accept_delay_{0};
  log_throttle accept_log_{std::chrono::seconds{10}};
  log_throttle evict_log_{std::chrono::seconds{10}};
  struct peer_hash {
    std::size_t operator()(const std::pair<base::ip_address, std::uint16_t>& p) const {
      return std::hash<base::ip_address>{}(p.first) * 31 + p.second;
    }
  };
  /// The latest connection with each peer address, either way round.
  std::unordered_map<std::pair<base::ip_address, std::uint16_t>, tcp_connection*, peer_hash> by_peer_;
  std::size_t outbound_ = 0;
  tcp_counters counters_;
};

}  // namespace tollgate::switch_
