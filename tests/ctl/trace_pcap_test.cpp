// Trace lines into records and text, and records into pcap packets read back with libpcap.
#include "ctl/pcap_writer.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "ctl/trace_record.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tollgate;
using namespace tollgate::ctl;

namespace {

const std::string options_text = "OPTIONS sip:ping@192.0.2.1 SIP/2.0\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n";

trace_record record(bool inbound, config::transport t, const char* local, const char* remote, std::string message,
                    double time = 1764158400.25) {
  trace_record r;
  r.time = base::from_unix_seconds(time);
  r.inbound = inbound;
  r.transport = t;
  r.local = *config::parse_socket_address(local);
  r.remote = *config::parse_socket_address(remote);
  r.message = std::move(message);
  return r;
}

std::uint16_t get16(const std::string& p, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(p[at]) << 8) | static_cast<std::uint8_t>(p[at + 1]));
}
std::uint32_t get32(const std::string& p, std::size_t at) {
  return (static_cast<std::uint32_t>(get16(p, at)) << 16) | get16(p, at + 2);
}
std::string address_text(const std::string& p, std::size_t at, bool v6) {
  char out[INET6_ADDRSTRLEN];
  inet_ntop(v6 ? AF_INET6 : AF_INET, p.data() + at, out, sizeof out);
  return out;
}

// RFC 1071: a header (or pseudo-header plus segment) with its checksum sums to 0xffff.
std::uint16_t ones_sum(std::string_view bytes) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    sum += static_cast<std::uint32_t>((static_cast<std::uint8_t>(bytes[i]) << 8) | static_cast<std::uint8_t>(bytes[i + 1]));
  }
  if (bytes.size() % 2) sum += static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes.back()) << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

struct read_packet {
  timeval ts;
  std::string bytes;
};

std::vector<read_packet> read_back(const std::string& path, int* link_type) {
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), error);
  REQUIRE(p != nullptr);
  *link_type = pcap_datalink(p);
  std::vector<read_packet> out;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(p, &header, &data) == 1) {
    out.push_back({header->ts, std::string(reinterpret_cast<const char*>(data), header->caplen)});
    CHECK(header->len == header->caplen);
  }
  pcap_close(p);
  return out;
}

}  // namespace

TEST_CASE("trace lines become records, drop notices, or errors", "[ctl][trace]") {
  const auto line = wire::json::parse(R"({"time":1764158400.25,"direction":"out","transport":"tcp",)"
                                      R"("local":"[2001:db8::1]:5060","remote":"[2001:db8::2]:40000","message":"M"})");
  const auto parsed = parse_trace_line(line);
  REQUIRE(std::holds_alternative<trace_record>(parsed));
  const auto& r = std::get<trace_record>(parsed);
  CHECK_FALSE(r.inbound);
  CHECK(r.transport == config::transport::tcp);
  CHECK(r.local.to_string() == "[2001:db8::1]:5060");
  CHECK(r.remote.port == 40000);
  CHECK(r.message == "M");
  CHECK(base::to_unix_seconds(r.time) == Approx(1764158400.25));

  const auto dropped = parse_trace_line(wire::json::parse(R"({"time":1,"dropped":12})"));
  REQUIRE(std::holds_alternative<dropped_notice>(dropped));
  CHECK(std::get<dropped_notice>(dropped).count == 12);

  CHECK(std::get<std::string>(parse_trace_line(wire::json::parse(R"({"direction":"in"})"))) ==
        "a trace line has no \"time\"");
  CHECK(std::get<std::string>(parse_trace_line(wire::json::parse(
            R"({"time":1,"direction":"sideways","transport":"udp","local":"1.2.3.4:1","remote":"1.2.3.4:2","message":""})"))) ==
        "unknown direction \"sideways\"");
  CHECK(std::holds_alternative<std::string>(parse_trace_line(wire::json::parse(
      R"({"time":1,"direction":"in","transport":"udp","local":"nowhere","remote":"1.2.3.4:2","message":""})"))));
}

TEST_CASE("trace text: a header line with time, transport, direction and addresses, then the message", "[ctl][trace]") {
  const auto in = record(true, config::transport::udp, "192.0.2.1:5060", "198.51.100.7:5062", options_text,
                         1764158400.25);
  CHECK(trace_text(in) ==
        "2025-11-26 12:00:00.250000 UTC udp in  198.51.100.7:5062 -> 192.0.2.1:5060 (69 bytes)\n"
        "OPTIONS sip:ping@192.0.2.1 SIP/2.0\nCall-ID: x\nContent-Length: 0\n\n\n");
  const auto out = record(false, config::transport::tcp, "192.0.2.1:5060", "198.51.100.7:5062", "SIP/2.0 200 OK", 1);
  CHECK(trace_text(out) == "1970-01-01 00:00:01.000000 UTC tcp out 192.0.2.1:5060 -> 198.51.100.7:5062 (14 bytes)\n"
                           "SIP/2.0 200 OK\n\n");
}

