#include "sip/params.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("header parameters with LWS, flags and quoted values", "[sip][params]") {
  param_cursor c(R"(;branch = z9hG4bK1 ; rport;  received=[2001:db8::1];x="a;b\"c")");
  auto p = c.next();
  CHECK(p->name == "branch");
  CHECK(p->value == "z9hG4bK1");
  p = c.next();
  CHECK(p->name == "rport");
  CHECK_FALSE(p->has_value);
  p = c.next();
  CHECK(p->value == "[2001:db8::1]");
  p = c.next();
  CHECK(p->quoted);
  CHECK(p->value == R"(a;b\"c)");
  CHECK_FALSE(c.next());
  CHECK_FALSE(c.failed());
}

TEST_CASE("malformed parameter lists fail", "[sip][params]") {
  CHECK(valid_params(""));
  CHECK(valid_params(";lr"));
  CHECK_FALSE(valid_params(";;"));
  CHECK_FALSE(valid_params(";a="));
  CHECK_FALSE(valid_params(";a=\"open"));
  CHECK_FALSE(valid_params("a=1"));
  CHECK_FALSE(valid_params(";a=1 b"));
  CHECK_FALSE(valid_params(";a=<x>"));
}

TEST_CASE("find_param is case-insensitive and returns the first", "[sip][params]") {
  CHECK(find_param(";TAG=1;tag=2", "tag")->value == "1");
  CHECK_FALSE(find_param(";tagx=1", "tag"));
}
