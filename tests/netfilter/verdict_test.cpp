// verdict_for: the table from inspection result to queue verdict.
#include "netfilter/verdict.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::netfilter;

TEST_CASE("malformed SIP and scanners are dropped, the rest accepted", "[netfilter][verdict]") {
  STATIC_REQUIRE(verdict_for(inspection::clean) == verdict::accept);
  STATIC_REQUIRE(verdict_for(inspection::not_sip) == verdict::accept);
  STATIC_REQUIRE(verdict_for(inspection::malformed) == verdict::drop);
  STATIC_REQUIRE(verdict_for(inspection::scanner) == verdict::drop);
}
