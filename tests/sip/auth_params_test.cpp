#include "sip/auth_params.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("Digest credentials split into auth-params", "[sip][auth_params]") {
  const auto a = parse_auth_value(
      R"(Digest username="alice", realm="example.com",nonce="dcd98b", uri="sip:example.com", )"
      R"(response="6629fae4", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001)");
  REQUIRE(a);
  CHECK(a->scheme == "Digest");
  REQUIRE(a->params.size() == 9);
  CHECK(a->find("USERNAME")->value == "alice");
  CHECK(a->find("username")->quoted);
  CHECK(a->find("nc")->value == "00000001");
  CHECK_FALSE(a->find("nc")->quoted);
  CHECK(a->find("opaque") == nullptr);
}

TEST_CASE("quoted-pairs, LWS and empty elements", "[sip][auth_params]") {
  const auto a = parse_auth_value(R"(Digest realm = "a\"b\\" ,, stale=FALSE ,)");
  REQUIRE(a);
  CHECK(a->params.size() == 2);
  CHECK(a->params[0].value == R"(a\"b\\)");
  CHECK(unquote(a->params[0].value) == R"(a"b\)");
  CHECK(parse_auth_value("Digest")->params.empty());
}

TEST_CASE("malformed auth values", "[sip][auth_params]") {
  for (const char* bad : {"", "\"Digest\"", "Digest realm", "Digest realm=", "Digest realm=\"open",
                          "Digest a=1 b=2", "Digest =1", "Digest,a=1"}) {
    INFO(bad);
    CHECK_FALSE(parse_auth_value(bad));
  }
  std::string many = "Digest ";
  for (int i = 0; i <= 64; ++i) many += "p" + std::to_string(i) + "=1,";
  CHECK_FALSE(parse_auth_value(many));
}
