#include "sip/digest_server.hpp"

#include <catch2/catch.hpp>

#include "sip/digest_challenge.hpp"
#include "sip/digest_client.hpp"
#include "sip/digest_credentials.hpp"

using namespace tollgate;
using namespace tollgate::sip;
using namespace std::chrono_literals;

namespace {

const base::ip_address phone = *base::ip_address::parse("192.0.2.10");
const base::ip_address other = *base::ip_address::parse("198.51.100.7");
const base::timestamp t0 = base::timestamp{base::millis{1764158400000}};

nonce_secret test_secret() {
  nonce_secret s;
  for (std::size_t i = 0; i < s.bytes.size(); ++i) s.bytes[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return s;
}

std::shared_ptr<const digest_credential_store> test_store() {
  auto store = std::make_shared<digest_credential_store>("tollgate");
  store->add_password("1001", "secret");
  // 1002 known only by HA1 (MD5 of "1002:tollgate:hunter2"), no SHA-256.
  REQUIRE(store->add_ha1("1002", digest_algorithm::md5,
                         compute_ha1(digest_algorithm::md5, "1002", "tollgate", "hunter2").view()));
  return store;
}

// Both algorithms, as an operator who turned SHA-256 on would configure it.
digest_server_config md5_and_sha256() { return digest_server_config{{digest_algorithm::md5, digest_algorithm::sha256}}; }

struct fixture {
  digest_server server{md5_and_sha256(), test_secret(), test_store()};
  std::uint64_t next_random = 42;
  digest_client client{[this] { return next_random++; }};

  std::string answer(const digest_challenges& ch, std::string_view user, std::string_view password,
                     std::size_t which = 0, std::string_view method = "REGISTER") {
    const std::string_view value = ch.values.at(which);
    auto a = client.answer(ch.status, std::span<const std::string_view>(&value, 1), method, "sip:tollgate", user,
                           password);
    REQUIRE(std::holds_alternative<digest_answer>(a));
    return std::get<digest_answer>(a).value;
  }
  digest_verification verify(std::string_view value, base::timestamp now, const base::ip_address& from = phone,
                             std::string_view method = "REGISTER") {
    return server.verify(value, method, from, now);
  }
};

}  // namespace

TEST_CASE("server: the default offers MD5 alone", "[sip][digest_server]") {
  digest_server md5_only{digest_server_config{}, test_secret(), test_store()};
  const auto ch = md5_only.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  REQUIRE(ch.values.size() == 1);
  const auto only = parse_digest_challenge(ch.values[0]);
  REQUIRE(std::holds_alternative<digest_challenge>(only));
  CHECK(std::get<digest_challenge>(only).algorithm == digest_algorithm::md5);
}

TEST_CASE("server: challenges per mode, MD5 first, qop=auth", "[sip][digest_server]") {
  fixture f;
  auto ch = f.server.challenge(challenge_mode::www_authenticate, "INVITE", phone, t0);
  CHECK(ch.status == 401);
  CHECK(ch.header_name == "WWW-Authenticate");
  REQUIRE(ch.values.size() == 2);
  auto first = parse_digest_challenge(ch.values[0]);
  REQUIRE(std::holds_alternative<digest_challenge>(first));
  CHECK(std::get<digest_challenge>(first).algorithm == digest_algorithm::md5);
  CHECK(std::get<digest_challenge>(first).qop_auth);
  CHECK(std::get<digest_challenge>(first).realm == "tollgate");
  CHECK_FALSE(std::get<digest_challenge>(first).stale);
  auto second = parse_digest_challenge(ch.values[1]);
  REQUIRE(std::holds_alternative<digest_challenge>(second));
  CHECK(std::get<digest_challenge>(second).algorithm == digest_algorithm::sha256);

  ch = f.server.challenge(challenge_mode::proxy_authenticate, "REGISTER", phone, t0);
  CHECK(ch.status == 407);
  CHECK(ch.header_name == "Proxy-Authenticate");
  ch = f.server.challenge(challenge_mode::by_method, "REGISTER", phone, t0);
  CHECK(ch.status == 401);
  ch = f.server.challenge(challenge_mode::by_method, "INVITE", phone, t0, true);
  CHECK(ch.status == 407);
  CHECK(ch.values[0].find("stale=true") != std::string::npos);

  digest_server sha_only{digest_server_config{{digest_algorithm::sha256}}, test_secret(), test_store()};
  ch = sha_only.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  REQUIRE(ch.values.size() == 1);
  CHECK(ch.values[0].find("SHA-256") != std::string::npos);
}

TEST_CASE("server: round trips with the client, MD5 and SHA-256", "[sip][digest_server]") {
  fixture f;
  const auto ch = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto v = f.verify(f.answer(ch, "1001", "secret", i), t0 + 1s);
    CHECK(v.verdict == digest_verdict::ok);
    CHECK(v.username == "1001");
    CHECK(v.algorithm == (i == 0 ? digest_algorithm::md5 : digest_algorithm::sha256));
    CHECK(v.answered_our_nonce());
    CHECK_FALSE(v.counts_as_failure());
  }
  // The client reuses the SHA-256 nonce with nc 2: still fine.
  const std::string second = f.answer(ch, "1001", "secret", 1);
  CHECK(second.find("nc=00000002") != std::string::npos);
  CHECK(f.verify(second, t0 + 2s).verdict == digest_verdict::ok);
  // HA1-only endpoint.
  const auto ch2 = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  CHECK(f.verify(f.answer(ch2, "1002", "hunter2"), t0 + 1s).verdict == digest_verdict::ok);
  // Proxy-Authorization works the same: the server does not care which header carried it.
  const auto proxy = f.server.challenge(challenge_mode::proxy_authenticate, "INVITE", phone, t0);
  CHECK(f.verify(f.answer(proxy, "1001", "secret", 0, "INVITE"), t0, phone, "INVITE").verdict == digest_verdict::ok);
}

