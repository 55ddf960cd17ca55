#include "sip/cseq.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("CSeq number and method", "[sip][cseq]") {
  const auto c = cseq::parse(" 0009   INVITE ");
  REQUIRE(c);
  CHECK(c->number == 9);
  CHECK(c->method == "INVITE");
  CHECK(cseq::parse("2147483647 ACK")->number == 2147483647u);
}

TEST_CASE("malformed CSeq values", "[sip][cseq]") {
  for (const char* bad : {"", "INVITE", "1", "1INVITE", "-1 INVITE", "2147483648 INVITE",
                          "36893488147419103232 REGISTER", "1 INV ITE", "1 INVITE;x"}) {
    INFO(bad);
    CHECK_FALSE(cseq::parse(bad));
  }
}
