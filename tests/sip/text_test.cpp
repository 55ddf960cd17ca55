#include "sip/text.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip::text;

TEST_CASE("character classes follow RFC 3261", "[sip][text]") {
  for (char c : std::string_view("aZ09-.!%*_+`'~")) CHECK(is_token_char(c));
  for (char c : std::string_view(" \t\"(),/:;<=>?@[]{}\\")) CHECK_FALSE(is_token_char(c));
  for (char c : std::string_view("aZ09-_.!~*'()")) CHECK(is_unreserved(c));
  CHECK_FALSE(is_unreserved('%'));
  CHECK_FALSE(is_token_char('\0'));
  CHECK_FALSE(is_alpha(static_cast<char>(0xc3)));
}

TEST_CASE("iequals, trim and tokens", "[sip][text]") {
  CHECK(iequals("Call-ID", "call-id"));
  CHECK_FALSE(iequals("Call-ID", "Call-IE"));
  CHECK_FALSE(iequals("a@", "A`"));  // '@' and '`' differ by 0x20 but are not letters
  CHECK(trim(" \t x y \t") == "x y");
  CHECK(trim("   ").empty());
  CHECK(is_token("INVITE"));
  CHECK_FALSE(is_token(""));
  CHECK_FALSE(is_token("IN VITE"));
}

TEST_CASE("parse_uint rejects signs, junk and overflow", "[sip][text]") {
  CHECK(parse_uint("0068", 255) == 68u);
  CHECK_FALSE(parse_uint("256", 255));
  CHECK_FALSE(parse_uint("-1", 255));
  CHECK_FALSE(parse_uint("", 255));
  CHECK_FALSE(parse_uint("1 ", 255));
  CHECK_FALSE(parse_uint("36893488147419103232", UINT64_MAX));
  CHECK(parse_uint("18446744073709551615", UINT64_MAX) == UINT64_MAX);
  CHECK_FALSE(parse_uint("18446744073709551616", UINT64_MAX));
  CHECK(parse_uint("9999999999999999999", UINT64_MAX) == 9999999999999999999u);
  CHECK_FALSE(parse_uint("9999999999999999999", 2147483647));
  CHECK(parse_uint("00000000000000000000000001", 1) == 1u);
}

TEST_CASE("quoted strings honour quoted-pairs", "[sip][text]") {
  CHECK(quoted_length(R"("abc" x)") == 5u);
  CHECK(quoted_length(R"("a\"b")") == 6u);
  CHECK(quoted_length(R"("a\\")") == 5u);
  CHECK_FALSE(quoted_length(R"("abc)"));
  CHECK_FALSE(quoted_length(R"("abc\")"));
  CHECK_FALSE(quoted_length("abc"));
}

TEST_CASE("list_splitter splits on commas outside quotes and brackets", "[sip][text]") {
  list_splitter s(R"( "a, b" <sip:x;p=1,2>;q=1 , sip:y )");
  CHECK(s.next() == R"("a, b" <sip:x;p=1,2>;q=1)");
  CHECK(s.next() == "sip:y");
  CHECK_FALSE(s.next());
  CHECK_FALSE(s.failed());

  list_splitter empty("a,,b");
  CHECK(empty.next() == "a");
  CHECK_FALSE(empty.next());
  CHECK(empty.failed());

  list_splitter open(R"("abc, d)");
  CHECK_FALSE(open.next());
  CHECK(open.failed());

  list_splitter bracket("<sip:a, b");
  CHECK_FALSE(bracket.next());
  CHECK(bracket.failed());
}
