#include "switch/registrar.hpp"

#include <catch2/catch.hpp>

#include "switch/reload.hpp"
#include "switch_fixture.hpp"

using namespace tollgate;
using namespace std::chrono_literals;
using test::switch_fixture;

namespace {
const std::string good = "s3cret-1001-Long";
}

TEST_CASE("an unauthenticated REGISTER is challenged per SS_AUTHCHALLENGEMODE", "[switch][registrar]") {
  for (const int mode : {1, 2, 3}) {
    switch_fixture f(mode);
    const auto r = f.send(f.register_text("1001"));
    REQUIRE(r);
    CHECK(r->status_code() == (mode == 2 ? 407 : 401));
    CHECK(r->header_values(mode == 2 ? "Proxy-Authenticate" : "WWW-Authenticate").size() == 1);  // MD5 only, the default
    CHECK(f.handler.take_reports().empty());  // the first challenge counts for nothing
    CHECK(f.bindings.size() == 0);
  }
}

TEST_CASE("the right password binds the contact and reports register_ok", "[switch][registrar]") {
  switch_fixture f(1);
  const auto r = f.register_with("1001", good);
  REQUIRE(r);
  CHECK(r->status_code() == 200);
  CHECK(std::string(r->header("Contact")) == "<sip:u@198.51.100.20:5062>;expires=3600");
  REQUIRE(f.bindings.find("1001").size() == 1);
  CHECK(f.bindings.find("1001")[0].expires_at == f.clock.now() + 3600s);
  CHECK(f.bindings.find("1001")[0].user_agent == "test-phone");
  const auto reports = f.handler.take_reports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].type == policy::report_type::register_ok);
  CHECK(reports[0].endpoint == "1001");
  CHECK(reports[0].expires == 3600);
  CHECK(reports[0].ip.to_string() == "198.51.100.20");
  CHECK(reports[0].transport == "udp");
  CHECK(f.bindings.take_changes().size() == 1);
}

TEST_CASE("credentials are accepted in either header whatever the mode", "[switch][registrar]") {
  switch_fixture f(1);  // challenges with 401 / WWW-Authenticate
  const auto challenge = f.send(f.register_text("1001"));
  REQUIRE(challenge->status_code() == 401);
  auto [name, value] = f.answer(*challenge, "REGISTER", "1001", good);
  CHECK(name == "Authorization");
  const auto r = f.send(f.register_text("1001", "<sip:u@198.51.100.20:5062>", "3600", "call-1",
                                        {{"Proxy-Authorization", value}}));
  CHECK(r->status_code() == 200);
}

TEST_CASE("mode 3 answers 401 to REGISTER and 407 to other methods", "[switch][registrar]") {
  switch_fixture f(3);
  CHECK(f.send(f.register_text("1001"))->status_code() == 401);
  sip::request_builder invite("INVITE", "sip:2000@tollgate");
  invite.via("UDP", "198.51.100.20:5062", sip::make_branch(99)).from("<sip:1001@tollgate>", "a").to("<sip:2000@tollgate>");
  invite.call_id("inv-1").cseq(1).contact("<sip:1001@198.51.100.20:5062>");
  const auto r = f.send(invite.build());
  REQUIRE(r);
  CHECK(r->status_code() == 407);
  // OPTIONS is answered, ACK never.
  sip::request_builder options("OPTIONS", "sip:tollgate");
  options.via("UDP", "198.51.100.20:5062", sip::make_branch(100)).from("<sip:1001@tollgate>", "a").to("<sip:tollgate>");
  CHECK(f.send(options.call_id("o-1").cseq(1).build())->status_code() == 200);
}

