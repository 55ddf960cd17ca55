#include "sip/message.hpp"

#include <catch2/catch.hpp>

#include "sip/parser.hpp"
#include "tests/sip/messages.hpp"

using namespace tollgate::sip;
using tollgate::sip::testing::invite_request;
using tollgate::sip::testing::register_request;

namespace {

message must_parse(const std::string& text) {
  auto r = parse(text);
  INFO((r.ok() ? std::string() : r.error.describe()));
  REQUIRE(r.ok());
  return std::move(*r.msg);
}

}  // namespace

TEST_CASE("request accessors", "[sip][message]") {
  const message m = must_parse(register_request);
  CHECK(m.is_request());
  CHECK(m.method() == method::register_);
  CHECK(m.method_text() == "REGISTER");
  CHECK(m.request_uri()->host == "registrar.example.com");
  CHECK(m.version() == "SIP/2.0");
  CHECK(m.call_id() == "a84b4c76e66710@pc33.example.com");
  CHECK(m.cseq()->number == 314159);
  CHECK(m.top_via()->branch() == "z9hG4bK776asdhds");
  CHECK(m.from()->tag() == "1928301774");
  CHECK(m.to()->tag().empty());
  CHECK(m.contacts()->contacts.at(0).expires() == 3600u);
  CHECK(m.expires() == 3600u);
  CHECK(m.max_forwards() == 70u);
  CHECK(m.user_agent() == "ExamplePhone/5.2.1");
  CHECK(m.header(header_id::authorization).substr(0, 6) == "Digest");
  CHECK(m.header("authorization") == m.header(header_id::authorization));
  CHECK(m.header("X-Missing").empty());
  CHECK(m.body().empty());
  CHECK(m.raw() == register_request);
}

TEST_CASE("repeated and multi-valued headers", "[sip][message]") {
  const message m = must_parse(invite_request);
  const auto vias = m.vias();
  REQUIRE(vias);
  REQUIRE(vias->size() == 3);
  CHECK((*vias)[1].host == "proxy.example.com");
  CHECK((*vias)[2].host == "198.51.100.9");
  CHECK(m.count(header_id::via) == 2);
  CHECK(m.header_values("v").size() == 2);
  CHECK(m.record_routes()->at(0).address.has_param("lr"));
  CHECK(m.routes()->empty());
  CHECK(m.content_type() == "application/sdp");
  CHECK(m.body() == "v=0\n");
}

TEST_CASE("a message stays valid after a move", "[sip][message]") {
  message m = must_parse(register_request);
  const std::string_view before = m.call_id();
  message moved = std::move(m);
  CHECK(moved.call_id() == before);
  CHECK(moved.call_id().data() == before.data());
}

TEST_CASE("accessors of malformed or absent headers", "[sip][message]") {
  parse_options loose;
  loose.validate = false;
  const auto r = parse(
      "SIP/2.0 200 OK\r\nVia: junk\r\nMax-Forwards: 300\r\nExpires: 99999999999999\r\nCSeq: x\r\n\r\n", loose);
  REQUIRE(r.ok());
  CHECK(r.msg->is_response());
  CHECK(r.msg->status_code() == 200);
  CHECK(r.msg->reason_phrase() == "OK");
  CHECK_FALSE(r.msg->top_via());
  CHECK_FALSE(r.msg->vias());
  CHECK_FALSE(r.msg->max_forwards());
  CHECK(r.msg->expires() == UINT32_MAX);
  CHECK_FALSE(r.msg->cseq());
  CHECK_FALSE(r.msg->from());
  CHECK(r.msg->contacts()->contacts.empty());
}
