#include "sip/error.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace tollgate::sip;

TEST_CASE("every errc has its own message in the sip category", "[sip][error]") {
  std::set<std::string> seen;
  for (int i = static_cast<int>(errc::message_too_large); i <= static_cast<int>(errc::bad_max_forwards); ++i) {
    const std::error_code ec = static_cast<errc>(i);
    CHECK(ec.category().name() == std::string("sip"));
    CHECK(ec.message() != "unknown sip error");
    CHECK(seen.insert(ec.message()).second);
  }
  CHECK(std::error_code(errc::bad_cseq) != std::error_code(errc::bad_via));
}

TEST_CASE("parse_error describes what and where", "[sip][error]") {
  const parse_error e{errc::bad_cseq, 123, 5, header_id::cseq};
  CHECK(e.describe() == "malformed CSeq in CSeq (line 5, offset 123)");
  CHECK(e.error_code() == errc::bad_cseq);
  const parse_error s{errc::bad_start_line, 0, 1, header_id::other};
  CHECK(s.describe() == "malformed start line (line 1, offset 0)");
}
