#include "b2bua/rejection_cache.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::b2bua;
using namespace std::chrono_literals;

TEST_CASE("a refused INVITE is recognised while it may be retransmitted", "[b2bua][rejection_cache]") {
  const base::timestamp t0 = base::from_unix_seconds(1764158400);
  rejection_cache cache(4, 32s);
  cache.remember("c1", "z9hG4bK1", t0);
  CHECK(cache.seen("c1", "z9hG4bK1", t0 + 31s));
  CHECK_FALSE(cache.seen("c1", "z9hG4bK2", t0 + 1s));  // a new transaction
  CHECK_FALSE(cache.seen("c2", "z9hG4bK1", t0 + 1s));
  CHECK_FALSE(cache.seen("c1", "z9hG4bK1", t0 + 32s));  // expired
  CHECK(cache.size() == 0);
}

TEST_CASE("the cache is bounded, oldest first", "[b2bua][rejection_cache]") {
  const base::timestamp t0 = base::from_unix_seconds(1764158400);
  rejection_cache cache(3, 32s);
  for (int i = 0; i < 5; ++i) cache.remember("c" + std::to_string(i), "b", t0);
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.seen("c0", "b", t0));
  CHECK_FALSE(cache.seen("c1", "b", t0));
  CHECK(cache.seen("c4", "b", t0));
  cache.remember("c4", "b", t0);  // twice is once
  CHECK(cache.size() == 3);
}
