// The bounded expiring cache: a key is found until its lifetime ends, a later put replaces
// its value once, and the size bound drops the oldest keys first.
#include "base/expiring_cache.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tollgate;
using cache_of_text = base::expiring_cache<std::string>;

namespace {
const base::timestamp t0 = base::from_unix_seconds(1764158400);
}  // namespace

TEST_CASE("a key is found until its lifetime ends") {
  cache_of_text cache(8, base::millis{32000});
  cache.put("k1", "SIP/2.0 401 Unauthorized\r\n\r\n", t0);
  REQUIRE(cache.find("k1", t0 + base::millis{31999}));
  CHECK(*cache.find("k1", t0 + base::millis{31999}) == "SIP/2.0 401 Unauthorized\r\n\r\n");
  CHECK_FALSE(cache.find("k2", t0));
  CHECK_FALSE(cache.find("k1", t0 + base::millis{32000}));
  cache.prune(t0 + base::millis{32000});
  CHECK(cache.size() == 0);
}

TEST_CASE("a later put of the same key replaces its value, once") {
  cache_of_text cache(2, base::millis{32000});
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

TEST_CASE("at its size bound the cache drops the oldest keys first") {
  cache_of_text cache(3, base::millis{32000});
  for (int i = 0; i < 10; ++i) cache.put("k" + std::to_string(i), std::to_string(i), t0 + base::millis{i});
  CHECK(cache.size() == 3);
  for (int i = 0; i < 7; ++i) CHECK_FALSE(cache.find("k" + std::to_string(i), t0 + base::millis{10}));
  for (int i = 7; i < 10; ++i) CHECK(cache.find("k" + std::to_string(i), t0 + base::millis{10}));
}

TEST_CASE("expired keys make room before the size bound drops a live one") {
  cache_of_text cache(2, base::millis{1000});
  cache.put("old", "x", t0);
  cache.put("live", "y", t0 + base::millis{900});
  cache.put("new", "z", t0 + base::millis{1000});  // "old" has expired: it goes, "live" stays
  CHECK(cache.find("live", t0 + base::millis{1000}));
  CHECK(cache.find("new", t0 + base::millis{1000}));
  CHECK(cache.size() == 2);
}
