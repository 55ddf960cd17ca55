#include "sip/uri.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("sip URIs split into their parts", "[sip][uri]") {
  const auto u = uri::parse("sip:alice:secret@example.com:5070;transport=tcp;lr?subject=project%20x&priority=urgent");
  REQUIRE(u);
  CHECK(u->scheme == uri_scheme::sip);
  CHECK(u->user == "alice");
  CHECK(u->password == "secret");
  CHECK(u->host == "example.com");
  CHECK(u->port == 5070);
  CHECK(u->params == "transport=tcp;lr");
  CHECK(u->param("TRANSPORT") == "tcp");
  CHECK(u->param("lr") == "");
  CHECK_FALSE(u->param("maddr"));
  CHECK(u->headers == "subject=project%20x&priority=urgent");
}

TEST_CASE("hosts, ports and schemes", "[sip][uri]") {
  CHECK(uri::parse("sips:[2001:db8::1]:5061")->host_bare() == "2001:db8::1");
  CHECK(uri::parse("sips:example.com")->port_or_default() == 5061);
  CHECK(uri::parse("SIP:example.com")->port_or_default() == 5060);
  CHECK(uri::parse("sip:192.0.2.1")->host == "192.0.2.1");
  const auto tel = uri::parse("tel:+1-201-555-0123;phone-context=example.com");
  CHECK(tel->scheme == uri_scheme::tel);
  CHECK(tel->user == "+1-201-555-0123");
  CHECK(tel->param("phone-context") == "example.com");
  const auto other = uri::parse("mailto:someone@example.com");
  CHECK(other->scheme == uri_scheme::other);
  CHECK(other->opaque == "someone@example.com");
}

TEST_CASE("malformed URIs are rejected", "[sip][uri]") {
  for (const char* bad : {"", "sip:", "sip:@example.com", "sip:a@", "sip:example.com:99999", "sip:example.com:x",
                          "sip:exa mple.com", "<sip:a@b>", "sip:a@[::1", "sip:a%4@b", "sip:a@b;", "sip:a@b;lr;", "sip:a@b;x=", "sip:a@b;=x",
                          "sip:a@b?", "1sip:a@b", "x:", "x:a b", "tel:", "sip:a@b:5060:1", "sip:a\"b@c"}) {
    INFO(bad);
    CHECK_FALSE(uri::parse(bad));
  }
}

TEST_CASE("unescape decodes once and keeps NULs", "[sip][uri]") {
  CHECK(unescape("value%2541") == "value%41");
  CHECK(unescape("null-%00-null")->size() == 11);
  CHECK_FALSE(unescape("%4"));
  CHECK_FALSE(unescape("%zz"));
}
