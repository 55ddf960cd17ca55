#include "sip/builder.hpp"

#include <catch2/catch.hpp>

#include "sip/parser.hpp"
#include "tests/sip/messages.hpp"

using namespace tollgate::sip;
using tollgate::base::ip_address;
using tollgate::sip::testing::invite_request;
using tollgate::sip::testing::register_request;

namespace {

message must_parse(const std::string& text) {
  auto r = parse(text);
  INFO(text << (r.ok() ? std::string() : r.error.describe()));
  REQUIRE(r.ok());
  return std::move(*r.msg);
}

}  // namespace

TEST_CASE("a response copies the dialog headers and adds a To-tag", "[sip][response_builder]") {
  const message request = must_parse(invite_request);
  const message response = must_parse(response_builder(request, 180).to_tag("t1").build());
  CHECK(response.status_code() == 180);
  CHECK(response.reason_phrase() == "Ringing");
  CHECK(response.vias()->size() == 3);
  CHECK(response.vias()->at(1).branch() == "z9hG4bKp1");
  CHECK(response.from()->tag() == "9fxced76sl");
  CHECK(response.to()->tag() == "t1");
  CHECK(response.call_id() == request.call_id());
  CHECK(response.header(header_id::cseq) == "1 INVITE");
  CHECK(response.header(header_id::record_route) == "<sip:proxy.example.com;lr>");
  CHECK(response.body().empty());
  CHECK(response.header(header_id::content_length) == "0");
}

TEST_CASE("To-tags: kept, derived, or absent on 100", "[sip][response_builder]") {
  const message request = must_parse(register_request);
  const auto a = must_parse(response_builder(request, 200).build());
  const auto b = must_parse(response_builder(request, 401).build());
  CHECK_FALSE(a.to()->tag().empty());
  CHECK(a.to()->tag() == b.to()->tag());  // same request, same tag
  CHECK(must_parse(response_builder(request, 100).build()).to()->tag().empty());
  CHECK_FALSE(must_parse(response_builder(request, 200).build()).header(header_id::record_route).size());

  const message in_dialog = must_parse(response_builder(request, 200).to_tag("x").build());
  (void)in_dialog;
  std::string tagged = register_request;
  tagged.replace(tagged.find("<sip:alice@example.com>\r\n"), 25, "<sip:alice@example.com>;tag=old\r\n");
  CHECK(must_parse(response_builder(must_parse(tagged), 200).to_tag("new").build()).to()->tag() == "old");
}

TEST_CASE("received and rport per RFC 3581", "[sip][response_builder]") {
  const message request = must_parse(register_request);  // top Via asks for rport
  const auto v = must_parse(response_builder(request, 200).source(*ip_address::parse("203.0.113.4"), 40000).build())
                     .top_via();
  CHECK(v->received() == "203.0.113.4");
  CHECK(v->rport() == 40000);
  CHECK(v->branch() == "z9hG4bK776asdhds");
  CHECK(v->port == 5060);

  const message invite = must_parse(invite_request);  // no rport, sent-by 192.0.2.10
  const auto same = must_parse(response_builder(invite, 200).source(*ip_address::parse("192.0.2.10"), 5060).build());
  CHECK_FALSE(same.top_via()->received());
  CHECK_FALSE(same.top_via()->has_rport());
  const auto nat = must_parse(response_builder(invite, 200).source(*ip_address::parse("2001:db8::7"), 5060).build());
  CHECK(nat.top_via()->received() == "2001:db8::7");
  CHECK(nat.vias()->size() == 3);
}

TEST_CASE("bodies, extra headers and injection attempts", "[sip][response_builder]") {
  const message request = must_parse(register_request);
  const std::string text = response_builder(request, 401)
                               .header("WWW-Authenticate", "Digest realm=\"x\"\r\nInjected: yes")
                               .body("text/plain", "hello")
                               .build();
  const message m = must_parse(text);
  CHECK(m.header("Injected").empty());
  CHECK(m.header(header_id::www_authenticate).find("Injected") != std::string_view::npos);
  CHECK(m.body() == "hello");
  CHECK(m.header(header_id::content_length) == "5");
  CHECK(m.content_type() == "text/plain");
  CHECK(default_reason(404) == "Not Found");
  CHECK(default_reason(299).empty());
}
