#include "b2bua/authorization.hpp"

#include <catch2/catch.hpp>

#include "sip/digest_client.hpp"
#include "support.hpp"

using namespace tollgate;
using namespace tollgate::b2bua;

namespace {

const base::timestamp t0 = base::from_unix_seconds(1764158400);

struct accounts_fixture {
  std::vector<config::mapping_gateway> gateways;
  std::vector<config::endpoint> endpoints;

  accounts_fixture() {
    config::mapping_gateway ip;
    ip.name = "customer-a";
    ip.auth = config::gateway_auth::ip;
    ip.networks = {*base::ip_prefix::parse("198.51.100.0/24")};
    ip.billing_mode = 1;
    config::mapping_gateway ip_port;
    ip_port.name = "trunk-b";
    ip_port.auth = config::gateway_auth::ip_port;
    ip_port.addresses = {*config::parse_socket_address("203.0.113.7:5070")};
    ip_port.billing_mode = -1;
    config::mapping_gateway password;
    password.name = "pw-gw";
    password.auth = config::gateway_auth::password;
    password.username = "gwuser";
    password.password = "gw-secret";
    gateways = {ip, ip_port, password};
    config::endpoint e1;
    e1.name = "1001";
    config::endpoint e2;
    e2.name = "1002";
    e2.allow = {*base::ip_prefix::parse("192.0.2.0/24")};
    endpoints = {e1, e2};
  }
  authorization_accounts view() const { return {gateways, endpoints}; }
};

struct row {
  const char* name;
  const char* method;
  const char* ip;
  std::uint16_t port;
  sip::digest_verdict verdict;
  const char* username;
  bool registered;
  int challenge_mode;  // SS_AUTHCHALLENGEMODE
  int reply;           // SS_REPLY_UNAUTHORIZED
  int record;          // SERVER_BILLING_RECORD_ILLEGAL_CALL
  authorization_outcome outcome;
  const char* account;
  store::billing_mode mode;
  int status;
  bool cdr;
  int report;  // -1 none, else policy::report_type
};

constexpr int none = -1;
constexpr int illegal_call = static_cast<int>(policy::report_type::illegal_call);
constexpr int auth_failed = static_cast<int>(policy::report_type::call_auth_failed);
using o = authorization_outcome;
using v = sip::digest_verdict;
using bm = store::billing_mode;

const row rows[] = {
    {"gateway by ip", "INVITE", "198.51.100.20", 5060, v::no_credentials, "", false, 2, 1, 1, o::authorized, "customer-a", bm::gateway, 0, false, none},
    {"gateway by ip, any port", "INVITE", "198.51.100.20", 40000, v::no_credentials, "", false, 2, 1, 1, o::authorized, "customer-a", bm::gateway, 0, false, none},
    {"gateway by ip+port", "INVITE", "203.0.113.7", 5070, v::no_credentials, "", false, 2, 1, 1, o::authorized, "trunk-b", bm::none, 0, false, none},
    {"ip+port gateway, wrong port is illegal", "INVITE", "203.0.113.7", 5060, v::no_credentials, "", false, 2, 1, 1, o::illegal, "", bm::illegal, 403, true, illegal_call},
    {"unknown source is illegal", "INVITE", "203.0.113.99", 5060, v::no_credentials, "", false, 2, 1, 1, o::illegal, "", bm::illegal, 403, true, illegal_call},
    {"illegal, silent", "INVITE", "203.0.113.99", 5060, v::no_credentials, "", false, 2, 0, 1, o::illegal, "", bm::illegal, 0, true, illegal_call},
    {"illegal, not recorded", "INVITE", "203.0.113.99", 5060, v::no_credentials, "", false, 2, 1, 0, o::illegal, "", bm::illegal, 403, false, illegal_call},
    {"registered source challenged 407", "INVITE", "192.0.2.30", 5060, v::no_credentials, "", true, 2, 1, 1, o::challenge, "", bm::none, 407, false, none},
    {"registered source challenged 401", "INVITE", "192.0.2.30", 5060, v::no_credentials, "", true, 1, 1, 1, o::challenge, "", bm::none, 401, false, none},
    {"mode 3: 407 for INVITE", "INVITE", "192.0.2.30", 5060, v::no_credentials, "", true, 3, 1, 1, o::challenge, "", bm::none, 407, false, none},
    {"stale nonce challenged again", "INVITE", "192.0.2.30", 5060, v::stale_nonce, "1001", true, 2, 1, 1, o::challenge, "", bm::none, 407, false, none},
    {"endpoint by digest", "INVITE", "192.0.2.30", 5060, v::ok, "1001", true, 2, 1, 1, o::authorized, "1001", bm::endpoint, 0, false, none},
    {"endpoint in its allowed network", "INVITE", "192.0.2.31", 5060, v::ok, "1002", true, 2, 1, 1, o::authorized, "1002", bm::endpoint, 0, false, none},
    {"endpoint outside its allowed network", "INVITE", "203.0.113.5", 5060, v::ok, "1002", true, 2, 1, 1, o::refused, "", bm::none, 403, false, auth_failed},
    {"password gateway by digest", "INVITE", "203.0.113.50", 5060, v::ok, "gwuser", true, 2, 1, 1, o::authorized, "pw-gw", bm::gateway, 0, false, none},
    {"wrong password", "INVITE", "192.0.2.30", 5060, v::wrong_password, "1001", true, 2, 1, 1, o::refused, "", bm::none, 403, false, auth_failed},
    {"unknown user", "INVITE", "192.0.2.30", 5060, v::unknown_user, "9999", true, 2, 1, 1, o::refused, "", bm::none, 403, false, auth_failed},
    {"foreign nonce from unknown source", "INVITE", "203.0.113.99", 5060, v::nonce_not_ours, "1001", false, 2, 1, 1, o::illegal, "", bm::illegal, 403, true, illegal_call},
    {"ACK never challenged", "ACK", "203.0.113.99", 5060, v::no_credentials, "", false, 2, 1, 1, o::exempt, "", bm::none, 0, false, none},
    {"CANCEL never challenged", "CANCEL", "203.0.113.99", 5060, v::no_credentials, "", true, 2, 1, 1, o::exempt, "", bm::none, 0, false, none},
};

std::string request_text(std::string_view method) {
  test::invite_spec s;
  std::string t = test::invite_text(s);
  if (method != "INVITE") {
    t.replace(0, 6, method);
    t.replace(t.find("1 INVITE"), 8, "1 " + std::string(method));
  }
  return t;
}

}  // namespace

