// The trace tap for Asio sockets: the transports' one-line calls for messages in and out.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "switch/asio_address.hpp"
#include "switch/trace_tap.hpp"

namespace tollgate::switch_ {

template <typename Endpoint>
config::socket_address socket_address_of(const Endpoint& e) {
  return {from_asio(e.address()), e.port()};
}

/// A datagram received from or sent to `remote` at the local address `local` (the address
/// it arrived at or left from, not a wildcard the socket may be bound to).
inline void trace_udp(trace_tap::direction dir, const config::socket_address& local,
                      const boost::asio::ip::udp::endpoint& remote, std::string_view bytes) {
  if (!trace_tap::active()) return;
  trace_tap::on_message(dir, config::transport::udp, local, socket_address_of(remote), bytes);
}

/// A message read from or written to a connected TCP socket.
inline void trace_tcp(trace_tap::direction dir, const boost::asio::ip::tcp::socket& socket, std::string_view bytes) {
  if (!trace_tap::active()) return;
  boost::system::error_code ec;
  const auto local = socket.local_endpoint(ec);
  const auto remote = socket.remote_endpoint(ec);
  trace_tap::on_message(dir, config::transport::tcp, socket_address_of(local), socket_address_of(remote), bytes);
}

}  // namespace tollgate::switch_
