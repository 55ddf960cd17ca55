// The response cache: a retransmission finds its transaction's answer until it expires, and
// the size bound drops the oldest transactions first.
#include "switch/response_cache.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "sip/parser.hpp"

using namespace tollgate;
using switch_::response_cache;

namespace {

const base::timestamp t0 = base::from_unix_seconds(1764158400);

sip::message request(const std::string& branch, const std::string& call_id = "c1@198.51.100.7",
                     const std::string& via = "SIP/2.0/UDP 198.51.100.7:5062") {
  const std::string text = "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: " + via + ";branch=" + branch +
                           "\r\nFrom: <sip:1001@192.0.2.1>;tag=f1\r\nTo: <sip:1001@192.0.2.1>\r\nCall-ID: " + call_id +
                           "\r\nCSeq: 7 REGISTER\r\nContent-Length: 0\r\n\r\n";
  auto parsed = sip::parse(text);
  REQUIRE(parsed.msg);
  return std::move(*parsed.msg);
}

}  // namespace

TEST_CASE("a retransmission has the key of its request, another transaction another") {
  const auto first = switch_::transaction_key_of(request("z9hG4bK-1"));
  REQUIRE(first);
  CHECK(switch_::transaction_key_of(request("z9hG4bK-1")) == first);
  CHECK(switch_::transaction_key_of(request("z9hG4bK-2")) != first);
  // Another sender with the same branch is another transaction (RFC 3261 §17.2.3: sent-by).
  CHECK(switch_::transaction_key_of(request("z9hG4bK-1", "c1@198.51.100.7", "SIP/2.0/UDP 198.51.100.8:5062")) != first);
}

TEST_CASE("the switch keeps a transaction's answer for 32 s, 64*T1") {
  response_cache cache;
  cache.put("k1", "SIP/2.0 401 Unauthorized\r\n\r\n", t0);
  CHECK(cache.find("k1", t0 + base::millis{31999}));
  CHECK_FALSE(cache.find("k1", t0 + base::millis{32000}));
}
