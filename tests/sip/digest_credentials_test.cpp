#include "sip/digest_credentials.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

namespace {
digest_credentials ok(std::string_view text) {
  auto r = parse_digest_credentials(text);
  if (auto* e = std::get_if<digest_parse_error>(&r)) FAIL(e->message());
  return std::get<digest_credentials>(r);
}
digest_parse_error fails(std::string_view text) {
  auto r = parse_digest_credentials(text);
  REQUIRE(std::holds_alternative<digest_parse_error>(r));
  return std::get<digest_parse_error>(r);
}
constexpr std::string_view rfc2617 =
    "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
    "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
    "response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
const std::string base = "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", ";
const std::string md5_response = "response=\"0123456789abcdef0123456789abcdef\"";
}  // namespace

TEST_CASE("credentials: the RFC 2617 example parses field by field", "[sip][digest_credentials]") {
  const auto c = ok(rfc2617);
  CHECK(c.username == "Mufasa");
  CHECK(c.realm == "testrealm@host.com");
  CHECK(c.nonce == "dcd98b7102dd2f0e8b11d0f600bfb0c093");
  CHECK(c.uri == "/dir/index.html");
  CHECK(c.qop_auth);
  CHECK(c.nc == "00000001");
  CHECK(c.nc_value == 1);
  CHECK(c.cnonce == "0a4f113b");
  CHECK(c.response == "6629fae49393a05397450978507c4ef1");
  CHECK(c.opaque == "5ccc069c403ebaf9f0171e9517f40e41");
  CHECK(c.algorithm == digest_algorithm::md5);
  CHECK_FALSE(c.algorithm_given);
  CHECK(ok(format_digest_credentials(c)) == c);
}

TEST_CASE("credentials: SHA-256, escapes, quoted algorithm, empty username", "[sip][digest_credentials]") {
  const auto c = ok(std::string(base) + "algorithm=\"SHA-256\", response=\"" + std::string(64, 'A') + "\"");
  CHECK(c.algorithm == digest_algorithm::sha256);
  CHECK(c.algorithm_given);
  const auto e = ok("Digest username=\"a\\\"b\", realm=\"\", nonce=\"n\", uri=\"u\", " + std::string(md5_response));
  CHECK(e.username == "a\"b");
  CHECK(e.realm.empty());
  CHECK(ok(format_digest_credentials(e)) == e);
  CHECK(ok("digest username=\"\", realm=r, nonce=n, uri=u, " + std::string(md5_response)).username.empty());
  CHECK(ok(std::string(base) + md5_response + ", nc=00000002, qop=auth, cnonce=\"c\"").nc_value == 2);
  CHECK(ok(std::string(base) + md5_response + ", nc=ffffffff, qop=AUTH, cnonce=\"c\"").nc_value == 0xffffffffu);
  CHECK(ok(std::string(base) + md5_response + ", extension=\"ignored\"").username == "u");
}

TEST_CASE("credentials: precise errors", "[sip][digest_credentials]") {
  CHECK(fails("Basic dXNlcjpw").code == digest_errc::not_digest);
  auto e = fails("Digest realm=\"r\", nonce=\"n\", uri=\"u\", " + std::string(md5_response));
  CHECK(e.code == digest_errc::missing_param);
  CHECK(e.param == "username");
  e = fails("Digest username=\"u\", realm=\"r\", nonce=\"\", uri=\"u\", " + std::string(md5_response));
  CHECK(e.code == digest_errc::empty_param);
  CHECK(e.param == "nonce");
  CHECK(fails(std::string(base) + "response=\"abc\"").code == digest_errc::bad_response);
  CHECK(fails(std::string(base) + "response=\"" + std::string(32, 'z') + "\"").code == digest_errc::bad_response);
  CHECK(fails(std::string(base) + md5_response + ", algorithm=SHA-256").code == digest_errc::bad_response);
  e = fails(std::string(base) + md5_response + ", algorithm=MD5-sess");
  CHECK(e.code == digest_errc::unsupported_algorithm);
  CHECK(e.param == "algorithm");
  CHECK(fails(std::string(base) + md5_response + ", qop=auth-int, nc=00000001, cnonce=\"c\"").code ==
        digest_errc::unsupported_qop);
  e = fails(std::string(base) + md5_response + ", qop=auth, cnonce=\"c\"");
  CHECK(e.code == digest_errc::missing_param);
  CHECK(e.param == "nc");
  CHECK(fails(std::string(base) + md5_response + ", qop=auth, nc=1, cnonce=\"c\"").code == digest_errc::bad_nc);
  CHECK(fails(std::string(base) + md5_response + ", qop=auth, nc=0000000g, cnonce=\"c\"").code == digest_errc::bad_nc);
  e = fails(std::string(base) + md5_response + ", qop=auth, nc=00000001");
  CHECK(e.param == "cnonce");
  CHECK(fails(std::string(base) + md5_response + ", qop=auth, nc=00000001, cnonce=\"\"").code ==
        digest_errc::empty_param);
  CHECK(fails(std::string(base) + md5_response + ", username=\"again\"").code == digest_errc::duplicate_param);
  CHECK(fails("Digest username=\"u").code == digest_errc::unterminated_quote);
}
