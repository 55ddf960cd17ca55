// IPv4/IPv6 and UDP header reading, bounds-checked at every step.
#include "agent/packet_headers.hpp"

#include <array>
#include <cstring>

namespace tollgate::agent {
namespace {

constexpr std::uint8_t proto_hop_by_hop = 0;
constexpr std::uint8_t proto_udp = 17;
constexpr std::uint8_t proto_routing = 43;
constexpr std::uint8_t proto_fragment = 44;
constexpr std::uint8_t proto_ah = 51;
constexpr std::uint8_t proto_destination = 60;
constexpr int max_extension_headers = 8;

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

udp_datagram with_kind(packet_kind kind) {
  udp_datagram d;
  d.kind = kind;
  return d;
}

/// The UDP header at `offset`; the payload ends at the end of the IP payload `end`.
udp_datagram read_udp_header(std::span<const std::uint8_t> packet, std::size_t offset, std::size_t end,
                             base::ip_address source) {
  if (end > packet.size() || offset + 8 > end) return with_kind(packet_kind::truncated);
  const std::uint8_t* h = packet.data() + offset;
  const std::size_t udp_length = be16(h + 4);
  if (udp_length < 8 || offset + udp_length > end) return with_kind(packet_kind::truncated);
  udp_datagram d;
  d.kind = packet_kind::udp;
  d.source = source;
  d.source_port = be16(h);
  d.destination_port = be16(h + 2);
  d.payload = packet.subspan(offset + 8, udp_length - 8);
  return d;
}

udp_datagram read_v4(std::span<const std::uint8_t> packet) {
  if (packet.size() < 20) return with_kind(packet_kind::truncated);
  const std::uint8_t* h = packet.data();
  const std::size_t header_length = (h[0] & 0x0fu) * 4u;
  const std::size_t total_length = be16(h + 2);
  if (header_length < 20 || total_length < header_length || total_length > packet.size()) {
    return with_kind(packet_kind::truncated);
  }
  const std::uint16_t fragment = be16(h + 6);
  if ((fragment & 0x2000u) != 0 || (fragment & 0x1fffu) != 0) return with_kind(packet_kind::fragment);
  if (h[9] != proto_udp) return with_kind(packet_kind::not_udp);
  std::array<std::uint8_t, 4> source{};
  std::memcpy(source.data(), h + 12, 4);
  return read_udp_header(packet, header_length, total_length, base::ip_address::v4(source));
}

udp_datagram read_v6(std::span<const std::uint8_t> packet) {
  if (packet.size() < 40) return with_kind(packet_kind::truncated);
  const std::uint8_t* h = packet.data();
  const std::size_t end = 40u + be16(h + 4);
  if (end > packet.size()) return with_kind(packet_kind::truncated);
  std::array<std::uint8_t, 16> source{};
  std::memcpy(source.data(), h + 8, 16);
  std::uint8_t next = h[6];
  std::size_t offset = 40;
  for (int i = 0; i <= max_extension_headers; ++i) {
    switch (next) {
      case proto_udp: return read_udp_header(packet, offset, end, base::ip_address::v6(source));
      case proto_fragment: return with_kind(packet_kind::fragment);
      case proto_hop_by_hop:
      case proto_routing:
      case proto_destination:
      case proto_ah: {
        if (offset + 8 > end) return with_kind(packet_kind::truncated);
        const std::size_t length =
            next == proto_ah ? (packet[offset + 1] + 2u) * 4u : (packet[offset + 1] + 1u) * 8u;
        next = packet[offset];
        offset += length;
        break;
      }
      default: return with_kind(packet_kind::not_udp);
    }
  }
  return with_kind(packet_kind::truncated);
}

}  // namespace

udp_datagram read_udp(std::span<const std::uint8_t> packet) {
  if (packet.empty()) return with_kind(packet_kind::truncated);
  switch (packet[0] >> 4) {
    case 4: return read_v4(packet);
    case 6: return read_v6(packet);
    default: return with_kind(packet_kind::truncated);
  }
}

}  // namespace tollgate::agent
