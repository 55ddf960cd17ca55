// Synthesized headers around traced SIP messages, written with libpcap's dump functions.
#include "ctl/pcap_writer.hpp"

#include <algorithm>
#include <cmath>

namespace tollgate::ctl {
namespace {

constexpr std::uint8_t protocol_tcp = 6;
constexpr std::uint8_t protocol_udp = 17;
constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr std::uint8_t tcp_psh_ack = 0x18;

void put16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

void put32(std::string& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v & 0xffff));
}

void set16(std::string& out, std::size_t at, std::uint16_t v) {
  out[at] = static_cast<char>(v >> 8);
  out[at + 1] = static_cast<char>(v & 0xff);
}

void put_address(std::string& out, const base::ip_address& a) {
  const std::size_t n = a.is_v4() ? 4 : 16;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(a.bytes()[i]));
}

// RFC 1071: the one's complement sum of 16-bit words.
std::uint32_t sum_words(std::string_view bytes, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    sum += static_cast<std::uint32_t>((static_cast<std::uint8_t>(bytes[i]) << 8) | static_cast<std::uint8_t>(bytes[i + 1]));
  }
  if (bytes.size() % 2 == 1) sum += static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes.back()) << 8);
  return sum;
}

std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

// The transport checksum over the pseudo-header (RFC 768, RFC 793, RFC 8200 §8.1).
std::uint16_t transport_checksum(const base::ip_address& source, const base::ip_address& destination,
                                 std::uint8_t protocol, std::string_view segment) {
  std::string pseudo;
  put_address(pseudo, source);
  put_address(pseudo, destination);
  if (source.is_v4()) {
    pseudo.push_back(0);
    pseudo.push_back(static_cast<char>(protocol));
    put16(pseudo, static_cast<std::uint16_t>(segment.size()));
  } else {
    put32(pseudo, static_cast<std::uint32_t>(segment.size()));
    put16(pseudo, 0);
    pseudo.push_back(0);
    pseudo.push_back(static_cast<char>(protocol));
  }
  std::uint16_t sum = fold(sum_words(segment, sum_words(pseudo)));
  if (protocol == protocol_udp && sum == 0) sum = 0xffff;  // 0 means "no checksum" in UDP
  return sum;
}

base::ip_address unspecified(const base::ip_address& like) {
  return like.is_v4() ? base::ip_address::v4({0, 0, 0, 0}) : base::ip_address::v6({});
}

}  // namespace

std::string packet_framer::frame(const trace_record& r) {
  config::socket_address local{r.local.address.unmapped(), r.local.port};
  const config::socket_address remote{r.remote.address.unmapped(), r.remote.port};
  if (local.address.family() != remote.address.family()) local.address = unspecified(remote.address);
  const auto& source = r.inbound ? remote : local;
  const auto& destination = r.inbound ? local : remote;
  const std::string_view payload(r.message.data(), std::min(r.message.size(), max_payload));
  const bool tcp = r.transport == config::transport::tcp;

  std::string segment;
  put16(segment, source.port);
  put16(segment, destination.port);
  if (tcp) {
    std::uint32_t& sequence = next_sequence_[{source, destination}];
    const auto reverse = next_sequence_.find({destination, source});
    put32(segment, sequence);
    put32(segment, reverse == next_sequence_.end() ? 0 : reverse->second);
    segment.push_back(static_cast<char>(5 << 4));  // 20-byte header
    segment.push_back(static_cast<char>(tcp_psh_ack));
    put16(segment, 65535);  // window
    put16(segment, 0);      // checksum, set below
    put16(segment, 0);      // urgent pointer
    sequence += static_cast<std::uint32_t>(payload.size());
  } else {
    put16(segment, static_cast<std::uint16_t>(8 + payload.size()));
    put16(segment, 0);  // checksum, set below
  }
  segment.append(payload);
  set16(segment, tcp ? 16 : 6,
        transport_checksum(source.address, destination.address, tcp ? protocol_tcp : protocol_udp, segment));

  std::string packet(12, '\0');  // destination and source MAC: none
  const std::uint8_t protocol = tcp ? protocol_tcp : protocol_udp;
  if (source.address.is_v4()) {
    put16(packet, ethertype_ipv4);
    const std::size_t ip_start = packet.size();
    packet.push_back(0x45);  // version 4, 20-byte header
    packet.push_back(0);
    put16(packet, static_cast<std::uint16_t>(20 + segment.size()));
    put16(packet, ip_id_++);
    put16(packet, 0x4000);  // don't fragment
    packet.push_back(64);   // TTL
    packet.push_back(static_cast<char>(protocol));
    put16(packet, 0);  // checksum, set below
    put_address(packet, source.address);
    put_address(packet, destination.address);
    set16(packet, ip_start + 10, fold(sum_words(std::string_view(packet).substr(ip_start, 20))));
  } else {
    put16(packet, ethertype_ipv6);
    put32(packet, 0x60000000);  // version 6, no traffic class, no flow label
    put16(packet, static_cast<std::uint16_t>(segment.size()));
    packet.push_back(static_cast<char>(protocol));
    packet.push_back(64);  // hop limit
    put_address(packet, source.address);
    put_address(packet, destination.address);
  }
  packet += segment;
  return packet;
}

std::variant<pcap_writer, std::string> pcap_writer::open(const std::string& path) {
  std::unique_ptr<pcap_t, pcap_closer> pcap(pcap_open_dead(pcap_link_type, 262144));
  if (!pcap) return std::string("libpcap cannot make a capture handle");
  std::unique_ptr<pcap_dumper_t, dumper_closer> dumper(pcap_dump_open(pcap.get(), path.c_str()));
  if (!dumper) return "cannot write " + path + ": " + pcap_geterr(pcap.get());
  return pcap_writer(std::move(pcap), std::move(dumper));
}

void pcap_writer::write(const trace_record& r) {
  const std::string packet = framer_.frame(r);
  const double seconds = base::to_unix_seconds(r.time);
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(std::floor(seconds));
  header.ts.tv_usec = static_cast<suseconds_t>(
      std::min(999999.0, std::round((seconds - std::floor(seconds)) * 1e6)));
  header.caplen = static_cast<bpf_u_int32>(packet.size());
  header.len = header.caplen;
  pcap_dump(reinterpret_cast<u_char*>(dumper_.get()), &header, reinterpret_cast<const u_char*>(packet.data()));
  pcap_dump_flush(dumper_.get());
}

}  // namespace tollgate::ctl