TEST_CASE("wrong passwords and unknown users look the same on the wire", "[switch][registrar]") {
  switch_fixture f(2);
  const auto known_challenge = f.send(f.register_text("1001"));
  const auto unknown_challenge = f.send(f.register_text("4711"));
  REQUIRE(known_challenge);
  REQUIRE(unknown_challenge);
  CHECK(known_challenge->status_code() == unknown_challenge->status_code());
  CHECK(known_challenge->headers().size() == unknown_challenge->headers().size());

  const auto wrong = f.register_with("1001", "guess");
  const auto unknown = f.register_with("4711", "guess");
  REQUIRE(wrong);
  REQUIRE(unknown);
  CHECK(wrong->status_code() == 403);
  CHECK(unknown->status_code() == 403);
  CHECK(wrong->reason_phrase() == unknown->reason_phrase());
  CHECK(wrong->headers().size() == unknown->headers().size());

  const auto reports = f.handler.take_reports();
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].type == policy::report_type::register_failed);
  CHECK(reports[0].verified);
  CHECK(reports[0].reason == policy::failure_reason::wrong_password);
  CHECK(reports[0].endpoint == "1001");
  CHECK(reports[1].reason == policy::failure_reason::unknown_user);
  CHECK(reports[1].endpoint == "4711");
  CHECK(f.bindings.size() == 0);
}

TEST_CASE("a suspended endpoint gets 403 at once until unsuspended or expired", "[switch][registrar]") {
  switch_fixture f(2);
  f.suspensions.apply({f.clock.now(), policy::suspend{"1001", f.clock.now() + 600s, 5, {}}}, f.clock.now());
  auto r = f.send(f.register_text("1001"));
  REQUIRE(r);
  CHECK(r->status_code() == 403);
  CHECK(r->find(sip::header_id::proxy_authenticate) == nullptr);  // no challenge, no digest work
  // Even the right password is refused while suspended.
  r = f.send(f.register_text("1001", "<sip:u@198.51.100.20:5062>", "3600", "call-1",
                             {{"Proxy-Authorization", "Digest username=\"1001\", realm=\"tollgate\", nonce=\"x\", uri=\"sip:tollgate\", response=\"00\""}}));
  CHECK(r->status_code() == 403);
  auto reports = f.handler.take_reports();
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].reason == policy::failure_reason::suspended);
  CHECK_FALSE(reports[0].verified);
  // Unknown names are enforced the same way.
  f.suspensions.apply({f.clock.now(), policy::suspend{"4711", f.clock.now() + 600s, 5, {}}}, f.clock.now());
  CHECK(f.send(f.register_text("4711"))->status_code() == 403);

  policy::decision unsuspend{f.clock.now(), policy::unsuspend{"1001", "manual", "admin"}};
  CHECK(f.suspensions.apply(unsuspend, f.clock.now()));
  CHECK(f.register_with("1001", good)->status_code() == 200);

  f.clock.advance(601s);  // the agent is away: the suspension ends at its time anyway
  CHECK(f.send(f.register_text("4711"))->status_code() == 407);
}

TEST_CASE("Expires below Min-Expires gets 423, Expires: 0 unbinds", "[switch][registrar]") {
  switch_fixture f(2);
  auto r = f.register_with("1001", good, "<sip:u@198.51.100.20:5062>", "30");
  REQUIRE(r);
  CHECK(r->status_code() == 423);
  CHECK(r->header("Min-Expires") == "60");
  CHECK(f.register_with("1001", good, "<sip:u@198.51.100.20:5062>", "60")->status_code() == 200);
  CHECK(f.bindings.size() == 1);
  r = f.register_with("1001", good, "<sip:u@198.51.100.20:5062>", "0");
  CHECK(r->status_code() == 200);
  CHECK(r->find(sip::header_id::contact) == nullptr);
  CHECK(f.bindings.size() == 0);
  // A contact's own expires parameter wins over the header; overlong values are capped.
  r = f.register_with("1001", good, "<sip:u@198.51.100.20:5062>;expires=100000", "60");
  CHECK(std::string(r->header("Contact")) == "<sip:u@198.51.100.20:5062>;expires=7200");
}

