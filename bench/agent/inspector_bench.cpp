// Inspector throughput: IPv4 packets of a REGISTER/INVITE mix classified on one core.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "agent/inspector.hpp"

namespace {

using namespace tollgate::agent;
using bytes = std::vector<std::uint8_t>;

bytes ipv4_udp(const std::string& payload) {
  bytes b(28 + payload.size(), 0);
  const std::size_t total = b.size();
  b[0] = 0x45;
  b[2] = static_cast<std::uint8_t>(total >> 8), b[3] = static_cast<std::uint8_t>(total);
  b[6] = 0x40, b[8] = 64, b[9] = 17;
  b[12] = 198, b[13] = 51, b[14] = 100, b[15] = 20;
  b[16] = 192, b[17] = 0, b[18] = 2, b[19] = 1;
  b[20] = 0x13, b[21] = 0xc4, b[22] = 0x13, b[23] = 0xc4;
  const std::size_t udp = 8 + payload.size();
  b[24] = static_cast<std::uint8_t>(udp >> 8), b[25] = static_cast<std::uint8_t>(udp);
  std::memcpy(b.data() + 28, payload.data(), payload.size());
  return b;
}

const std::string register_first =
    "REGISTER sip:192.0.2.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:1001@192.0.2.1>\r\n"
    "From: <sip:1001@192.0.2.1>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@198.51.100.20\r\n"
    "CSeq: 1 REGISTER\r\n"
    "Contact: <sip:1001@198.51.100.20:5060;transport=udp>;expires=3600\r\n"
    "Expires: 3600\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n"
    "Supported: replaces, path\r\n"
    "User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
    "Content-Length: 0\r\n\r\n";

const std::string register_auth =
    "REGISTER sip:192.0.2.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK776asdhdt;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:1001@192.0.2.1>\r\n"
    "From: <sip:1001@192.0.2.1>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@198.51.100.20\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Contact: <sip:1001@198.51.100.20:5060;transport=udp>;expires=3600\r\n"
    "Authorization: Digest username=\"1001\", realm=\"tollgate\", nonce=\"5f2b0c9d1e3a4b6c\", "
    "uri=\"sip:192.0.2.1\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, qop=auth, "
    "nc=00000001, cnonce=\"0a4f113b\"\r\n"
    "Expires: 3600\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n"
    "User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
    "Content-Length: 0\r\n\r\n";

const std::string invite =
    "INVITE sip:0044123456@192.0.2.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK74bf9;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:0044123456@192.0.2.1>\r\n"
    "From: \"1001\" <sip:1001@192.0.2.1>;tag=9fxced76sl\r\n"
    "Call-ID: 3848276298220188511@198.51.100.20\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:1001@198.51.100.20:5060>\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, OPTIONS\r\n"
    "User-Agent: Grandstream GXP2170 1.0.11.3\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 232\r\n\r\n"
    "v=0\r\n"
    "o=1001 2890844526 2890844526 IN IP4 198.51.100.20\r\n"
    "s=-\r\n"
    "c=IN IP4 198.51.100.20\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 8 18 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=sendrecv\r\n";

const std::string ok_response =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK776asdhdt;rport=5060;received=198.51.100.20\r\n"
    "To: <sip:1001@192.0.2.1>;tag=as5f2b0c9d\r\n"
    "From: <sip:1001@192.0.2.1>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@198.51.100.20\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Contact: <sip:1001@198.51.100.20:5060;transport=udp>;expires=3600\r\n"
    "Content-Length: 0\r\n\r\n";

/// Per 8 packets: 2 first REGISTERs, 2 with credentials, 2 INVITEs, 2 responses.
std::vector<bytes> mix() {
  std::vector<bytes> out;
  for (int i = 0; i < 2; ++i) {
    out.push_back(ipv4_udp(register_first));
    out.push_back(ipv4_udp(register_auth));
    out.push_back(ipv4_udp(invite));
    out.push_back(ipv4_udp(ok_response));
  }
  return out;
}

void run(benchmark::State& state, const std::vector<bytes>& packets) {
  const inspector insp;
  std::size_t i = 0;
  std::size_t drops = 0;
  for (auto _ : state) {
    const auto result = insp.classify(packets[i]);
    drops += result.verdict == tollgate::netfilter::verdict::drop;
    benchmark::DoNotOptimize(result);
    if (++i == packets.size()) i = 0;
  }
  if (drops != 0) state.SkipWithError("a legitimate packet was dropped");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_inspect_register_invite_mix(benchmark::State& state) { run(state, mix()); }
BENCHMARK(BM_inspect_register_invite_mix);

void BM_inspect_register(benchmark::State& state) { run(state, {ipv4_udp(register_first)}); }
BENCHMARK(BM_inspect_register);

void BM_inspect_invite_sdp(benchmark::State& state) { run(state, {ipv4_udp(invite)}); }
BENCHMARK(BM_inspect_invite_sdp);

void BM_inspect_scanner(benchmark::State& state) {
  const std::string svwar =
      "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-228613184;rport\r\n"
      "Max-Forwards: 70\r\nTo: \"3185840687\"<sip:3185840687@192.0.2.1>\r\n"
      "From: \"3185840687\"<sip:3185840687@192.0.2.1>;tag=333138353834303638370132343037303134373738\r\n"
      "User-Agent: friendly-scanner\r\nCall-ID: 2326904688\r\nContact: sip:3185840687@192.0.2.1\r\n"
      "CSeq: 1 REGISTER\r\nAccept: application/sdp\r\nContent-Length: 0\r\n\r\n";
  const inspector insp;
  const auto packet = ipv4_udp(svwar);
  for (auto _ : state) benchmark::DoNotOptimize(insp.classify(packet));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_inspect_scanner);

void BM_inspect_rtp(benchmark::State& state) { run(state, {ipv4_udp(std::string(172, '\x80'))}); }
BENCHMARK(BM_inspect_rtp);

}  // namespace

