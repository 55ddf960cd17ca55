#include "sip/digest_challenge.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("challenges: parse what carriers send", "[sip][digest_challenge]") {
  auto r = parse_digest_challenge(
      "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
      "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  REQUIRE(std::holds_alternative<digest_challenge>(r));
  const auto c = std::get<digest_challenge>(r);
  CHECK(c.realm == "http-auth@example.org");
  CHECK(c.algorithm == digest_algorithm::sha256);
  CHECK(c.qop_auth);
  CHECK(c.opaque_given);
  CHECK_FALSE(c.stale);

  r = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", stale=TRUE");
  REQUIRE(std::holds_alternative<digest_challenge>(r));
  CHECK(std::get<digest_challenge>(r).stale);
  CHECK_FALSE(std::get<digest_challenge>(r).qop_offered);
  r = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"");
  REQUIRE(std::holds_alternative<digest_challenge>(r));
  CHECK(std::get<digest_challenge>(r).qop_offered);
  CHECK_FALSE(std::get<digest_challenge>(r).qop_auth);
}

TEST_CASE("challenges: errors and formatting", "[sip][digest_challenge]") {
  auto code = [](std::string_view text) {
    auto r = parse_digest_challenge(text);
    REQUIRE(std::holds_alternative<digest_parse_error>(r));
    return std::get<digest_parse_error>(r).code;
  };
  CHECK(code("Digest nonce=\"n\"") == digest_errc::missing_param);
  CHECK(code("Digest realm=\"r\"") == digest_errc::missing_param);
  CHECK(code("Digest realm=\"r\", nonce=\"\"") == digest_errc::empty_param);
  CHECK(code("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256") == digest_errc::unsupported_algorithm);
  CHECK(code("Digest realm=\"r\", nonce=\"n\", stale=maybe") == digest_errc::bad_stale);
  CHECK(code("Negotiate abc") == digest_errc::not_digest);

  digest_challenge c;
  c.realm = "tollgate";
  c.nonce = "abc";
  c.algorithm = digest_algorithm::sha256;
  c.algorithm_given = true;
  c.qop_auth = true;
  c.stale = true;
  CHECK(format_digest_challenge(c) == "Digest realm=\"tollgate\", nonce=\"abc\", algorithm=SHA-256, qop=\"auth\", stale=true");
}
