// Parser throughput: a typical ~600-byte REGISTER and a ~1 KB INVITE with SDP, on one core.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "sip/builder.hpp"
#include "sip/parser.hpp"

namespace {

using namespace tollgate::sip;

const std::string register_message =
    "REGISTER sip:registrar.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: \"Alice\" <sip:alice@example.com>\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
    "CSeq: 314159 REGISTER\r\n"
    "Contact: <sip:alice@192.0.2.10:5060;transport=udp>;expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"\r\n"
    "Expires: 3600\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n"
    "Supported: replaces, outbound, path\r\n"
    "User-Agent: ExamplePhone/5.2.1\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

std::string invite_message() {
  const std::string sdp =
      "v=0\r\n"
      "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
      "s=-\r\n"
      "c=IN IP4 192.0.2.10\r\n"
      "t=0 0\r\n"
      "m=audio 49170 RTP/AVP 0 8 18 101\r\n"
      "a=rtpmap:0 PCMU/8000\r\n"
      "a=rtpmap:8 PCMA/8000\r\n"
      "a=rtpmap:18 G729/8000\r\n"
      "a=fmtp:18 annexb=no\r\n"
      "a=rtpmap:101 telephone-event/8000\r\n"
      "a=fmtp:101 0-16\r\n"
      "a=ptime:20\r\n"
      "a=sendrecv\r\n";
  return "INVITE sip:+15551234567@gw.example.net;user=phone SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9;rport\r\n"
         "Via: SIP/2.0/TCP proxy.example.com:5060;branch=z9hG4bKnashds8;received=198.51.100.7\r\n"
         "Max-Forwards: 69\r\n"
         "Record-Route: <sip:proxy.example.com;lr>\r\n"
         "Route: <sip:gw.example.net;lr>\r\n"
         "To: <sip:+15551234567@gw.example.net;user=phone>\r\n"
         "From: \"Alice\" <sip:alice@example.com>;tag=9fxced76sl\r\n"
         "Call-ID: 3848276298220188511@pc33.example.com\r\n"
         "CSeq: 1 INVITE\r\n"
         "Contact: <sip:alice@192.0.2.10:5060>\r\n"
         "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
         "Supported: timer, 100rel\r\n"
         "User-Agent: ExamplePhone/5.2.1\r\n"
         "Content-Type: application/sdp\r\n"
         "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
}

void run(benchmark::State& state, const std::string& bytes, bool validate) {
  parse_options options;
  options.validate = validate;
  for (auto _ : state) {
    auto r = parse(bytes, options);
    if (!r.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.counters["bytes"] = static_cast<double>(bytes.size());
}

void parse_register(benchmark::State& state) { run(state, register_message, true); }
void parse_register_unvalidated(benchmark::State& state) { run(state, register_message, false); }
void parse_invite_sdp(benchmark::State& state) { run(state, invite_message(), true); }

/// What the inspector does per packet: parse, then read method, top branch, From tag, UA.
void classify_register(benchmark::State& state) {
  parse_options options;
  options.validate = false;
  for (auto _ : state) {
    auto r = parse(register_message, options);
    const auto via = r.msg->top_via();
    const auto from = r.msg->from();
    benchmark::DoNotOptimize(r.msg->method());
    benchmark::DoNotOptimize(via->branch());
    benchmark::DoNotOptimize(from->tag());
    benchmark::DoNotOptimize(r.msg->user_agent());
  }
  state.SetItemsProcessed(state.iterations());
}

void build_response(benchmark::State& state) {
  const auto request = parse(register_message);
  const auto source = *tollgate::base::ip_address::parse("203.0.113.4");
  for (auto _ : state) {
    auto text = response_builder(*request.msg, 200).source(source, 40000).build();
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(parse_register);
BENCHMARK(parse_register_unvalidated);
BENCHMARK(parse_invite_sdp);
BENCHMARK(classify_register);
BENCHMARK(build_response);
