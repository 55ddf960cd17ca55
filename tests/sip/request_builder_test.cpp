#include "sip/builder.hpp"

#include <catch2/catch.hpp>

#include "sip/parser.hpp"

using namespace tollgate::sip;

TEST_CASE("a new request has every mandatory header", "[sip][request_builder]") {
  const std::string text = request_builder("INVITE", "sip:bob@example.net")
                               .via("UDP", "192.0.2.1:5060", make_branch(0x1234))
                               .from("\"Tollgate\" <sip:switch@example.com>", make_tag(42))
                               .to("<sip:bob@example.net>")
                               .call_id("abc@192.0.2.1")
                               .cseq(7)
                               .contact("<sip:switch@192.0.2.1>")
                               .header("User-Agent", "Tollgate")
                               .body("application/sdp", "v=0\r\n")
                               .build();
  const auto r = parse(text);
  INFO(text);
  REQUIRE(r.ok());
  const message& m = *r.msg;
  CHECK(m.method() == method::invite);
  CHECK(m.top_via()->branch() == "z9hG4bK0000000000001234");
  CHECK(m.top_via()->rfc3261_branch());
  CHECK(m.top_via()->has_rport());
  CHECK(m.max_forwards() == 70u);
  CHECK(m.from()->tag() == "000000000000002a");
  CHECK(m.to()->tag().empty());
  CHECK(m.cseq()->number == 7);
  CHECK(m.cseq()->method == "INVITE");
  CHECK(m.body() == "v=0\r\n");
  CHECK(m.header(header_id::content_length) == "5");
}

TEST_CASE("branch cookie, Max-Forwards and empty bodies", "[sip][request_builder]") {
  const std::string text = request_builder("OPTIONS", "sip:gw.example.net")
                               .via("TCP", "[2001:db8::1]:5060", "plain", false)
                               .max_forwards(0)
                               .from("<sip:s@example.com>", "t")
                               .to("<sip:gw.example.net>", "remote")
                               .call_id("c1")
                               .build();
  const auto r = parse(text);
  REQUIRE(r.ok());
  CHECK(r.msg->top_via()->branch() == "z9hG4bKplain");
  CHECK_FALSE(r.msg->top_via()->has_rport());
  CHECK(r.msg->max_forwards() == 0u);
  CHECK(r.msg->to()->tag() == "remote");
  CHECK(r.msg->header(header_id::content_length) == "0");
  CHECK(r.msg->content_type().empty());
  CHECK(make_branch(1).size() == 7 + 16);
}