TEST_CASE("authorization decides per source, credentials and parameters", "[b2bua][authorization]") {
  const accounts_fixture accounts;
  for (const row& r : rows) {
    INFO(r.name);
    const sip::message m = test::parse(request_text(r.method));
    policy::parameter_set p;
    REQUIRE_FALSE(p.set(policy::parameter::SS_AUTHCHALLENGEMODE, r.challenge_mode, policy::parameter_origin::config));
    REQUIRE_FALSE(p.set(policy::parameter::SS_REPLY_UNAUTHORIZED, r.reply, policy::parameter_origin::config));
    REQUIRE_FALSE(p.set(policy::parameter::SERVER_BILLING_RECORD_ILLEGAL_CALL, r.record, policy::parameter_origin::config));
    sip::digest_verification cred;
    cred.verdict = r.verdict;
    cred.username = r.username;
    const authorization_request req{m, {*base::ip_address::parse(r.ip), r.port, config::transport::udp}, cred, r.registered};

    const authorization a = authorize(req, accounts.view(), p, t0);

    CHECK(a.outcome == r.outcome);
    CHECK(a.account == r.account);
    if (r.outcome == o::authorized || r.outcome == o::illegal) CHECK(a.mode == r.mode);
    CHECK(a.status == r.status);
    CHECK(a.cdr.has_value() == r.cdr);
    REQUIRE(a.report.has_value() == (r.report != none));
    if (a.report) CHECK(static_cast<int>(a.report->type) == r.report);
  }
}

TEST_CASE("an illegal call's CDR and report carry the call's facts", "[b2bua][authorization]") {
  const accounts_fixture accounts;
  const sip::message m = test::parse(test::invite_text({}));
  const authorization_request req{m, {*base::ip_address::parse("203.0.113.9"), 5062, config::transport::tcp}, {}, false};
  const authorization a = authorize(req, accounts.view(), policy::parameter_set{}, t0);
  REQUIRE(a.cdr);
  CHECK(a.cdr->mode == store::billing_mode::illegal);
  CHECK(a.cdr->duration_s == 0);
  CHECK(a.cdr->disconnect_code == 403);
  CHECK(a.cdr->src_ip == "203.0.113.9");
  CHECK(a.cdr->src_port == 5062);
  CHECK(a.cdr->transport == "tcp");
  CHECK(a.cdr->caller == "1001");
  CHECK(a.cdr->callee == "0044123456");
  CHECK(a.cdr->user_agent == "TestPhone/1.0");
  CHECK(a.cdr->call_id == "a-call-1");
  CHECK(a.cdr->account.empty());
  REQUIRE(a.report);
  CHECK(a.report->ip.to_string() == "203.0.113.9");
  CHECK(a.report->port == 5062);
  CHECK(a.report->transport == "tcp");
  CHECK(a.report->callee == "0044123456");
  CHECK(a.report->call_id == "a-call-1");
  CHECK(a.report->time == t0);
}

