// Fuzz target for the message parser: datagram and stream parsing, every accessor, builders.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/digest_params.hpp"
#include "sip/builder.hpp"
#include "sip/parser.hpp"
#include "sip/stream_framer.hpp"

namespace {

using namespace tollgate::sip;

// Invariants the fuzzer checks besides "no crash, no sanitizer report".
void require(bool condition) {
  if (!condition) __builtin_trap();
}

void exercise(const message& m, bool validated) {
  (void)m.request_uri();
  (void)m.top_via();
  (void)m.vias();
  (void)m.from();
  (void)m.to();
  (void)m.contacts();
  (void)m.routes();
  (void)m.record_routes();
  (void)m.cseq();
  (void)m.max_forwards();
  (void)m.expires();
  (void)m.header("X-Unknown");
  for (const header_field& h : m.headers()) {
    require(m.offset_of(h.value) <= m.raw().size());
    if (h.id == header_id::authorization || h.id == header_id::www_authenticate) {
      (void)parse_auth_params(h.value);  // the digest parser the switch runs on these
    }
  }
  require(m.body().size() <= m.raw().size());
  if (!validated) return;

  // A validated message has what the builders copy; what they build must parse again.
  if (m.is_request()) {
    const std::string response = response_builder(m, 180)
                                     .source(*tollgate::base::ip_address::parse("192.0.2.1"), 5060)
                                     .body("text/plain", "x")
                                     .build();
    const auto r = parse(response);
    require(r.ok());
    require(r.msg->body() == "x");
    require(!r.msg->to()->tag().empty());
  }
  const std::string edited =
      message_editor(m).prepend("Via", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfuzz").remove("Route").build();
  const auto e = parse(edited);
  require(e.ok());
  require(e.msg->body() == m.body());
}

}  // namespace

int fuzz_message(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto r = parse(input); r.ok()) exercise(*r.msg, true);
  parse_options loose;
  loose.validate = false;
  if (auto r = parse(input, loose); r.ok()) exercise(*r.msg, false);

  // The same octets as a stream, in chunks whose size the first octet picks.
  stream_framer framer;
  const std::size_t chunk = size == 0 ? 1 : (data[0] % 61) + 1;
  for (std::size_t i = 0; i < size && !framer.failed(); i += chunk) {
    framer.append(input.substr(i, chunk));
    for (int guard = 0; guard < 64; ++guard) {  // each round consumes octets or stops
      const auto r = framer.next();
      if (r.status == parse_status::need_more || framer.failed()) break;
      if (r.ok()) exercise(*r.msg, true);
    }
  }
  return 0;
}

#ifndef TOLLGATE_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { return fuzz_message(data, size); }
#endif
