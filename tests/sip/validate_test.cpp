#include "sip/parser.hpp"

#include <catch2/catch.hpp>

#include "tests/sip/messages.hpp"

using namespace tollgate::sip;
using tollgate::sip::testing::register_request;

namespace {

/// The REGISTER with one header line replaced (or removed when `with` is empty).
std::string with_header(std::string_view name, std::string_view with) {
  std::string text = register_request;
  const std::size_t at = text.find(std::string("\r\n") + std::string(name) + ":") + 2;
  const std::size_t end = text.find("\r\n", at) + 2;
  text.replace(at, end - at, with.empty() ? std::string() : std::string(with) + "\r\n");
  return text;
}

std::optional<parse_error> validate_text(const std::string& text) {
  parse_options loose;
  loose.validate = false;
  const auto r = parse(text, loose);
  REQUIRE(r.ok());
  return validate(*r.msg);
}

}  // namespace

TEST_CASE("a typical REGISTER validates", "[sip][validate]") { CHECK_FALSE(validate_text(register_request)); }

TEST_CASE("mandatory headers", "[sip][validate]") {
  for (const char* name : {"Via", "From", "To", "Call-ID", "CSeq"}) {
    INFO(name);
    const auto e = validate_text(with_header(name, ""));
    REQUIRE(e);
    CHECK(e->code == errc::missing_header);
    CHECK(e->header == lookup_header(name));
  }
  CHECK_FALSE(validate_text(with_header("Max-Forwards", "")));  // RFC 2543 peers omit it
}

TEST_CASE("single headers must be single", "[sip][validate]") {
  const auto e = validate_text(with_header("CSeq", "CSeq: 1 REGISTER\r\nCSeq: 2 REGISTER"));
  REQUIRE(e);
  CHECK(e->code == errc::duplicate_header);
  CHECK(e->line == 8);
  CHECK(validate_text(with_header("Max-Forwards", "Max-Forwards: 1\r\nMax-Forwards: 1"))->code ==
        errc::duplicate_header);
}

TEST_CASE("each checked header reports its own error", "[sip][validate]") {
  CHECK(validate_text(with_header("Via", "Via: SIP/2.0/UDP host;;"))->code == errc::bad_via);
  CHECK(validate_text(with_header("Via", "Via: SIP/3.0/UDP host"))->code == errc::bad_via);
  CHECK(validate_text(with_header("To", "To: \"open <sip:a@b>"))->code == errc::bad_name_addr);
  CHECK(validate_text(with_header("Contact", "Contact: <sip:a@b"))->code == errc::bad_name_addr);
  CHECK(validate_text(with_header("To", "To: <sip:a@b>;tag"))->code == errc::bad_name_addr);
  CHECK(validate_text(with_header("From", "From: <sip:a@b>;tag=\"x\""))->code == errc::bad_name_addr);
  CHECK_FALSE(validate_text(with_header("Contact", "Contact: *")));
  CHECK(validate_text(with_header("Call-ID", "Call-ID: a b"))->code == errc::bad_call_id);
  CHECK(validate_text(with_header("CSeq", "CSeq: 1"))->code == errc::bad_cseq);
  CHECK(validate_text(with_header("CSeq", "CSeq: 1 INVITE"))->code == errc::cseq_method_mismatch);
  CHECK(validate_text(with_header("Max-Forwards", "Max-Forwards: 256"))->code == errc::bad_max_forwards);
  const auto route = validate_text(with_header("Expires", "Route: <sip:p1;lr>,,"));
  CHECK(route->code == errc::bad_name_addr);
  CHECK(route->header == header_id::route);
}

TEST_CASE("Request-URI must be a URI without headers", "[sip][validate]") {
  std::string text = register_request;
  text.replace(9, 24, "sip:registrar.example.com?Route=x");
  CHECK(validate_text(text)->code == errc::bad_request_uri);
  text = register_request;
  text.replace(9, 24, "<sip:registrar.example.com>");
  CHECK(validate_text(text)->code == errc::bad_request_uri);
}
