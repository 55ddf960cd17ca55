// Golden tests of the inspector's classifier: captured sipvicious 0.3.3 and SIPp 3.6.1
// messages, malformed SIP, non-SIP payloads, and IPv4/IPv6 header shapes.
#include "agent/inspector.hpp"

#include "agent/packet_headers.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using namespace tollgate;
using namespace tollgate::agent;

namespace {

using bytes = std::vector<std::uint8_t>;

void put16(bytes& b, std::size_t at, std::size_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

void append(bytes& b, const void* data, std::size_t size) {
  if (size == 0) return;
  const std::size_t at = b.size();
  b.resize(at + size);
  std::memcpy(b.data() + at, data, size);
}

bytes udp(std::string_view payload, std::uint16_t source_port = 5062) {
  bytes b(8);
  put16(b, 0, source_port);
  put16(b, 2, 5060);
  put16(b, 4, 8 + payload.size());
  append(b, payload.data(), payload.size());
  return b;
}

/// IPv4 from 203.0.113.7 to 192.0.2.1; `options` 32-bit words of IP options.
bytes ipv4(const bytes& l4, std::uint8_t protocol = 17, std::uint16_t fragment = 0x4000, int options = 0) {
  const std::size_t header = 20 + 4 * static_cast<std::size_t>(options);
  bytes b(header, 0);
  b[0] = static_cast<std::uint8_t>(0x40 | (header / 4));
  put16(b, 2, header + l4.size());
  put16(b, 6, fragment);
  b[8] = 64;
  b[9] = protocol;
  const std::uint8_t src[4] = {203, 0, 113, 7};
  const std::uint8_t dst[4] = {192, 0, 2, 1};
  std::copy(src, src + 4, b.begin() + 12);
  std::copy(dst, dst + 4, b.begin() + 16);
  for (std::size_t i = 20; i < header; ++i) b[i] = 1;  // NOP options
  append(b, l4.data(), l4.size());
  return b;
}

/// IPv6 from 2001:db8::2 to 2001:db8::1 through the extension headers `chain` (next-header
/// numbers, each an 8-octet header), then `last` (17 for UDP).
bytes ipv6(const bytes& l4, std::vector<std::uint8_t> chain = {}, std::uint8_t last = 17) {
  bytes b(40, 0);
  b[0] = 0x60;
  b[7] = 64;
  b[8] = 0x20, b[9] = 0x01, b[10] = 0x0d, b[11] = 0xb8, b[23] = 2;
  b[24] = 0x20, b[25] = 0x01, b[26] = 0x0d, b[27] = 0xb8, b[39] = 1;
  b[6] = chain.empty() ? last : chain.front();
  for (std::size_t i = 0; i < chain.size(); ++i) {
    bytes ext(8, 0);
    ext[0] = i + 1 < chain.size() ? chain[i + 1] : last;
    // Length 0: AH is (0+2)*4 = 8 octets, the others (0+1)*8 = 8 octets.
    append(b, ext.data(), ext.size());
  }
  append(b, l4.data(), l4.size());
  put16(b, 4, b.size() - 40);
  return b;
}

// --- captured from svmap, svwar, svcrack 0.3.3 and SIPp 3.6.1 against a UDP responder ---

const std::string svmap_options =
    "OPTIONS sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-2219257908;rport\r\n"
    "Max-Forwards: 70\r\nTo: \"sipvicious\"<sip:100@1.1.1.1>\r\n"
    "From: \"sipvicious\"<sip:100@1.1.1.1>;tag=6330303030323031313363340133373634393531363835\r\n"
    "User-Agent: friendly-scanner\r\nCall-ID: 146160269646086395100952\r\nContact: sip:100@127.0.0.1:5061\r\n"
    "CSeq: 1 OPTIONS\r\nAccept: application/sdp\r\nContent-Length: 0\r\n\r\n";

// svmap -c: compact headers and no User-Agent; only the From tag gives it away.
const std::string svmap_compact =
    "OPTIONS sip:100@192.0.2.1 SIP/2.0\r\nv: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-4140615442;rport\r\n"
    "t: \"sipvicious\"<sip:100@1.1.1.1>\r\n"
    "f: \"sipvicious\"<sip:100@1.1.1.1>;tag=6330303030323031313363340133373238303831303833\r\n"
    "i: 902104392985048525641830\r\nm: sip:100@127.0.0.1:5061\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
    "Accept: application/sdp\r\nContent-Length: 0\r\n\r\n";

const std::string svwar_register =
    "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-228613184;rport\r\n"
    "Max-Forwards: 70\r\nTo: \"3185840687\"<sip:3185840687@192.0.2.1>\r\n"
    "From: \"3185840687\"<sip:3185840687@192.0.2.1>;tag=333138353834303638370132343037303134373738\r\n"
    "User-Agent: friendly-scanner\r\nCall-ID: 2326904688\r\nContact: sip:3185840687@192.0.2.1\r\n"
    "CSeq: 1 REGISTER\r\nAccept: application/sdp\r\nContent-Length: 0\r\n\r\n";

const std::string svwar_invite =
    "INVITE sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-3113793924;rport\r\n"
    "Max-Forwards: 70\r\nTo: \"100\"<sip:100@192.0.2.1>\r\n"
    "From: \"100\"<sip:100@192.0.2.1>;tag=3130300131373336373334343938\r\nUser-Agent: friendly-scanner\r\n"
    "Call-ID: 3877578032\r\nContact: sip:100@192.0.2.1\r\nCSeq: 1 INVITE\r\nAccept: application/sdp\r\n"
    "Content-Length: 0\r\n\r\n";

// svcrack's first REGISTER has a plain random tag; its answer carries "user:password".
const std::string svcrack_first =
    "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-2684764695;rport\r\n"
    "Max-Forwards: 70\r\nTo: \"1002\" <sip:1002@192.0.2.1>\r\nFrom: \"1002\" <sip:1002@192.0.2.1>;tag=3206210844\r\n"
    "User-Agent: friendly-scanner\r\nCall-ID: 86009578\r\nContact: sip:123@1.1.1.1\r\nCSeq: 1 REGISTER\r\n"
    "Accept: application/sdp\r\nContent-Length: 0\r\n\r\n";

const std::string svcrack_answer =
    "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-3107149323;rport\r\n"
    "Max-Forwards: 70\r\nTo: \"1002\" <sip:1002@192.0.2.1>\r\n"
    "From: \"1002\" <sip:1002@192.0.2.1>;tag=313030323a313030320133363132353930383132\r\n"
    "User-Agent: friendly-scanner\r\nCall-ID: 86009578\r\nContact: sip:123@1.1.1.1\r\nCSeq: 2 REGISTER\r\n"
    "Accept: application/sdp\r\nContent-Length: 0\r\nAuthorization: Digest username=\"1002\",realm=\"tollgate\","
    "nonce=\"0123456789abcdef\",uri=\"sip:192.0.2.1\",algorithm=MD5,qop=auth,"
    "response=\"a5135d6b18e65f2e4ae00d6a7584eb6a\"\r\n\r\n";

const std::string sipp_register =
    "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.2:5070;branch=z9hG4bK-10235-1-0\r\n"
    "From: <sip:1001@192.0.2.1>;tag=10235SIPpTag001\r\nTo: <sip:1001@192.0.2.1>\r\nCall-ID: 1-10235@192.0.2.2\r\n"
    "CSeq: 1 REGISTER\r\nContact: <sip:1001@192.0.2.2:5070>\r\nMax-Forwards: 70\r\nExpires: 3600\r\n"
    "User-Agent: Yealink SIP-T46S 66.86.0.15\r\nContent-Length: 0\r\n\r\n";

const std::string sipp_register_auth =
    "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.2:5070;branch=z9hG4bK-10235-1-2\r\n"
    "From: <sip:1001@192.0.2.1>;tag=10235SIPpTag001\r\nTo: <sip:1001@192.0.2.1>\r\nCall-ID: 1-10235@192.0.2.2\r\n"
    "CSeq: 2 REGISTER\r\nContact: <sip:1001@192.0.2.2:5070>\r\nAuthorization: Digest username=\"1001\","
    "realm=\"tollgate\",uri=\"sip:192.0.2.1:5060\",nonce=\"0123456789abcdef\","
    "response=\"f25a7f1f276eca512e495749844c0903\",algorithm=MD5\r\nMax-Forwards: 70\r\nExpires: 3600\r\n"
    "User-Agent: Yealink SIP-T46S 66.86.0.15\r\nContent-Length: 0\r\n\r\n";

const std::string invite_with_sdp =
    "INVITE sip:0044123456@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK776asdhds\r\n"
    "Max-Forwards: 70\r\nTo: <sip:0044123456@192.0.2.1>\r\nFrom: \"1001\" <sip:1001@192.0.2.1>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@198.51.100.20\r\nCSeq: 314159 INVITE\r\nContact: <sip:1001@198.51.100.20:5060>\r\n"
    "User-Agent: Grandstream GXP2170 1.0.11.3\r\nContent-Type: application/sdp\r\nContent-Length: 129\r\n\r\n"
    "v=0\r\no=1001 2890844526 2890844526 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 8\r\na=sendrecv\r\n";

const std::string response_401 =
    "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\n"
    "From: <sip:acct@192.0.2.50>;tag=abc\r\nTo: <sip:acct@192.0.2.50>;tag=def\r\nCall-ID: x1@192.0.2.1\r\n"
    "CSeq: 1 REGISTER\r\nWWW-Authenticate: Digest realm=\"carrier\", nonce=\"n1\"\r\nContent-Length: 0\r\n\r\n";

std::string without(std::string text, std::string_view line) {
  const auto at = text.find(line);
  REQUIRE(at != std::string::npos);
  text.erase(at, line.size());
  return text;
}

}  // namespace

TEST_CASE("captured SIP payloads classify as expected", "[agent][inspector]") {
  struct golden {
    const char* name;
    std::string payload;
    inspect_reason reason;
  };
  const std::vector<golden> table{
      {"svmap default scan", svmap_options, inspect_reason::scanner_user_agent},
      {"svmap compact mode (no User-Agent)", svmap_compact, inspect_reason::scanner_tag},
      {"svwar REGISTER", svwar_register, inspect_reason::scanner_user_agent},
      {"svwar REGISTER with the User-Agent removed",
       without(svwar_register, "User-Agent: friendly-scanner\r\n"), inspect_reason::scanner_tag},
      {"svwar INVITE without User-Agent", without(svwar_invite, "User-Agent: friendly-scanner\r\n"),
       inspect_reason::scanner_tag},
      {"svcrack first REGISTER", svcrack_first, inspect_reason::scanner_user_agent},
      {"svcrack first REGISTER without User-Agent: a plain tag, not a fingerprint",
       without(svcrack_first, "User-Agent: friendly-scanner\r\n"), inspect_reason::clean},
      {"svcrack answer without User-Agent", without(svcrack_answer, "User-Agent: friendly-scanner\r\n"),
       inspect_reason::scanner_tag},
      {"SIPp REGISTER", sipp_register, inspect_reason::clean},
      {"SIPp REGISTER with credentials", sipp_register_auth, inspect_reason::clean},
      {"INVITE with SDP", invite_with_sdp, inspect_reason::clean},
      {"a carrier's 401", response_401, inspect_reason::clean},
      {"leading CRLFs before a request", "\r\n\r\n" + sipp_register, inspect_reason::clean},
      {"User-Agent fingerprint in other case", [] {
         std::string s = sipp_register;
         s.replace(s.find("Yealink SIP-T46S"), 16, "SIPVicious-0.3.3");
         return s;
       }(), inspect_reason::scanner_user_agent},
      {"other fingerprints from the list", [] {
         std::string s = sipp_register;
         s.replace(s.find("Yealink SIP-T46S"), 16, "sundayddr");
         return s;
       }(), inspect_reason::scanner_user_agent},
      // Malformed
      {"no Call-ID", without(sipp_register, "Call-ID: 1-10235@192.0.2.2\r\n"), inspect_reason::malformed_sip},
      {"no Via", without(sipp_register, "Via: SIP/2.0/UDP 192.0.2.2:5070;branch=z9hG4bK-10235-1-0\r\n"),
       inspect_reason::malformed_sip},
      {"CSeq method differs", [] {
         std::string s = sipp_register;
         s.replace(s.find("1 REGISTER"), 10, "1 INVITE");
         return s;
       }(), inspect_reason::malformed_sip},
      {"header line without a colon", [] {
         std::string s = sipp_register;
         s.replace(s.find("Max-Forwards: 70"), 16, "Max-Forwards 70");
         return s;
       }(), inspect_reason::malformed_sip},
      {"Content-Length beyond the datagram", [] {
         std::string s = sipp_register;
         s.replace(s.find("Content-Length: 0"), 17, "Content-Length: 900");
         return s;
       }(), inspect_reason::malformed_sip},
      {"headers never end", sipp_register.substr(0, 120), inspect_reason::malformed_sip},
      {"request line only", "OPTIONS sip:a@192.0.2.1 SIP/2.0\r\n\r\n", inspect_reason::malformed_sip},
      {"SIP/3.0", "OPTIONS sip:a@192.0.2.1 SIP/3.0\r\n\r\n", inspect_reason::malformed_sip},
      {"status line with a bad code", "SIP/2.0 20 OK\r\n\r\n", inspect_reason::malformed_sip},
      // Not SIP
      {"empty", "", inspect_reason::not_sip},
      {"CRLF keepalive", "\r\n\r\n", inspect_reason::not_sip},
      {"STUN binding request", std::string("\x00\x01\x00\x00\x21\x12\xa4\x42" "abcdefghijkl", 20),
       inspect_reason::not_sip},
      {"RTP", std::string("\x80\x00\x12\x34\x00\x00\x00\xa0\xde\xad\xbe\xef", 12), inspect_reason::not_sip},
      {"text that is not a SIP line", "hello world\r\n", inspect_reason::not_sip},
      {"a word and no SIP version", "marker", inspect_reason::not_sip},
  };
  const inspector insp;
  for (const auto& g : table) {
    SECTION(g.name) {
      const auto packet = ipv4(udp(g.payload));
      const inspection i = insp.classify(packet);
      INFO(g.name << ": " << to_string(i.reason) << " " << i.detail);
      CHECK(i.reason == g.reason);
      CHECK(i.verdict == verdict_of(g.reason));
      CHECK(i.source == base::ip_address::parse("203.0.113.7"));
      CHECK(i.source_port == 5062);
      const auto packet6 = ipv6(udp(g.payload));
      CHECK(insp.classify(packet6).reason == g.reason);
    }
  }
}

TEST_CASE("drops carry the User-Agent, the Call-ID and what matched", "[agent][inspector]") {
  const inspector insp;
  const auto i = insp.classify(ipv4(udp(svwar_register, 5061)));
  CHECK(i.verdict == netfilter::verdict::drop);
  CHECK(i.user_agent == "friendly-scanner");
  CHECK(i.call_id == "2326904688");
  CHECK(i.detail == "friendly-scanner");
  CHECK(i.source_port == 5061);
  const auto m = insp.classify(ipv4(udp(without(sipp_register, "Call-ID: 1-10235@192.0.2.2\r\n"))));
  CHECK(m.detail.find("Call-ID") != std::string::npos);
  std::string utf8 = sipp_register;
  utf8.replace(utf8.find("Yealink SIP-T46S"), 16, "T\xc3\xa9l\xc3\xa9phone");
  const auto accented = insp.classify(ipv4(udp(utf8)));
  CHECK(accented.reason == inspect_reason::clean);
  CHECK(accented.user_agent == "T??l??phone 66.86.0.15");  // reports and status carry printable ASCII
  const auto control = insp.classify(ipv4(udp("OPTIONS sip:a@b SIP/2.0\r\nUser-Agent: \x01\xff\r\n\r\n")));
  CHECK(control.reason == inspect_reason::malformed_sip);
}

TEST_CASE("the fingerprint list comes from the config", "[agent][inspector]") {
  const inspector only_yealink({"yealink"});
  CHECK(only_yealink.classify(ipv4(udp(sipp_register))).reason == inspect_reason::scanner_user_agent);
  // friendly-scanner is not on this list, but the sipvicious tag still is a fingerprint.
  CHECK(only_yealink.classify(ipv4(udp(svwar_register))).reason == inspect_reason::scanner_tag);
  const inspector none(std::vector<std::string>{});
  CHECK(none.classify(ipv4(udp(svcrack_first))).reason == inspect_reason::clean);
}

TEST_CASE("sipvicious tags are recognised and ordinary tags are not", "[agent][inspector]") {
  CHECK(is_sipvicious_tag("6330303030323031313363340133373634393531363835"));  // svmap
  CHECK(is_sipvicious_tag("3130300131373336373334343938"));                    // svwar "100"
  CHECK(is_sipvicious_tag("313030323a313030320133363132353930383132"));        // svcrack "1002:1002"
  CHECK_FALSE(is_sipvicious_tag("3206210844"));                                // random digits
  CHECK_FALSE(is_sipvicious_tag("10235SIPpTag001"));
  CHECK_FALSE(is_sipvicious_tag("1928301774"));
  CHECK_FALSE(is_sipvicious_tag("a6c85cf"));
  CHECK_FALSE(is_sipvicious_tag("as6c85cf0e2d"));
  CHECK_FALSE(is_sipvicious_tag("3131313131"));      // text but no separator
  CHECK_FALSE(is_sipvicious_tag("0131323334"));      // separator first: no text
  CHECK_FALSE(is_sipvicious_tag("3131013132ff"));    // non-digit after the separator
  CHECK_FALSE(is_sipvicious_tag("31310133"  "41"));  // a letter after the separator
}

TEST_CASE("IP and UDP headers", "[agent][inspector]") {
  const inspector insp;
  SECTION("IPv4 options move the UDP header") {
    const auto i = insp.classify(ipv4(udp(svmap_options), 17, 0x4000, 3));
    CHECK(i.reason == inspect_reason::scanner_user_agent);
  }
  SECTION("IPv4 fragments pass untouched") {
    CHECK(insp.classify(ipv4(udp(svmap_options), 17, 0x2000)).reason == inspect_reason::fragment);  // MF
    CHECK(insp.classify(ipv4(udp(svmap_options), 17, 0x00b9)).reason == inspect_reason::fragment);  // offset
    CHECK(insp.classify(ipv4(udp(svmap_options), 17, 0x00b9)).verdict == netfilter::verdict::accept);
  }
  SECTION("IPv6 extension headers are followed") {
    const auto i = insp.classify(ipv6(udp(svmap_options), {0, 60, 43}));
    CHECK(i.reason == inspect_reason::scanner_user_agent);
    CHECK(i.source == base::ip_address::parse("2001:db8::2"));
    CHECK(insp.classify(ipv6(udp(svmap_options), {51})).reason == inspect_reason::scanner_user_agent);
  }
  SECTION("IPv6 fragments pass untouched") {
    CHECK(insp.classify(ipv6(udp(svmap_options), {44})).reason == inspect_reason::fragment);
    CHECK(insp.classify(ipv6(udp(svmap_options), {0, 44})).reason == inspect_reason::fragment);
  }
  SECTION("other protocols pass") {
    CHECK(insp.classify(ipv4(udp(svmap_options), 6)).reason == inspect_reason::not_udp);
    CHECK(insp.classify(ipv6(udp(svmap_options), {}, 6)).reason == inspect_reason::not_udp);
    CHECK(insp.classify(ipv6(udp(svmap_options), {}, 50)).reason == inspect_reason::not_udp);
  }
  SECTION("truncated or inconsistent headers pass") {
    auto p = ipv4(udp(svmap_options));
    CHECK(insp.classify(std::span(p).first(30)).reason == inspect_reason::not_udp);  // total length > packet
    auto bad_udp = p;
    put16(bad_udp, 24, 4000);  // UDP length beyond the IP payload
    CHECK(insp.classify(bad_udp).reason == inspect_reason::not_udp);
    auto bad_ihl = p;
    bad_ihl[0] = 0x44;
    CHECK(insp.classify(bad_ihl).reason == inspect_reason::not_udp);
    CHECK(insp.classify(bytes{}).reason == inspect_reason::not_udp);
    CHECK(insp.classify(bytes{0x50, 1, 2}).reason == inspect_reason::not_udp);
    auto p6 = ipv6(udp(svmap_options), {0});
    p6[41] = 200;  // hop-by-hop header longer than the packet
    CHECK(insp.classify(p6).reason == inspect_reason::not_udp);
  }
  SECTION("UDP payload stops at the UDP length") {
    auto p = ipv4(udp(sipp_register));
    append(p, "xx", 2);  // trailing link padding beyond the IP total length
    CHECK(insp.classify(p).reason == inspect_reason::clean);
  }
}

TEST_CASE("looks_like_sip", "[agent][inspector]") {
  CHECK(looks_like_sip("SIP/2.0 200 OK\r\n"));
  CHECK(looks_like_sip("INVITE sip:a SIP/2.0\r\n"));
  CHECK(looks_like_sip("!interesting-Method sip:a SIP/2.0\r\n"));
  CHECK(looks_like_sip("OPTIONS sip:a SIP/3.0\r\n"));
  CHECK_FALSE(looks_like_sip("GET / HTTP/1.1\r\nHost: SIP/2.0\r\n"));
  CHECK_FALSE(looks_like_sip(" INVITE sip:a SIP/2.0"));
  CHECK_FALSE(looks_like_sip(std::string(40, 'A') + " sip:a SIP/2.0\r\n"));
}
