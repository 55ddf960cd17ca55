#include "sip/digest_client.hpp"

#include <catch2/catch.hpp>

#include "sip/digest_credentials.hpp"
#include "sip/digest_hash.hpp"

using namespace tollgate::sip;

namespace {
digest_credentials answer_of(digest_client& client, int status, std::vector<std::string_view> challenges,
                             std::string_view* header = nullptr) {
  auto a = client.answer(status, challenges, "INVITE", "sip:+15551234@carrier.example", "trunk", "pw");
  if (auto* e = std::get_if<digest_parse_error>(&a)) FAIL(e->message());
  if (header) *header = std::get<digest_answer>(a).header_name;
  auto c = parse_digest_credentials(std::get<digest_answer>(a).value);
  REQUIRE(std::holds_alternative<digest_credentials>(c));
  return std::get<digest_credentials>(c);
}
std::string expected_response(const digest_credentials& c) {
  const hex_digest ha1 = compute_ha1(c.algorithm, "trunk", c.realm, "pw");
  return std::string(
      compute_response(c.algorithm, ha1.view(), {"INVITE", c.uri, c.nonce, c.qop_auth, c.nc, c.cnonce}).view());
}
}  // namespace

TEST_CASE("client: 401 with qop=auth, MD5", "[sip][digest_client]") {
  digest_client client([] { return std::uint64_t{0x0a4f113b}; });
  std::string_view header;
  const auto c = answer_of(client, 401, {"Digest realm=\"carrier\", nonce=\"abc\", qop=\"auth\", opaque=\"op\""}, &header);
  CHECK(header == "Authorization");
  CHECK(c.username == "trunk");
  CHECK(c.qop_auth);
  CHECK(c.nc == "00000001");
  CHECK(c.cnonce == "000000000a4f113b");
  CHECK(c.opaque == "op");
  CHECK(c.response == expected_response(c));
  // Same nonce again: nc counts up. New nonce: back to 1.
  CHECK(answer_of(client, 401, {"Digest realm=\"carrier\", nonce=\"abc\", qop=\"auth\""}).nc == "00000002");
  CHECK(answer_of(client, 401, {"Digest realm=\"carrier\", nonce=\"def\", qop=\"auth\""}).nc == "00000001");
}

TEST_CASE("client: 407 without qop, SHA-256, and challenge choice", "[sip][digest_client]") {
  digest_client client([] { return std::uint64_t{1}; });
  std::string_view header;
  auto c = answer_of(client, 407, {"Digest realm=\"carrier\", nonce=\"n1\", algorithm=SHA-256"}, &header);
  CHECK(header == "Proxy-Authorization");
  CHECK(c.algorithm == digest_algorithm::sha256);
  CHECK_FALSE(c.qop_auth);
  CHECK(c.cnonce.empty());
  CHECK(c.response == expected_response(c));
  // Unusable challenges are skipped; the first usable one is answered.
  c = answer_of(client, 407, {"Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256", "Basic realm=\"x\"",
                              "Digest realm=\"carrier\", nonce=\"n2\", algorithm=MD5, qop=\"auth\""});
  CHECK(c.algorithm == digest_algorithm::md5);
  CHECK(c.nonce == "n2");
  CHECK(c.response == expected_response(c));
}

TEST_CASE("client: nothing usable gives an error", "[sip][digest_client]") {
  digest_client client([] { return std::uint64_t{1}; });
  const std::vector<std::string_view> only_int{"Digest realm=\"c\", nonce=\"n\", qop=\"auth-int\""};
  auto a = client.answer(401, only_int, "INVITE", "sip:x", "u", "p");
  REQUIRE(std::holds_alternative<digest_parse_error>(a));
  CHECK(std::get<digest_parse_error>(a).code == digest_errc::unsupported_qop);
  a = client.answer(401, {}, "INVITE", "sip:x", "u", "p");
  REQUIRE(std::holds_alternative<digest_parse_error>(a));
  const std::vector<std::string_view> broken{"Digest realm=\"c\""};
  a = client.answer(401, broken, "INVITE", "sip:x", "u", "p");
  REQUIRE(std::holds_alternative<digest_parse_error>(a));
  CHECK(std::get<digest_parse_error>(a).code == digest_errc::missing_param);
  CHECK(credentials_header_for(401) == "Authorization");
  CHECK(credentials_header_for(407) == "Proxy-Authorization");
}
