#include "sip/via.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("via-parm parts and parameters", "[sip][via]") {
  const auto v = via::parse("SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK74bf9;received=198.51.100.1;rport=4000");
  REQUIRE(v);
  CHECK(v->protocol == "SIP");
  CHECK(v->version == "2.0");
  CHECK(v->transport == "UDP");
  CHECK(v->host == "192.0.2.1");
  CHECK(v->port == 5062);
  CHECK(v->branch() == "z9hG4bK74bf9");
  CHECK(v->rfc3261_branch());
  CHECK(v->received() == "198.51.100.1");
  CHECK(v->rport() == 4000);
  CHECK(v->has_rport());
}

TEST_CASE("LWS inside sent-protocol and around parameters", "[sip][via]") {
  const auto v = via::parse("SIP  /   2.0   / TCP     spindle.example.com   :  5070 ;  branch  =   z9hG4bK9ikj8 ; rport");
  REQUIRE(v);
  CHECK(v->transport == "TCP");
  CHECK(v->host == "spindle.example.com");
  CHECK(v->port == 5070);
  CHECK(v->branch() == "z9hG4bK9ikj8");
  CHECK(v->has_rport());
  CHECK_FALSE(v->rport());
  CHECK(v->port_or_default() == 5070);
}

TEST_CASE("IPv6 sent-by and defaults", "[sip][via]") {
  const auto v = via::parse("SIP/2.0/TLS [2001:db8::9]");
  REQUIRE(v);
  CHECK(v->host_bare() == "2001:db8::9");
  CHECK(v->port_or_default() == 5061);
  CHECK(v->branch().empty());
  CHECK_FALSE(v->rfc3261_branch());
}

TEST_CASE("malformed via-parms", "[sip][via]") {
  for (const char* bad : {"", "SIP/2.0", "SIP/2.0/UDP", "SIP/2.0/UDP ;branch=1", "SIP/2.0/UDP host:99999",
                          "SIP/2.0/UDP host;;", "SIP/2.0/UDP host junk", "SIP/2.0/UDP [2001:db8::1",
                          "SIP/2.0/UDP host;branch="}) {
    INFO(bad);
    CHECK_FALSE(via::parse(bad));
  }
}

TEST_CASE("a Via value with several via-parms", "[sip][via]") {
  std::vector<via> out;
  CHECK(parse_via_list("SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b:5070;branch=z9hG4bK2", out));
  REQUIRE(out.size() == 2);
  CHECK(out[1].host == "b");
  std::vector<via> bad;
  CHECK_FALSE(parse_via_list("SIP/2.0/UDP 192.0.2.15;;,;,,", bad));
}
