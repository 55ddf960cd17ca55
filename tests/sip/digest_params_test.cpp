#include "sip/digest_params.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tollgate::sip;

namespace {
auth_params ok(std::string_view text) {
  auto r = parse_auth_params(text);
  REQUIRE(std::holds_alternative<auth_params>(r));
  return std::get<auth_params>(r);
}
digest_parse_error fails(std::string_view text) {
  auto r = parse_auth_params(text);
  REQUIRE(std::holds_alternative<digest_parse_error>(r));
  return std::get<digest_parse_error>(r);
}
}  // namespace

TEST_CASE("auth-params: tokens, quoted strings, whitespace and folding", "[sip][digest_params]") {
  const auto p = ok("Digest  a=b,c=\"d e\" ,\r\n\tF = \"x\\\"y\\\\z\"");
  CHECK(p.scheme == "Digest");
  REQUIRE(p.count == 3);
  CHECK(p.items[0].name == "a");
  CHECK(p.items[0].value() == "b");
  CHECK_FALSE(p.items[0].quoted);
  CHECK(p.items[1].value() == "d e");
  CHECK(p.items[1].quoted);
  REQUIRE(p.find("f") != nullptr);
  CHECK(p.find("f")->raw == "x\\\"y\\\\z");
  CHECK(p.find("F")->value() == "x\"y\\z");
  CHECK(p.find("missing") == nullptr);
  CHECK(ok("Digest").count == 0);
  CHECK(ok("Digest   ").count == 0);
  CHECK(ok("Digest x=\"\"").items[0].value().empty());
}

TEST_CASE("auth-params: each malformed shape has its own error and offset", "[sip][digest_params]") {
  CHECK(fails("").code == digest_errc::empty);
  CHECK(fails("   ").code == digest_errc::empty);
  CHECK(fails("=x").code == digest_errc::expected_param_name);
  CHECK(fails("Digest,a=b").code == digest_errc::expected_param_name);
  auto e = fails("Digest a");
  CHECK(e.code == digest_errc::expected_equals);
  CHECK(e.param == "a");
  CHECK(e.offset == 8);
  CHECK(fails("Digest a=").code == digest_errc::expected_value);
  CHECK(fails("Digest a=,b=c").code == digest_errc::expected_value);
  e = fails("Digest a=\"open");
  CHECK(e.code == digest_errc::unterminated_quote);
  CHECK(e.offset == 9);
  CHECK(fails("Digest a=\"x\\").code == digest_errc::unterminated_quote);
  CHECK(fails("Digest a=\"x\\\r\"").code == digest_errc::bad_escape);
  CHECK(fails(std::string_view("Digest a=\"x\\\0\"", 14)).code == digest_errc::bad_escape);
  CHECK(fails(std::string_view("Digest a=\"x\0y\"", 14)).code == digest_errc::control_character);
  CHECK(fails("Digest a=b c=d").code == digest_errc::expected_comma);
  CHECK(fails("Digest a=b,").code == digest_errc::expected_param_name);
  e = fails("Digest nonce=1, NONCE=2");
  CHECK(e.code == digest_errc::duplicate_param);
  CHECK(e.param == "NONCE");
  CHECK(e.offset == 16);
  CHECK(fails(std::string(max_auth_header_length + 1, 'a')).code == digest_errc::too_long);
  std::string many = "Digest p0=0";
  for (std::size_t i = 1; i <= max_auth_params; ++i) many += ", p" + std::to_string(i) + "=0";
  CHECK(fails(many).code == digest_errc::too_many_params);
  CHECK_FALSE(fails("Digest a").message().empty());
}

TEST_CASE("auth-params: quoting round-trips", "[sip][digest_params]") {
  std::string out = "Digest v=";
  append_quoted(out, "a\"b\\c");
  CHECK(out == "Digest v=\"a\\\"b\\\\c\"");
  CHECK(ok(out).items[0].value() == "a\"b\\c");
  CHECK(iequals("Digest", "dIGEST"));
  CHECK_FALSE(iequals("Digest", "Digesx"));
}
