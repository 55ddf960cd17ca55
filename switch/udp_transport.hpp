// The UDP transport: one socket per `udp:` listen address, datagrams to the SIP core.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "config/address.hpp"
#include "switch/peer.hpp"
#include "switch/request_handler.hpp"

namespace tollgate::switch_ {

class udp_transport {
public:
  using handler = std::function<std::optional<outbound>(std::string_view datagram, const peer& from)>;
  /// A destination we sent to answered ICMP port unreachable.
  using unreachable_handler = std::function<void(const base::ip_address& ip, std::uint16_t port)>;

  /// Binds `local` (IPv6 sockets are v6-only, so "[::]" and "0.0.0.0" can both be bound).
  /// Each datagram's destination address is read with it (IP_PKTINFO), so that on a
  /// wildcard address the core learns which local address a request came to.
  static std::variant<std::unique_ptr<udp_transport>, std::error_code> open(boost::asio::io_context& io,
                                                                             const config::socket_address& local,
                                                                             handler on_datagram);
  void start() { do_receive(); }
  void stop();
  std::uint16_t local_port() const;
  /// The bound address (may be unspecified: 0.0.0.0 or ::).
  base::ip_address local_ip() const;
  bool is_v6() const;
  /// Sends one datagram from this socket (IPv4 destinations through an IPv6 socket as
  /// IPv4-mapped addresses); the error when the kernel refuses it. On a wildcard socket
  /// `source` (a local address of the socket's family) is set as the datagram's source
  /// address (IP_PKTINFO); on a socket bound to one address it is that address anyway.
  std::error_code send_to(const base::ip_address& ip, std::uint16_t port, std::string_view bytes,
                          const std::optional<base::ip_address>& source = std::nullopt);
  std::uint64_t send_errors() const { return send_errors_; }
  /// The socket reads its ICMP errors (IP_RECVERR): each port unreachable is handed here.
  void on_unreachable(unreachable_handler h) { on_unreachable_ = std::move(h); }
  std::uint64_t unreachable_reports() const { return unreachable_reports_; }

private:
  udp_transport(boost::asio::ip::udp::socket socket, handler on_datagram);
  void do_receive();
  void on_readable(const boost::system::error_code& ec);
  /// Reads and handles one datagram with recvmsg; false when none is waiting.
  bool receive_one();
  /// Sends one datagram (from `source` when given); an ICMP error pending from an earlier
  /// send (ECONNREFUSED, which says nothing about this destination) is read from the error
  /// queue and the send retried.
  std::error_code send_datagram(const boost::asio::ip::udp::endpoint& to, std::string_view bytes,
                                const base::ip_address* source);
  /// Reads the socket's error queue (bounded), reporting every port unreachable.
  void drain_errors();

  boost::asio::ip::udp::socket socket_;
  const boost::asio::ip::udp::endpoint local_;  // bound before construction; read once, not per send
  const bool wildcard_;                         // bound to 0.0.0.0 or ::
  handler on_datagram_;
  std::array<char, 65536> buffer_{};
  std::uint64_t send_errors_ = 0;
  unreachable_handler on_unreachable_;
  std::uint64_t unreachable_reports_ = 0;
};

}  // namespace tollgate::switch_