TEST_CASE("responses for challenges and refusals", "[b2bua][authorization]") {
  const sip::message m = test::parse(test::invite_text({}));
  const source_address src{*base::ip_address::parse("192.0.2.30"), 5060, config::transport::udp};
  sip::digest_challenges c;
  c.status = 407;
  c.header_name = "Proxy-Authenticate";
  c.values = {"Digest realm=\"tollgate\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"",
              "Digest realm=\"tollgate\", nonce=\"n2\", algorithm=SHA-256, qop=\"auth\""};
  const sip::message r = test::parse(challenge_response(m, src, c));
  CHECK(r.status_code() == 407);
  CHECK(r.header_values("Proxy-Authenticate").size() == 2);
  CHECK_FALSE(r.to()->tag().empty());
  const sip::message f = test::parse(plain_response(m, src, 403));
  CHECK(f.status_code() == 403);
  CHECK(f.call_id() == "a-call-1");
}

TEST_CASE("digest end to end: challenged, answered in either header, authorized", "[b2bua][authorization]") {
  const accounts_fixture accounts;
  auto store = std::make_shared<sip::digest_credential_store>("tollgate");
  store->add_password("1001", "s3cret-1001");
  store->add_password("gwuser", "gw-secret");
  sip::nonce_secret secret;
  secret.bytes.fill(7);
  sip::digest_server server({}, secret, store);
  const source_address src{*base::ip_address::parse("192.0.2.30"), 5060, config::transport::udp};
  const policy::parameter_set p;  // SS_AUTHCHALLENGEMODE 2: 407

  struct {
    const char* user;
    const char* password;
    bool swap_header;  // answer a 407 in Authorization instead of Proxy-Authorization
    authorization_outcome outcome;
    const char* account;
  } const rows[] = {
      {"1001", "s3cret-1001", false, authorization_outcome::authorized, "1001"},
      {"1001", "s3cret-1001", true, authorization_outcome::authorized, "1001"},
      {"gwuser", "gw-secret", false, authorization_outcome::authorized, "pw-gw"},
      {"1001", "wrong", false, authorization_outcome::refused, ""},
  };
  for (const auto& row : rows) {
    INFO(row.user << " / " << row.password << (row.swap_header ? " (other header)" : ""));
    const sip::message first = test::parse(test::invite_text({}));
    const auto none = server.verify_all(credential_values(first), "INVITE", src.ip, t0);
    const authorization a = authorize({first, src, none, true}, accounts.view(), p, t0);
    REQUIRE(a.outcome == authorization_outcome::challenge);
    REQUIRE(a.status == 407);
    const auto challenges = server.challenge(a.challenge, "INVITE", src.ip, t0);
    const sip::message response = test::parse(challenge_response(first, src, challenges));
    REQUIRE(response.status_code() == 407);

    std::uint64_t n = 0;
    sip::digest_client client([&n] { return ++n; });
    const auto values = response.header_values("Proxy-Authenticate");
    auto answer = client.answer(407, values, "INVITE", "sip:0044123456@192.0.2.1", row.user, row.password);
    REQUIRE(std::holds_alternative<sip::digest_answer>(answer));
    const auto& ans = std::get<sip::digest_answer>(answer);
    test::invite_spec spec;
    spec.cseq = 2;
    spec.branch = "z9hG4bKa2";
    spec.extra = std::string(row.swap_header ? "Authorization" : ans.header_name) + ": " + ans.value + "\r\n";
    const sip::message second = test::parse(test::invite_text(spec));
    const auto verified = server.verify_all(credential_values(second), "INVITE", src.ip, t0);
    const authorization b = authorize({second, src, verified, true}, accounts.view(), p, t0);
    CHECK(b.outcome == row.outcome);
    CHECK(b.account == row.account);
  }
}
