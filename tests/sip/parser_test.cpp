#include "sip/parser.hpp"

#include <catch2/catch.hpp>

#include "tests/sip/messages.hpp"

using namespace tollgate::sip;
using tollgate::sip::testing::register_request;

namespace {

parse_options loose() {
  parse_options o;
  o.validate = false;
  return o;
}

parse_error error_of(std::string_view text, const parse_options& options = loose()) {
  const auto r = parse(text, options);
  REQUIRE(r.status == parse_status::error);
  return r.error;
}

}  // namespace

TEST_CASE("folding joins lines into one value", "[sip][parser]") {
  const auto r = parse("OPTIONS sip:a@b SIP/2.0\r\nSubject: one\r\n  two\r\n\tthree\r\nX: y\r\n\r\n", loose());
  REQUIRE(r.ok());
  CHECK(r.msg->header("Subject") == "one    two  \tthree");
  CHECK(r.msg->headers().at(1).line == 5);
}

TEST_CASE("leading CRLFs, bare LFs and HCOLON whitespace", "[sip][parser]") {
  const auto r = parse("\r\n\r\nOPTIONS sip:a@b SIP/2.0\nTO  \t: x\nl:0\n\n", loose());
  REQUIRE(r.ok());
  CHECK(r.msg->header(header_id::to) == "x");
  CHECK(r.consumed == r.msg->raw().size() + 4);
}

TEST_CASE("start line errors", "[sip][parser]") {
  CHECK(error_of("").code == errc::empty_message);
  CHECK(error_of("\r\n\r\n").code == errc::empty_message);
  CHECK(error_of("INVITE\r\n\r\n").code == errc::bad_start_line);
  CHECK(error_of("INV@TE sip:a@b SIP/2.0\r\n\r\n").code == errc::bad_method);
  CHECK(error_of("INVITE  sip:a@b SIP/2.0\r\n\r\n").code == errc::bad_request_uri);
  CHECK(error_of("INVITE sip:a@b SIP/2.0 \r\n\r\n").code == errc::bad_start_line);
  CHECK(error_of("INVITE sip:a@b HTTP/1.1\r\n\r\n").code == errc::bad_version);
  CHECK(error_of("INVITE sip:a@b SIP/3.0\r\n\r\n").code == errc::unsupported_version);
  CHECK(error_of("SIP/2.0 20 OK\r\n\r\n").code == errc::bad_status_code);
  CHECK(error_of("SIP/2.0 700 OK\r\n\r\n").code == errc::bad_status_code);
  CHECK(error_of("SIP/2.0\r\n\r\n").code == errc::bad_start_line);
  const auto e = error_of("\r\nINVITE sip:a@b SIP/2.0 \r\n\r\n");
  CHECK(e.line == 2);
  CHECK(e.offset == 2 + 22);
}

TEST_CASE("header line errors", "[sip][parser]") {
  CHECK(error_of("OPTIONS sip:a@b SIP/2.0\r\n continued\r\n\r\n").code == errc::bad_header_line);
  CHECK(error_of("OPTIONS sip:a@b SIP/2.0\r\nNoColon\r\n\r\n").code == errc::bad_header_line);
  CHECK(error_of("OPTIONS sip:a@b SIP/2.0\r\n: empty\r\n\r\n").code == errc::bad_header_line);
  CHECK(error_of("OPTIONS sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n").code == errc::bad_header_line);
  const auto e = error_of("OPTIONS sip:a@b SIP/2.0\r\nA: 1\r\nB: 2\r\n");
  CHECK(e.code == errc::headers_unterminated);
  CHECK(e.line == 4);
}

TEST_CASE("Content-Length framing of datagrams", "[sip][parser]") {
  const std::string head = "OPTIONS sip:a@b SIP/2.0\r\n";
  const auto exact = parse(head + "l: 3\r\n\r\nabcdef", loose());
  REQUIRE(exact.ok());
  CHECK(exact.msg->body() == "abc");
  CHECK(exact.trailing == 3);
  const auto none = parse(head + "X: 1\r\n\r\nabcdef", loose());
  CHECK(none.msg->body() == "abcdef");
  CHECK(error_of(head + "l: 7\r\n\r\nabc").code == errc::content_length_mismatch);
  CHECK(error_of(head + "l: -1\r\n\r\n").code == errc::bad_content_length);
  CHECK(error_of(head + "l: 1x\r\n\r\n").code == errc::bad_content_length);
  CHECK(error_of(head + "l: 99999999999999999999999\r\n\r\n").code == errc::bad_content_length);
  CHECK(error_of(head + "l: 9999999\r\n\r\n").code == errc::message_too_large);
  CHECK(error_of(head + "l: 0\r\nContent-Length: 0\r\n\r\n").code == errc::duplicate_header);
}

TEST_CASE("limits give precise errors", "[sip][parser]") {
  parse_options o = loose();
  o.limits.max_message_size = 100;
  o.limits.max_line_length = 40;
  o.limits.max_header_count = 2;
  CHECK(error_of(std::string(101, 'A'), o).code == errc::message_too_large);
  CHECK(error_of("OPTIONS sip:" + std::string(40, 'a') + "@b SIP/2.0\r\n\r\n", o).code == errc::line_too_long);
  const auto line = error_of("OPTIONS sip:a@b SIP/2.0\r\nX: " + std::string(40, 'x') + "\r\n\r\n", o);
  CHECK(line.code == errc::line_too_long);
  CHECK(line.line == 2);
  CHECK(error_of("OPTIONS sip:a@b SIP/2.0\r\nX: 1\r\n " + std::string(30, 'x') + "\r\n " + std::string(30, 'x') +
                     "\r\n\r\n", o).code == errc::line_too_long);
  CHECK(error_of("OPTIONS sip:a@b SIP/2.0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", o).code == errc::too_many_headers);
}

TEST_CASE("hostile octets never crash the parser", "[sip][parser]") {
  // Every prefix and every single-octet corruption of a valid message yields a result.
  const std::string& m = register_request;
  for (std::size_t n = 0; n <= m.size(); ++n) {
    const auto r = parse(std::string_view(m).substr(0, n));
    CHECK((r.ok() || r.status == parse_status::error));
  }
  for (std::size_t i = 0; i < m.size(); ++i) {
    for (char c : {'\0', '\r', '\n', ' ', '"', '<', ',', ';', '\xff'}) {
      std::string copy = m;
      copy[i] = c;
      const auto r = parse(copy);
      CHECK(r.status != parse_status::need_more);
    }
  }
}

TEST_CASE("parse_stream asks for exactly the octets it needs", "[sip][parser]") {
  const std::string msg = "OPTIONS sip:a@b SIP/2.0\r\nl: 5\r\n\r\nhello";
  CHECK(parse_stream(msg.substr(0, 10), loose()).status == parse_status::need_more);
  CHECK(parse_stream(msg.substr(0, 10), loose()).consumed == 0);
  const auto body = parse_stream(msg.substr(0, msg.size() - 2), loose());
  CHECK(body.status == parse_status::need_more);
  CHECK(body.consumed == msg.size());
  const auto done = parse_stream(msg + "OPTIONS", loose());
  REQUIRE(done.ok());
  CHECK(done.consumed == msg.size());
  CHECK(done.msg->body() == "hello");
}