TEST_CASE("Contact: * removes every binding, only with Expires: 0", "[switch][registrar]") {
  switch_fixture f(2);
  REQUIRE(f.register_with("1001", good, "<sip:a@198.51.100.20:5062>")->status_code() == 200);
  REQUIRE(f.register_with("1001", good, "<sip:b@198.51.100.20:5064>")->status_code() == 200);
  CHECK(f.bindings.find("1001").size() == 2);
  CHECK(f.register_with("1001", good, "*", "60")->status_code() == 400);
  CHECK(f.register_with("1001", good, "*", "0")->status_code() == 200);
  CHECK(f.bindings.size() == 0);
}

TEST_CASE("refresh, max_bindings and a fetch without Contact", "[switch][registrar]") {
  switch_fixture f(2);
  REQUIRE(f.register_with("1001", good, "<sip:a@198.51.100.20:5062>", "120")->status_code() == 200);
  f.clock.advance(100s);
  REQUIRE(f.register_with("1001", good, "<sip:a@198.51.100.20:5062>", "120")->status_code() == 200);
  CHECK(f.bindings.find("1001")[0].expires_at == f.clock.now() + 120s);
  REQUIRE(f.register_with("1001", good, "<sip:b@198.51.100.20:5064>", "120")->status_code() == 200);
  const auto r = f.register_with("1001", good, "<sip:c@198.51.100.20:5066>", "120");  // max_bindings = 2
  CHECK(r->status_code() == 403);
  CHECK(f.bindings.size() == 2);
  const auto fetch = f.register_with("1001", good, "", "");
  CHECK(fetch->status_code() == 200);
  CHECK(fetch->header_values("Contact").size() == 2);
}

TEST_CASE("an endpoint with allowed CIDRs is refused from elsewhere", "[switch][registrar]") {
  switch_fixture f(2);
  auto r = f.register_with("1002", "s3cret-1002-Long");
  CHECK(r->status_code() == 403);
  auto reports = f.handler.take_reports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].reason == policy::failure_reason::not_allowed_from_address);
  const switch_::peer inside{config::transport::udp, *base::ip_address::parse("192.0.2.9"), 5060};
  r = f.register_with("1002", "s3cret-1002-Long", "<sip:u@192.0.2.9>", "3600", &inside);
  CHECK(r->status_code() == 200);
}

TEST_CASE("bindings expire, and restore skips expired rows", "[switch][bindings]") {
  switch_fixture f(2);
  REQUIRE(f.register_with("1001", good, "<sip:a@198.51.100.20:5062>", "60")->status_code() == 200);
  (void)f.bindings.take_changes();
  f.clock.advance(59s);
  CHECK(f.bindings.expire(f.clock.now()) == 0);
  f.clock.advance(1s);
  CHECK(f.bindings.expire(f.clock.now()) == 1);
  const auto changes = f.bindings.take_changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].erase);

  switch_::binding_table restored;
  store::binding_row live{"1001", "sip:a@x", *base::ip_address::parse("192.0.2.1"), 5060, "udp",
                          f.clock.now() + 10s, "ua", "c", 1};
  store::binding_row dead = live;
  dead.contact = "sip:b@x";
  dead.expires_at = f.clock.now();
  restored.restore({live, dead}, f.clock.now());
  CHECK(restored.size() == 1);
  CHECK(restored.take_changes().size() == 1);  // the expired row is erased from switch.db too
}

TEST_CASE("expiry follows refreshes and shortened bindings", "[switch][bindings]") {
  base::manual_clock clock(base::from_unix_seconds(1764158400));
  switch_::binding_table t;
  const auto row = [&](const std::string& endpoint, const std::string& contact, std::chrono::seconds left) {
    return store::binding_row{endpoint, contact, *base::ip_address::parse("192.0.2.1"), 5060, "udp",
                              clock.now() + left, "ua", "c", 1};
  };
  t.put(row("a", "sip:1", 60s));
  t.put(row("b", "sip:1", 60s));
  clock.advance(50s);
  t.put(row("a", "sip:1", 120s));  // refreshed: due at 170 s
  t.put(row("b", "sip:2", 5s));    // an earlier second binding: due at 55 s
  clock.advance(6s);
  CHECK(t.expire(clock.now()) == 1);  // b's sip:2
  clock.advance(5s);
  CHECK(t.expire(clock.now()) == 1);  // b's sip:1 at 60 s; a was refreshed
  CHECK(t.find("b").empty());
  REQUIRE(t.find("a").size() == 1);
  clock.advance(108s);
  CHECK(t.expire(clock.now()) == 0);
  clock.advance(1s);
  CHECK(t.expire(clock.now()) == 1);
  CHECK(t.size() == 0);
  CHECK(t.endpoints() == 0);
}

