// IP and UDP headers of a queued packet: where its UDP payload is, or why there is none.
#pragma once

#include <cstdint>
#include <span>

#include "base/ip_address.hpp"

namespace tollgate::agent {

enum class packet_kind : std::uint8_t {
  udp,        // an unfragmented UDP datagram: source, ports and payload are set
  fragment,   // an IPv4 fragment or an IPv6 packet with a Fragment header
  not_udp,    // another protocol (or ESP, which hides it)
  truncated,  // headers cut short or inconsistent: not ours to judge
};

struct udp_datagram {
  packet_kind kind = packet_kind::truncated;
  base::ip_address source;
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  std::span<const std::uint8_t> payload;  // a view into the packet
};

/// Reads the IPv4 header (IHL, total length, fragment bits) or the IPv6 header and its
/// extension headers (hop-by-hop, routing, destination options, AH; a Fragment header
/// makes it a fragment), then the UDP header. `packet` starts at the IP header, as NFQUEUE
/// delivers it. Pure; never reads past `packet`.
udp_datagram read_udp(std::span<const std::uint8_t> packet);

}  // namespace tollgate::agent
