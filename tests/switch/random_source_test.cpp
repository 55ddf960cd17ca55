#include "switch/random_source.hpp"

#include <catch2/catch.hpp>

#include <unordered_set>

using namespace tollgate;

TEST_CASE("the random source gives distinct values across batch refills", "[switch][random_source]") {
  switch_::random_source r;
  std::unordered_set<std::uint64_t> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(r.next());
  CHECK(seen.size() == 2000);  // a repeat among 2000 64-bit values would be a broken source
  CHECK_FALSE(seen.contains(0));
}