TEST_CASE("server: every failure reason", "[sip][digest_server]") {
  fixture f;
  const auto ch = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);

  auto v = f.verify(f.answer(ch, "1001", "wrong"), t0);
  CHECK(v.verdict == digest_verdict::wrong_password);
  CHECK(v.counts_as_failure());
  CHECK(v.answered_our_nonce());

  v = f.verify(f.answer(ch, "9999", "secret"), t0);
  CHECK(v.verdict == digest_verdict::unknown_user);
  CHECK(v.counts_as_failure());
  CHECK(v.username == "9999");

  // 1002 has no SHA-256 HA1: a SHA-256 answer cannot be right.
  CHECK(f.verify(f.answer(ch, "1002", "hunter2", 1), t0).verdict == digest_verdict::wrong_password);

  v = f.verify(f.answer(ch, "1001", "secret"), t0, other);
  CHECK(v.verdict == digest_verdict::nonce_not_ours);
  CHECK_FALSE(v.answered_our_nonce());
  CHECK_FALSE(v.counts_as_failure());

  // A nonce made up by the client, even with the right password.
  digest_challenges forged = ch;
  forged.values = {"Digest realm=\"tollgate\", nonce=\"" + std::string(56, 'a') + "\", qop=\"auth\""};
  CHECK(f.verify(f.answer(forged, "1001", "secret"), t0).verdict == digest_verdict::nonce_not_ours);

  digest_challenges elsewhere = ch;
  elsewhere.values = {"Digest realm=\"carrier.example\", nonce=\"abc\", qop=\"auth\""};
  v = f.verify(f.answer(elsewhere, "1001", "secret"), t0);
  CHECK(v.verdict == digest_verdict::realm_mismatch);
  CHECK_FALSE(v.counts_as_failure());

  v = f.verify("Digest username=\"1001\"", t0);
  CHECK(v.verdict == digest_verdict::malformed_credentials);
  REQUIRE(v.parse_error);
  CHECK(v.parse_error->code == digest_errc::missing_param);
  CHECK_FALSE(v.counts_as_failure());
}

