#include "sip/nonce.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::sip;
using namespace std::chrono_literals;

namespace {
nonce_secret secret_of(std::uint8_t fill) {
  nonce_secret s;
  s.bytes.fill(fill);
  return s;
}
const base::ip_address client = *base::ip_address::parse("192.0.2.10");
const base::timestamp t0 = base::timestamp{base::millis{1764158400000}};
}  // namespace

TEST_CASE("nonces: valid for the issuing address and realm within the lifetime", "[sip][nonce]") {
  nonce_authority a(secret_of(7), 300s);
  const std::string n = a.issue(t0, client, "tollgate");
  CHECK(n.size() == nonce_authority::text_length);
  auto c = a.check(n, t0 + 299s, client, "tollgate");
  CHECK(c.status == nonce_status::valid);
  CHECK(c.issued == t0);
  CHECK(a.check(n, t0 + 300s, client, "tollgate").status == nonce_status::valid);
  CHECK(a.check(n, t0 + 301s, client, "tollgate").status == nonce_status::expired);
  // Port is not part of the nonce; a v4-mapped v6 source is the same address.
  CHECK(a.check(n, t0, *base::ip_address::parse("::ffff:192.0.2.10"), "tollgate").status == nonce_status::valid);
}

TEST_CASE("nonces: anything not minted by us here is not ours", "[sip][nonce]") {
  nonce_authority a(secret_of(7), 300s);
  const std::string n = a.issue(t0, client, "tollgate");
  CHECK(a.check(n, t0, *base::ip_address::parse("192.0.2.11"), "tollgate").status == nonce_status::not_ours);
  CHECK(a.check(n, t0, client, "other").status == nonce_status::not_ours);
  nonce_authority other(secret_of(8), 300s);
  CHECK(other.check(n, t0, client, "tollgate").status == nonce_status::not_ours);
  std::string forged = n;
  forged[5] = forged[5] == '0' ? '1' : '0';  // move the time
  CHECK(a.check(forged, t0, client, "tollgate").status == nonce_status::not_ours);
  std::string bad_mac = n;
  bad_mac.back() = bad_mac.back() == 'a' ? 'b' : 'a';
  CHECK(a.check(bad_mac, t0, client, "tollgate").status == nonce_status::not_ours);
  CHECK(a.check("", t0, client, "tollgate").status == nonce_status::not_ours);
  CHECK(a.check(std::string(56, 'z'), t0, client, "tollgate").status == nonce_status::not_ours);
  std::string upper = n;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper != n) CHECK(a.check(upper, t0, client, "tollgate").status == nonce_status::not_ours);
}

TEST_CASE("nonces: two issued in the same millisecond differ", "[sip][nonce]") {
  nonce_authority a(secret_of(1), 60s);
  const std::string n1 = a.issue(t0, client, "r");
  const std::string n2 = a.issue(t0, client, "r");
  CHECK(n1 != n2);
  CHECK(a.check(n1, t0, client, "r").status == nonce_status::valid);
  CHECK(a.check(n2, t0, client, "r").status == nonce_status::valid);
  // A second authority with the same secret (restart, second worker) accepts them.
  nonce_authority b(secret_of(1), 60s, 12345);
  CHECK(b.check(n1, t0 + 1s, client, "r").status == nonce_status::valid);
}
