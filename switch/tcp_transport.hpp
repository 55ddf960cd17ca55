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

#include "config/address.hpp"
#include "sip/message.hpp"
#include "switch/peer.hpp"
#include "switch/request_handler.hpp"

namespace tollgate::switch_ {

struct tcp_limits {
  std::size_t max_connections = 4096;
  std::size_t max_per_source = 64;
  std::chrono::seconds idle_timeout{300};
};

struct tcp_counters {
  std::uint64_t accepted = 0;
  std::uint64_t refused_total = 0;       // over max_connections
  std::uint64_t refused_per_source = 0;  // over max_per_source
  std::uint64_t idle_closed = 0;
  std::uint64_t framing_errors = 0;
};

class tcp_connection;

class tcp_transport {
public:
  using handler = std::function<std::optional<outbound>(const sip::message& m, const peer& from)>;

  static std::variant<std::unique_ptr<tcp_transport>, std::error_code> open(boost::asio::io_context& io,
                                                                             const config::socket_address& local,
                                                                             tcp_limits limits, handler on_message);
  ~tcp_transport();
  void start() { do_accept(); }
  /// Closes the acceptor and every connection.
  void stop();
  std::uint16_t local_port() const;
  std::size_t connections() const { return connections_.size(); }
  const tcp_counters& counters() const { return counters_; }

private:
  friend class tcp_connection;
  tcp_transport(boost::asio::ip::tcp::acceptor acceptor, tcp_limits limits, handler on_message);
  void do_accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  void forget(tcp_connection* c);

  boost::asio::ip::tcp::acceptor acceptor_;
  tcp_limits limits_;
  handler on_message_;
  /// Every open connection, and how many each source address holds.
  std::unordered_map<tcp_connection*, std::shared_ptr<tcp_connection>> connections_;
  std::unordered_map<base::ip_address, std::size_t> per_source_;
  tcp_counters counters_;
};

}  // namespace tollgate::switch_