TEST_CASE("server: stale nonce only for a correct answer", "[sip][digest_server]") {
  fixture f;
  const auto ch = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  const std::string good = f.answer(ch, "1001", "secret");
  const std::string bad = f.answer(ch, "1001", "nope");
  const base::timestamp late = t0 + f.server.config().nonce_lifetime + 1s;
  CHECK(f.verify(good, late).verdict == digest_verdict::stale_nonce);
  CHECK(f.verify(good, late).answered_our_nonce());
  CHECK_FALSE(f.verify(good, late).counts_as_failure());
  CHECK(f.verify(bad, late).verdict == digest_verdict::wrong_password);
  CHECK(f.verify(f.answer(ch, "4242", "x"), late).verdict == digest_verdict::unknown_user);
  // The answer to a fresh stale=true challenge passes.
  const auto again = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, late, true);
  CHECK(f.verify(f.answer(again, "1001", "secret"), late).verdict == digest_verdict::ok);
}

TEST_CASE("server: replayed nc is refused", "[sip][digest_server]") {
  fixture f;
  const auto ch = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  const std::string once = f.answer(ch, "1001", "secret");
  CHECK(f.verify(once, t0).verdict == digest_verdict::ok);
  const auto replay = f.verify(once, t0 + 1s);
  CHECK(replay.verdict == digest_verdict::nc_replay);
  CHECK(replay.answered_our_nonce());
  CHECK_FALSE(replay.counts_as_failure());
  // A no-qop answer to our nonce is accepted once.
  auto parsed = std::get<digest_credentials>(parse_digest_credentials(once));
  parsed.qop_auth = false;
  parsed.nc.clear();
  parsed.nc_value = 0;
  parsed.cnonce.clear();
  const hex_digest ha1 = compute_ha1(digest_algorithm::md5, "1001", "tollgate", "secret");
  parsed.response = std::string(compute_response(digest_algorithm::md5, ha1.view(),
                                                 {"REGISTER", parsed.uri, parsed.nonce, false, "", ""}).view());
  const auto ch2 = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  parsed.nonce = std::get<digest_challenge>(parse_digest_challenge(ch2.values[0])).nonce;
  parsed.response = std::string(compute_response(digest_algorithm::md5, ha1.view(),
                                                 {"REGISTER", parsed.uri, parsed.nonce, false, "", ""}).view());
  const std::string no_qop = format_digest_credentials(parsed);
  CHECK(f.verify(no_qop, t0).verdict == digest_verdict::ok);
  CHECK(f.verify(no_qop, t0).verdict == digest_verdict::nc_replay);
}

TEST_CASE("server: every credentials header is verified, the best result wins", "[sip][digest_server]") {
  fixture f;
  const auto ch = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  const std::string foreign = "Digest username=\"1001\", realm=\"carrier.example\", nonce=\"x\", uri=\"sip:c\", "
                              "response=\"0123456789abcdef0123456789abcdef\"";
  const std::string wrong = f.answer(ch, "1001", "wrong");
  const std::string right = f.answer(ch, "1001", "secret", 1);
  std::vector<std::string_view> headers{foreign, "garbage", wrong, right};
  auto v = f.server.verify_all(headers, "REGISTER", phone, t0);
  CHECK(v.verdict == digest_verdict::ok);
  CHECK(v.algorithm == digest_algorithm::sha256);
  headers = {foreign, "garbage", wrong};
  CHECK(f.server.verify_all(headers, "REGISTER", phone, t0).verdict == digest_verdict::wrong_password);
  headers = {foreign, "garbage"};
  CHECK(f.server.verify_all(headers, "REGISTER", phone, t0).verdict == digest_verdict::realm_mismatch);
  CHECK(f.server.verify_all({}, "REGISTER", phone, t0).verdict == digest_verdict::no_credentials);
  CHECK(to_string(digest_verdict::nc_replay) == "nc_replay");
}

TEST_CASE("server: unknown users get the same wire answer as wrong passwords", "[sip][digest_server]") {
  fixture f;
  const auto known = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  const auto unknown = f.server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  // Challenges do not depend on the user at all; only the nonce salt differs.
  REQUIRE(known.values.size() == unknown.values.size());
  CHECK(known.status == unknown.status);
  for (std::size_t i = 0; i < known.values.size(); ++i) {
    CHECK(known.values[i].size() == unknown.values[i].size());
  }
  const auto a = f.verify(f.answer(known, "1001", "guess"), t0);
  const auto b = f.verify(f.answer(unknown, "1003", "guess"), t0);
  CHECK(a.answered_our_nonce() == b.answered_our_nonce());
  CHECK(a.counts_as_failure() == b.counts_as_failure());
}
