// Credentials read from a request, challenges written into its answer.
#include "sip/digest_reply.hpp"

#include <catch2/catch.hpp>

#include "sip/parser.hpp"

using namespace tollgate;

namespace {

sip::message invite_with(const std::string& extra) {
  auto parsed = sip::parse("INVITE sip:0044123@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-1;rport\r\n"
                           "From: <sip:1001@192.0.2.1>;tag=f\r\nTo: <sip:0044123@192.0.2.1>\r\nCall-ID: c\r\nCSeq: 2 INVITE\r\n" +
                           extra + "Content-Length: 0\r\n\r\n");
  REQUIRE(parsed.msg);
  return std::move(*parsed.msg);
}

}  // namespace

TEST_CASE("credential values: Authorization and Proxy-Authorization in the order sent", "[sip][digest_reply]") {
  const auto m = invite_with("Proxy-Authorization: Digest username=\"a\"\r\nX-Other: 1\r\n"
                             "Authorization: Digest username=\"b\"\r\n");
  CHECK(sip::credential_values(m) == std::vector<std::string_view>{"Digest username=\"a\"", "Digest username=\"b\""});
  CHECK(sip::credential_values(invite_with("")).empty());
}

TEST_CASE("a challenge reply carries every challenge and the source in its Via", "[sip][digest_reply]") {
  sip::digest_challenges c;
  c.status = 407;
  c.header_name = "Proxy-Authenticate";
  c.values = {"Digest realm=\"tollgate\", nonce=\"n1\", algorithm=MD5",
              "Digest realm=\"tollgate\", nonce=\"n2\", algorithm=SHA-256"};
  const auto text = sip::challenge_reply(invite_with(""), *base::ip_address::parse("198.51.100.7"), 40000, c);
  auto parsed = sip::parse(text);
  REQUIRE(parsed.msg);
  CHECK(parsed.msg->status_code() == 407);
  CHECK(parsed.msg->header_values("Proxy-Authenticate") == std::vector<std::string_view>{c.values[0], c.values[1]});
  CHECK(parsed.msg->header(sip::header_id::via).find("received=198.51.100.7") != std::string_view::npos);
  CHECK(parsed.msg->header(sip::header_id::via).find("rport=40000") != std::string_view::npos);
}