namespace {

// [switch] digest_algorithms = ["MD5"]; endpoint 1001 has its own ["SHA-256", "MD5"].
switch_fixture per_endpoint_algorithms(int mode) {
  auto c = std::make_shared<config::config>(*test::test_config(mode));
  c->sip.digest_algorithms = {"MD5"};
  c->endpoints.at(0).digest_algorithms = {"SHA-256", "MD5"};
  const auto d = switch_::digest_config(*c);
  return switch_fixture(std::move(c), d);
}

std::vector<std::string> offered_algorithms(const sip::message& challenge) {
  std::vector<std::string> out;
  for (const auto value : challenge.header_values(challenge.status_code() == 407 ? "Proxy-Authenticate" : "WWW-Authenticate")) {
    const auto at = value.find("algorithm=");
    REQUIRE(at != std::string_view::npos);
    const auto rest = value.substr(at + 10);
    out.emplace_back(rest.substr(0, rest.find_first_of(", ")));
  }
  return out;
}

}  // namespace

TEST_CASE("a known endpoint is challenged with its own digest_algorithms, any other user with [switch]'s",
          "[switch][registrar]") {
  for (const int mode : {1, 2, 3}) {
    auto f = per_endpoint_algorithms(mode);
    const auto own = f.send(f.register_text("1001"));
    const auto global = f.send(f.register_text("1002"));
    const auto unknown = f.send(f.register_text("4711"));
    REQUIRE(own);
    REQUIRE(global);
    REQUIRE(unknown);
    CHECK(offered_algorithms(*own) == std::vector<std::string>{"SHA-256", "MD5"});
    CHECK(offered_algorithms(*global) == std::vector<std::string>{"MD5"});
    // An unknown user looks like a known one without a list of its own.
    CHECK(offered_algorithms(*unknown) == std::vector<std::string>{"MD5"});
    CHECK(unknown->status_code() == global->status_code());
    CHECK(unknown->headers().size() == global->headers().size());

    // 1001 answers the SHA-256 challenge (the first offered) and registers.
    const auto r = f.register_with("1001", good);
    REQUIRE(r);
    CHECK(r->status_code() == 200);
    CHECK(f.bindings.find("1001").size() == 1);
  }
}

TEST_CASE("an answer with an algorithm the user was not offered is challenged again, not counted",
          "[switch][registrar]") {
  auto f = per_endpoint_algorithms(1);
  // 1002 (MD5 only) answers the SHA-256 challenge issued to 1001, with its own right password,
  // from an address 1002 may register from.
  const switch_::peer office{config::transport::udp, *base::ip_address::parse("192.0.2.5"), 5062};
  const auto challenge = f.send(f.register_text("1001"), &office);
  REQUIRE(challenge);
  REQUIRE(offered_algorithms(*challenge).front() == "SHA-256");
  const auto [name, value] = f.answer(*challenge, "REGISTER", "1002", "s3cret-1002-Long");
  REQUIRE(value.find("algorithm=SHA-256") != std::string::npos);
  const auto again = f.send(f.register_text("1002", "<sip:u@192.0.2.5:5062>", "3600", "call-1", {{name, value}}), &office);
  REQUIRE(again);
  CHECK(again->status_code() == 401);
  CHECK(offered_algorithms(*again) == std::vector<std::string>{"MD5"});
  CHECK(f.handler.take_reports().empty());
  CHECK(f.bindings.size() == 0);
  // The same user answering MD5 from there registers: the refusal was the algorithm's.
  CHECK(f.register_with("1002", "s3cret-1002-Long", "<sip:u@192.0.2.5:5062>", "3600", &office)->status_code() == 200);
}
