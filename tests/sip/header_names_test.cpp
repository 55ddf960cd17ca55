#include "sip/header_names.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("long and compact header names map to one id", "[sip][header_names]") {
  CHECK(lookup_header("Call-ID") == header_id::call_id);
  CHECK(lookup_header("call-id") == header_id::call_id);
  CHECK(lookup_header("i") == header_id::call_id);
  CHECK(lookup_header("I") == header_id::call_id);
  CHECK(lookup_header("m") == header_id::contact);
  CHECK(lookup_header("e") == header_id::content_encoding);
  CHECK(lookup_header("l") == header_id::content_length);
  CHECK(lookup_header("c") == header_id::content_type);
  CHECK(lookup_header("f") == header_id::from);
  CHECK(lookup_header("t") == header_id::to);
  CHECK(lookup_header("v") == header_id::via);
  CHECK(lookup_header("k") == header_id::supported);
  CHECK(lookup_header("s") == header_id::subject);
  CHECK(lookup_header("MaX-fOrWaRdS") == header_id::max_forwards);
  CHECK(lookup_header("WWW-Authenticate") == header_id::www_authenticate);
  CHECK(lookup_header("Proxy-Authorization") == header_id::proxy_authorization);
  CHECK(lookup_header("User-Agent") == header_id::user_agent);
  CHECK(lookup_header("C%6Fntact") == header_id::other);
  CHECK(lookup_header("x") == header_id::other);
  CHECK(lookup_header("") == header_id::other);
  CHECK(lookup_header("-") == header_id::other);
}

TEST_CASE("canonical names and compact forms", "[sip][header_names]") {
  CHECK(canonical_name(header_id::cseq) == "CSeq");
  CHECK(canonical_name(header_id::other).empty());
  CHECK(compact_form(header_id::via) == 'v');
  CHECK(compact_form(header_id::cseq) == '\0');
  for (int i = 1; i <= static_cast<int>(header_id::www_authenticate); ++i) {
    const auto id = static_cast<header_id>(i);
    CHECK(lookup_header(canonical_name(id)) == id);
    if (compact_form(id) != '\0') CHECK(lookup_header(std::string(1, compact_form(id))) == id);
  }
}
