#include "sip/builder.hpp"

#include <catch2/catch.hpp>

#include "sip/parser.hpp"
#include "tests/sip/messages.hpp"

using namespace tollgate::sip;
using tollgate::sip::testing::invite_request;

TEST_CASE("headers added and removed, Content-Length recomputed", "[sip][message_editor]") {
  const auto in = parse(invite_request);
  REQUIRE(in.ok());
  const std::string text = message_editor(*in.msg)
                               .prepend("Via", "SIP/2.0/UDP 203.0.113.1;branch=z9hG4bKnew")
                               .remove(header_id::record_route)
                               .remove("x-absent")
                               .append("X-Tollgate", "1")
                               .append("Content-Length", "999")
                               .request_uri("sip:bob@192.0.2.99")
                               .body("application/sdp", "v=0\r\no=-\r\n")
                               .build();
  const auto out = parse(text);
  INFO(text);
  REQUIRE(out.ok());
  CHECK(out.msg->request_uri_text() == "sip:bob@192.0.2.99");
  CHECK(out.msg->top_via()->branch() == "z9hG4bKnew");
  CHECK(out.msg->vias()->size() == 4);
  CHECK(out.msg->header(header_id::record_route).empty());
  CHECK(out.msg->header("X-Tollgate") == "1");
  CHECK(out.msg->body() == "v=0\r\no=-\r\n");
  CHECK(out.msg->header(header_id::content_length) == "10");
  CHECK(out.msg->count(header_id::content_type) == 1);
}

TEST_CASE("compact names are expanded and responses keep their status line", "[sip][message_editor]") {
  const auto in = parse(
      "SIP/2.0 486 Busy Here\r\nv: SIP/2.0/UDP a;branch=z9hG4bK1\r\nf: <sip:a@b>;tag=1\r\nt: <sip:c@d>;tag=2\r\n"
      "i: x\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n");
  REQUIRE(in.ok());
  const std::string text = message_editor(*in.msg).remove("v").prepend("Via", "SIP/2.0/UDP b;branch=z9hG4bK2").build();
  CHECK(text.rfind("SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP b;branch=z9hG4bK2\r\nFrom: ", 0) == 0);
  const auto out = parse(text);
  REQUIRE(out.ok());
  CHECK(out.msg->call_id() == "x");
}
