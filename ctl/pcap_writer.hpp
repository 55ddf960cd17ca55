// Trace records as packets in a pcap file (libpcap), for Wireshark, tshark and sngrep:
// each SIP message inside a synthesized Ethernet, IPv4 or IPv6, and UDP or TCP header.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <variant>

#include "ctl/trace_record.hpp"

namespace tollgate::ctl {

/// The link type of the file: Ethernet, which every reader opens.
inline constexpr int pcap_link_type = DLT_EN10MB;
/// Payload bytes per packet at most (an IP packet is at most 65535 bytes); longer messages
/// are cut.
inline constexpr std::size_t max_payload = 65535 - 40 - 20;

/// Builds the packets. TCP segments of one direction of a connection get consecutive
/// sequence numbers (and acknowledge the other direction's), so that readers reassemble
/// them; UDP and IPv4 header checksums are computed.
class packet_framer {
public:
  /// Ethernet + IP + UDP/TCP + message. IPv4-mapped addresses are written as IPv4; when the
  /// two sides' families differ (an unspecified local address), the local one becomes
  /// the unspecified address of the remote's family.
  std::string frame(const trace_record& r);

private:
  using flow = std::tuple<config::socket_address, config::socket_address>;  // source, destination
  std::map<flow, std::uint32_t> next_sequence_;
  std::uint16_t ip_id_ = 0;
};

/// Owns the pcap handles; every packet is flushed, so a trace stopped by Ctrl-C leaves a
/// whole file.
class pcap_writer {
public:
  /// Creates (truncates) `path`; the error names the file and libpcap's reason.
  static std::variant<pcap_writer, std::string> open(const std::string& path);
  void write(const trace_record& r);

private:
  struct pcap_closer {
    void operator()(pcap_t* p) const { pcap_close(p); }
  };
  struct dumper_closer {
    void operator()(pcap_dumper_t* d) const { pcap_dump_close(d); }
  };
  pcap_writer(std::unique_ptr<pcap_t, pcap_closer> pcap, std::unique_ptr<pcap_dumper_t, dumper_closer> dumper)
      : pcap_(std::move(pcap)), dumper_(std::move(dumper)) {}

  std::unique_ptr<pcap_t, pcap_closer> pcap_;
  std::unique_ptr<pcap_dumper_t, dumper_closer> dumper_;  // declared after pcap_: closed first
  packet_framer framer_;
};

}  // namespace tollgate::ctl
