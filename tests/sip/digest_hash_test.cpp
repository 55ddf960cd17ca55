#include "sip/digest_hash.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

TEST_CASE("RFC 2617 §3.5 example (MD5, qop=auth)", "[sip][digest_hash]") {
  const hex_digest ha1 = compute_ha1(digest_algorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  const hex_digest response = compute_response(
      digest_algorithm::md5, ha1.view(),
      {"GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", true, "00000001", "0a4f113b"});
  CHECK(response.view() == "6629fae49393a05397450978507c4ef1");
}

TEST_CASE("RFC 7616 §3.9.1 examples (MD5 and SHA-256)", "[sip][digest_hash]") {
  const digest_response_input in{"GET", "/dir/index.html", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", true,
                                 "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"};
  const hex_digest md5_ha1 = compute_ha1(digest_algorithm::md5, "Mufasa", "http-auth@example.org", "Circle of Life");
  CHECK(compute_response(digest_algorithm::md5, md5_ha1.view(), in).view() == "8ca523f5e9506fed4657c9700eebdbec");
  const hex_digest sha_ha1 =
      compute_ha1(digest_algorithm::sha256, "Mufasa", "http-auth@example.org", "Circle of Life");
  CHECK(compute_response(digest_algorithm::sha256, sha_ha1.view(), in).view() ==
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST_CASE("RFC 2069 form without qop", "[sip][digest_hash]") {
  // H(HA1:nonce:H(method:uri)); expected value computed independently (Python hashlib).
  const hex_digest ha1 = compute_ha1(digest_algorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  CHECK(ha1.view() == "939e7578ed9e3c518a452acee763bce9");
  const hex_digest r = compute_response(digest_algorithm::md5, ha1.view(),
                                        {"GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", false, "", ""});
  CHECK(r.view() == "670fd8c2df070c60b045671b8b24ff02");
}

TEST_CASE("hex digests compare in either case and by length", "[sip][digest_hash]") {
  const auto d = hex_digest::from_hex("0123456789ABCDEF0123456789abcdef");
  REQUIRE(d);
  CHECK(d->view() == "0123456789abcdef0123456789abcdef");
  CHECK(d->equals("0123456789abcdef0123456789ABCDEF"));
  CHECK_FALSE(d->equals("0123456789abcdef0123456789abcdee"));
  CHECK_FALSE(d->equals("0123456789abcdef"));
  CHECK_FALSE(hex_digest::from_hex("xyz"));
  CHECK_FALSE(hex_digest::from_hex(std::string(32, 'g')));
  CHECK(parse_digest_algorithm("sha-256") == digest_algorithm::sha256);
  CHECK(parse_digest_algorithm("md5") == digest_algorithm::md5);
  CHECK_FALSE(parse_digest_algorithm("MD5-sess"));
  CHECK(hex_length(digest_algorithm::sha256) == 64);
  CHECK(to_string(digest_algorithm::sha256) == "SHA-256");
}
