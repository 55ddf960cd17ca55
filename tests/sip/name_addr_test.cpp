#include "sip/name_addr.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("name-addr forms", "[sip][name_addr]") {
  const auto q = name_addr::parse(R"("Bell, Alexander" <sip:a.g.bell@example.com>;tag=43)");
  REQUIRE(q);
  CHECK(q->display_quoted);
  CHECK(q->display_name == "Bell, Alexander");
  CHECK(q->address.user == "a.g.bell");
  CHECK(q->tag() == "43");

  const auto t = name_addr::parse("Alice Smith <sip:alice@example.com;transport=tcp> ; expires = 60");
  REQUIRE(t);
  CHECK(t->display_name == "Alice Smith");
  CHECK(t->address.param("transport") == "tcp");
  CHECK(t->expires() == 60u);

  const auto a = name_addr::parse("sip:bob@example.com;tag=7;x");
  REQUIRE(a);
  CHECK_FALSE(a->bracketed);
  CHECK(a->address.params.empty());
  CHECK(a->tag() == "7");
  CHECK(a->param("x") == "");
}

TEST_CASE("malformed name-addrs", "[sip][name_addr]") {
  for (const char* bad : {"", "\"open <sip:a@b>", "Bell, Alexander <sip:a@b>", "< sip:a@b >", "<sip:a@b",
                          "sip:a@b?Route=x", "\"x\" sip:a@b", "<sip:a@b>;;", "<sip:a@b> junk"}) {
    INFO(bad);
    CHECK_FALSE(name_addr::parse(bad));
  }
}

TEST_CASE("Contact lists and the star", "[sip][name_addr]") {
  contact_list c;
  CHECK(parse_contact_value("<sip:a@b>;expires=0, \"X\" <sip:c@d>", c));
  CHECK(c.contacts.size() == 2);
  CHECK(c.contacts[0].expires() == 0u);
  CHECK_FALSE(parse_contact_value("*", c));  // a star with other contacts
  contact_list star;
  CHECK(parse_contact_value(" * ", star));
  CHECK(star.star);
  CHECK_FALSE(parse_contact_value("<sip:a@b>", star));
  contact_list big;
  CHECK(parse_contact_value("<sip:a@b>;expires=280297596632815", big));
  CHECK(big.contacts[0].expires() == UINT32_MAX);
}

TEST_CASE("name-addr lists for Route", "[sip][name_addr]") {
  const auto r = parse_name_addr_list("<sip:p1.example.com;lr>, <sip:p2.example.com;lr>");
  REQUIRE(r);
  CHECK(r->size() == 2);
  CHECK(r->at(1).address.host == "p2.example.com");
  CHECK_FALSE(parse_name_addr_list("<sip:p1;lr>,,<sip:p2>"));
}