TEST_CASE("pcap: IPv4 and IPv6, UDP and TCP packets read back by libpcap with their headers", "[ctl][trace][pcap]") {
  const tollgate::test::temp_dir dir{"tollgate-trace"};
  const std::string path = dir.file("trace.pcap");
  const std::string reply = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  {
    auto opened = pcap_writer::open(path);
    REQUIRE(std::holds_alternative<pcap_writer>(opened));
    auto& w = std::get<pcap_writer>(opened);
    w.write(record(true, config::transport::udp, "192.0.2.1:5060", "198.51.100.7:5062", options_text, 1764158400.25));
    w.write(record(false, config::transport::udp, "[2001:db8::1]:5060", "[2001:db8::7]:5062", reply, 1764158400.5));
    w.write(record(true, config::transport::tcp, "192.0.2.1:5060", "198.51.100.7:40000", options_text, 1764158401));
    w.write(record(false, config::transport::tcp, "192.0.2.1:5060", "198.51.100.7:40000", reply, 1764158401.001));
    w.write(record(true, config::transport::tcp, "192.0.2.1:5060", "198.51.100.7:40000", options_text, 1764158402));
    w.write(record(true, config::transport::tcp, "[2001:db8::1]:5060", "[::ffff:198.51.100.9]:7", "x", 1764158403));
  }
  int link = 0;
  const auto packets = read_back(path, &link);
  CHECK(link == DLT_EN10MB);
  REQUIRE(packets.size() == 6);

  SECTION("IPv4 UDP, inbound: remote to local, checksums right") {
    const auto& p = packets[0].bytes;
    CHECK(packets[0].ts.tv_sec == 1764158400);
    CHECK(packets[0].ts.tv_usec == 250000);
    REQUIRE(p.size() == 14 + 20 + 8 + options_text.size());
    CHECK(get16(p, 12) == 0x0800);
    CHECK(static_cast<std::uint8_t>(p[14]) == 0x45);
    CHECK(get16(p, 16) == 20 + 8 + options_text.size());
    CHECK(static_cast<std::uint8_t>(p[23]) == 17);
    CHECK(ones_sum(std::string_view(p).substr(14, 20)) == 0xffff);
    CHECK(address_text(p, 26, false) == "198.51.100.7");
    CHECK(address_text(p, 30, false) == "192.0.2.1");
    CHECK(get16(p, 34) == 5062);
    CHECK(get16(p, 36) == 5060);
    CHECK(get16(p, 38) == 8 + options_text.size());
    std::string pseudo = p.substr(26, 8);
    pseudo += std::string("\0\x11", 2) + p.substr(38, 2);
    CHECK(ones_sum(pseudo + p.substr(34)) == 0xffff);
    CHECK(p.substr(42) == options_text);
  }
  SECTION("IPv6 UDP, outbound: local to remote") {
    const auto& p = packets[1].bytes;
    CHECK(packets[1].ts.tv_usec == 500000);
    REQUIRE(p.size() == 14 + 40 + 8 + reply.size());
    CHECK(get16(p, 12) == 0x86dd);
    CHECK(static_cast<std::uint8_t>(p[14]) >> 4 == 6);
    CHECK(get16(p, 18) == 8 + reply.size());
    CHECK(static_cast<std::uint8_t>(p[20]) == 17);
    CHECK(address_text(p, 22, true) == "2001:db8::1");
    CHECK(address_text(p, 38, true) == "2001:db8::7");
    CHECK(get16(p, 54) == 5060);
    CHECK(get16(p, 56) == 5062);
    std::string pseudo = p.substr(22, 32);
    pseudo += std::string("\0\0", 2) + p.substr(58, 2) + std::string("\0\0\0\x11", 4);
    CHECK(ones_sum(pseudo + p.substr(54)) == 0xffff);
    CHECK(p.substr(62) == reply);
  }
  SECTION("TCP: consecutive sequence numbers per direction, acknowledging the other") {
    const auto& a = packets[2].bytes;  // in, first
    const auto& b = packets[3].bytes;  // out
    const auto& c = packets[4].bytes;  // in, second
    for (const auto* p : {&a, &b, &c}) {
      CHECK(static_cast<std::uint8_t>((*p)[23]) == 6);
      CHECK(static_cast<std::uint8_t>((*p)[46]) >> 4 == 5);  // 20-byte TCP header
      CHECK(static_cast<std::uint8_t>((*p)[47]) == 0x18);    // PSH, ACK
      CHECK(ones_sum(std::string_view(*p).substr(14, 20)) == 0xffff);
      std::string pseudo = p->substr(26, 8);
      const auto length = static_cast<std::uint16_t>(p->size() - 34);
      pseudo += std::string("\0\x06", 2) + std::string{static_cast<char>(length >> 8), static_cast<char>(length & 0xff)};
      CHECK(ones_sum(pseudo + p->substr(34)) == 0xffff);
    }
    CHECK(get16(a, 34) == 40000);
    CHECK(get16(b, 34) == 5060);
    CHECK(get32(a, 38) == 0);
    CHECK(get32(b, 38) == 0);
    CHECK(get32(b, 42) == options_text.size());          // b acknowledges a
    CHECK(get32(c, 38) == options_text.size());          // c follows a
    CHECK(get32(c, 42) == reply.size());                 // and acknowledges b
    CHECK(a.substr(54) == options_text);
    CHECK(b.substr(54) == reply);
  }
  SECTION("an IPv4-mapped remote with an IPv6 local side: IPv4 with an unspecified local address") {
    const auto& p = packets[5].bytes;
    CHECK(get16(p, 12) == 0x0800);
    CHECK(address_text(p, 26, false) == "198.51.100.9");
    CHECK(address_text(p, 30, false) == "0.0.0.0");
  }
}

TEST_CASE("pcap: an unwritable path is an error naming it", "[ctl][trace][pcap]") {
  auto opened = pcap_writer::open("/nonexistent-dir/trace.pcap");
  REQUIRE(std::holds_alternative<std::string>(opened));
  CHECK(std::get<std::string>(opened).find("cannot write /nonexistent-dir/trace.pcap") == 0);
}
