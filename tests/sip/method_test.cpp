#include "sip/method.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("methods are case-sensitive tokens", "[sip][method]") {
  CHECK(lookup_method("INVITE") == method::invite);
  CHECK(lookup_method("REGISTER") == method::register_);
  CHECK(lookup_method("invite") == method::unknown);
  CHECK(lookup_method("RE%47IST%45R") == method::unknown);
  CHECK(to_string(method::options) == "OPTIONS");
  for (int i = 1; i <= static_cast<int>(method::publish); ++i) {
    CHECK(lookup_method(to_string(static_cast<method>(i))) == static_cast<method>(i));
  }
}
