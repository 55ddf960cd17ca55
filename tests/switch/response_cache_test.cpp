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

TEST_CASE("the kept answer is found until its lifetime ends") {
  response_cache cache(8, base::millis{32000});
  cache.put("k1", "SIP/2.0 401 Unauthorized\r\n\r\n", t0);
  REQUIRE(cache.find("k1", t0 + base::millis{31999}));
  CHECK(*cache.find("k1", t0 + base::millis{31999}) == "SIP/2.0 401 Unauthorized\r\n\r\n");
  CHECK_FALSE(cache.find("k2", t0));
  CHECK_FALSE(cache.find("k1", t0 + base::millis{32000}));
  cache.prune(t0 + base::millis{32000});
  CHECK(cache.size() == 0);
}

TEST_CASE("a later answer of the same transaction replaces the earlier one, once") {
  response_cache cache(2, base::millis{32000});
  cache.put("k1", "100", t0);
  cache.put("k1", "200", t0 + base::millis{10});
  CHECK(cache.size() == 1);
  CHECK(*cache.find("k1", t0 + base::millis{10}) == "200");
  // The key is listed once: two more transactions push it out, and nothing else.
  cache.put("k2", "a", t0 + base::millis{20});
  cache.put("k3", "b", t0 + base::millis{30});
  CHECK(cache.size() == 2);
  CHECK_FALSE(cache.find("k1", t0 + base::millis{30}));
  CHECK(cache.find("k2", t0 + base::millis{30}));
  CHECK(cache.find("k3", t0 + base::millis{30}));
}

TEST_CASE("at its size bound the cache drops the oldest transactions first") {
  response_cache cache(3, base::millis{32000});
  for (int i = 0; i < 10; ++i) cache.put("k" + std::to_string(i), std::to_string(i), t0 + base::millis{i});
  CHECK(cache.size() == 3);
  for (int i = 0; i < 7; ++i) CHECK_FALSE(cache.find("k" + std::to_string(i), t0 + base::millis{10}));
  for (int i = 7; i < 10; ++i) CHECK(cache.find("k" + std::to_string(i), t0 + base::millis{10}));
}

TEST_CASE("expired answers make room before the size bound drops a live one") {
  response_cache cache(2, base::millis{1000});
  cache.put("old", "x", t0);
  cache.put("live", "y", t0 + base::millis{900});
  cache.put("new", "z", t0 + base::millis{1000});  // "old" has expired: it goes, "live" stays
  CHECK(cache.find("live", t0 + base::millis{1000}));
  CHECK(cache.find("new", t0 + base::millis{1000}));
  CHECK(cache.size() == 2);
}
