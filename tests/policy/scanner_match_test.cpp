#include "policy/scanner_match.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::policy;

TEST_CASE("scanner fingerprints match case-insensitively inside the User-Agent", "[policy][scanner_match]") {
  const scanner_match m;
  CHECK(m.match("friendly-scanner") == "friendly-scanner");
  CHECK(m.match("Friendly-Scanner/1.0") == "friendly-scanner");
  CHECK(m.match("sipvicious 0.3.3") == "sipvicious");
  CHECK(m.match("VaxSIPUserAgent/3.1") == "vaxsipuseragent");
  CHECK(m.match("Yealink SIP-T46S 66.85.0.5").empty());
  CHECK(m.match("").empty());
}

TEST_CASE("empty fingerprints never match everything", "[policy][scanner_match]") {
  const scanner_match m({"", "evil"});
  CHECK(m.match("Linphone/5.0").empty());
  CHECK(m.match("an EVIL tool") == "evil");
}
