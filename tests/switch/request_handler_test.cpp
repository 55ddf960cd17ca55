#include "switch/request_handler.hpp"

#include <catch2/catch.hpp>

#include "switch_fixture.hpp"

using namespace tollgate;
using namespace std::chrono_literals;
using test::switch_fixture;

TEST_CASE("a retransmitted REGISTER gets the same answer and is counted once", "[switch][request_handler]") {
  switch_fixture f(2);
  const auto challenge = f.send(f.register_text("1001"));
  const auto [name, value] = f.answer(*challenge, "REGISTER", "1001", "wrong");
  const std::string request = f.register_text("1001", "<sip:u@198.51.100.20:5062>", "3600", "call-1", {{name, value}});
  const auto first = f.handler.on_datagram(request, f.phone, f.clock.now());
  const auto again = f.handler.on_datagram(request, f.phone, f.clock.now() + 500ms);
  REQUIRE(first);
  REQUIRE(again);
  CHECK(first->bytes == again->bytes);
  CHECK(f.handler.take_reports().size() == 1);
  CHECK(f.handler.counters().retransmissions == 1);
}

TEST_CASE("malformed requests get 400 with a reason, responses and junk get nothing", "[switch][request_handler]") {
  switch_fixture f(2);
  const std::string bad_cseq =
      "REGISTER sip:tollgate SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.20:5062;branch=z9hG4bK1;rport\r\n"
      "From: <sip:1001@tollgate>;tag=a\r\nTo: <sip:1001@tollgate>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n"
      "Max-Forwards: 70\r\nContact: <sip:1001@198.51.100.20:5062>\r\nUser-Agent: test-phone 1.0\r\n"
      "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER\r\nContent-Length: 0\r\n\r\n";
  const auto out = f.handler.on_datagram(bad_cseq, f.phone, f.clock.now());
  REQUIRE(out);
  CHECK(out->bytes.starts_with("SIP/2.0 400 Bad Request ("));
  CHECK(out->port == f.phone.port);

  const std::string response = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.20:5062;branch=z9hG4bK1\r\n\r\n";
  CHECK_FALSE(f.handler.on_datagram(response, f.phone, f.clock.now()));
  CHECK_FALSE(f.handler.on_datagram("\x01\x02garbage", f.phone, f.clock.now()));
  CHECK_FALSE(f.handler.on_datagram("\r\n\r\n", f.phone, f.clock.now()));  // keep-alive
  // A tiny request whose answer would be larger than itself is not answered.
  CHECK_FALSE(f.handler.on_datagram("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bKx\r\n\r\n", f.phone,
                                    f.clock.now()));
  CHECK(f.handler.counters().malformed == 4);
  CHECK(f.handler.counters().malformed_unanswered == 3);
}

TEST_CASE("responses go to the Via port unless rport was asked", "[switch][request_handler]") {
  switch_fixture f(2);
  const std::string options =
      "OPTIONS sip:tollgate SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.20:5070;branch=z9hG4bKo1\r\n"
      "From: <sip:a@tollgate>;tag=a\r\nTo: <sip:tollgate>\r\nCall-ID: o\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
      "Content-Length: 0\r\n\r\n";
  auto out = f.handler.on_datagram(options, f.phone, f.clock.now());
  REQUIRE(out);
  CHECK(out->port == 5070);
  std::string with_rport = options;
  with_rport.replace(with_rport.find("branch=z9hG4bKo1"), 16, "branch=z9hG4bKo2;rport");
  out = f.handler.on_datagram(with_rport, f.phone, f.clock.now());
  REQUIRE(out);
  CHECK(out->port == 5062);
  CHECK(out->bytes.find("rport=5062") != std::string::npos);
  CHECK(out->bytes.find("received=198.51.100.20") != std::string::npos);
}

TEST_CASE("scanner User-Agents are reported once a minute per source", "[switch][request_handler]") {
  switch_fixture f(2);
  for (int i = 0; i < 3; ++i) {
    (void)f.send(f.register_text("100", "<sip:100@198.51.100.20:5062>", "3600", "s" + std::to_string(i)));
  }
  CHECK(f.handler.take_reports().empty());  // test-phone is no scanner
  auto scan = [&](int i) {
    sip::request_builder b("OPTIONS", "sip:100@tollgate");
    b.via("UDP", "198.51.100.20:5062", sip::make_branch(1000 + i)).from("<sip:100@tollgate>", "t").to("<sip:100@tollgate>");
    b.call_id("scan-" + std::to_string(i)).cseq(1).header("User-Agent", "friendly-scanner");
    return f.send(b.build());
  };
  CHECK(scan(1)->status_code() == 200);
  CHECK(scan(2)->status_code() == 200);
  auto reports = f.handler.take_reports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].type == policy::report_type::scanner_seen);
  CHECK(reports[0].user_agent == "friendly-scanner");
  f.clock.advance(61s);
  (void)scan(3);
  CHECK(f.handler.take_reports().size() == 1);
}
