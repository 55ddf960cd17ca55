#include "sip/stream_framer.hpp"

#include <catch2/catch.hpp>

#include "tests/sip/messages.hpp"

using namespace tollgate::sip;
using tollgate::sip::testing::invite_request;
using tollgate::sip::testing::register_request;

TEST_CASE("pipelined messages and keep-alives, one octet at a time", "[sip][stream_framer]") {
  const std::string stream = "\r\n\r\n" + register_request + "\r\n\r\n" + invite_request + register_request;
  stream_framer framer;
  std::vector<std::string> bodies;
  std::vector<method> methods;
  for (char c : stream) {
    framer.append(std::string_view(&c, 1));
    for (;;) {
      auto r = framer.next();
      if (r.status == parse_status::need_more) break;
      REQUIRE(r.ok());
      methods.push_back(r.msg->method());
      bodies.emplace_back(r.msg->body());
    }
  }
  CHECK(methods == std::vector<method>{method::register_, method::invite, method::register_});
  CHECK(bodies[1] == "v=0\n");
  CHECK(framer.buffered() == 0);
}

TEST_CASE("a large append yields every message in turn", "[sip][stream_framer]") {
  stream_framer framer;
  framer.append(invite_request + invite_request);
  CHECK(framer.next().ok());
  CHECK(framer.next().ok());
  CHECK(framer.next().status == parse_status::need_more);
}

TEST_CASE("framing errors are fatal, validation errors are not", "[sip][stream_framer]") {
  stream_framer bad;
  bad.append("OPTIONS sip:a@b SIP/2.0\r\nl: -5\r\n\r\n" + register_request);
  const auto e = bad.next();
  CHECK(e.status == parse_status::error);
  CHECK(e.error.code == errc::bad_content_length);
  CHECK(bad.failed());
  CHECK(bad.next().error.code == errc::bad_content_length);

  stream_framer invalid;
  invalid.append("OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n\r\n" + register_request);
  const auto v = invalid.next();
  CHECK(v.status == parse_status::error);
  CHECK(v.error.code == errc::missing_header);
  CHECK_FALSE(invalid.failed());
  CHECK(invalid.next().ok());
}

TEST_CASE("a header section that never ends hits the size limit", "[sip][stream_framer]") {
  parse_options o;
  o.limits.max_message_size = 4096;
  stream_framer framer(o);
  framer.append("OPTIONS sip:a@b SIP/2.0\r\n");
  parse_result r;
  for (int i = 0; i < 1000; ++i) {
    framer.append("X-Filler: 0123456789\r\n");
    r = framer.next();
    if (r.status == parse_status::error) break;
    CHECK(r.status == parse_status::need_more);
  }
  CHECK(r.status == parse_status::error);
  CHECK(r.error.code == errc::message_too_large);
}

TEST_CASE("a body larger than the limit is refused before it arrives", "[sip][stream_framer]") {
  stream_framer framer;
  framer.append("OPTIONS sip:a@b SIP/2.0\r\nl: 70000\r\n\r\n");
  const auto r = framer.next();
  CHECK(r.status == parse_status::error);
  CHECK(r.error.code == errc::message_too_large);
}
