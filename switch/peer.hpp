// Where a SIP message came from: the transport and the source address as the socket saw it.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/ip_address.hpp"
#include "config/address.hpp"

namespace tollgate::switch_ {

struct peer {
  config::transport transport = config::transport::udp;
  base::ip_address ip;
  std::uint16_t port = 0;
  /// The switch's address and port the message arrived at: for UDP the datagram's
  /// destination address (also on a wildcard listen), for TCP the connection's local end.
  /// Answers leave from there.
  config::socket_address local{};

  std::string_view transport_name() const { return config::to_string(transport); }
};

}  // namespace tollgate::switch_
