#include "sip/nonce_counter.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::sip;
using namespace std::chrono_literals;

namespace {
const base::timestamp t0 = base::timestamp{base::millis{1000000}};
}

TEST_CASE("nc: counts must rise per nonce", "[sip][nonce_counter]") {
  nonce_counter_cache cache(16, 60s);
  CHECK(cache.record("a", t0, 1, t0) == nc_result::fresh);
  CHECK(cache.record("a", t0, 1, t0) == nc_result::replay);
  CHECK(cache.record("a", t0, 3, t0) == nc_result::fresh);
  CHECK(cache.record("a", t0, 2, t0) == nc_result::replay);
  CHECK(cache.record("b", t0, 1, t0) == nc_result::fresh);
  // Without qop (nc 0) a nonce answers once.
  CHECK(cache.record("c", t0, 0, t0) == nc_result::fresh);
  CHECK(cache.record("c", t0, 0, t0) == nc_result::replay);
}

TEST_CASE("nc: entries expire with their nonce", "[sip][nonce_counter]") {
  nonce_counter_cache cache(16, 60s);
  CHECK(cache.record("a", t0, 1, t0) == nc_result::fresh);
  CHECK(cache.record("b", t0 + 30s, 1, t0 + 30s) == nc_result::fresh);
  CHECK(cache.size() == 2);
  CHECK(cache.record("b", t0 + 30s, 2, t0 + 61s) == nc_result::fresh);
  CHECK(cache.size() == 1);
}

TEST_CASE("nc: memory stays bounded and eviction never opens a replay window", "[sip][nonce_counter]") {
  nonce_counter_cache cache(3, 60s);
  for (int i = 0; i < 3; ++i) {
    CHECK(cache.record("n" + std::to_string(i), t0 + base::millis{i}, 1, t0) == nc_result::fresh);
  }
  // A fourth nonce evicts n0; n0 can no longer be judged, so it is forgotten, not fresh.
  CHECK(cache.record("n3", t0 + 3ms, 1, t0) == nc_result::fresh);
  CHECK(cache.size() == 3);
  CHECK(cache.record("n0", t0, 1, t0) == nc_result::forgotten);
  CHECK(cache.record("n0", t0, 2, t0) == nc_result::forgotten);
  CHECK(cache.record("n1", t0 + 1ms, 1, t0) == nc_result::replay);
  // A newer nonce is still welcome.
  CHECK(cache.record("n4", t0 + 4ms, 1, t0) == nc_result::fresh);
  CHECK(cache.size() == 3);
}
