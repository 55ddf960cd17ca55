#include "config/hardening.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>

#include "config/load.hpp"

using namespace tollgate;
using namespace tollgate::config;
using policy::parameter;

namespace {

/// A config with every checklist item satisfied, to break one at a time.
config::config hardened() {
  auto c = built_in_defaults();
  auto set = [&](parameter p, std::int64_t v) {
    REQUIRE_FALSE(c.parameters.set(p, v, policy::parameter_origin::config));
  };
  set(parameter::SS_ENDPOINTREGISTERSUSPEND, 1);
  set(parameter::SS_ENDPOINTREGISTERRETRY, 5);
  set(parameter::SS_ENDPOINTREGISTERSUSPENDTIME, 600);
  c.whitelist.push_back(*base::ip_prefix::parse("192.0.2.10/32"));
  endpoint e;
  e.name = "1001";
  e.password = "Correct-Horse-7";
  c.endpoints.push_back(e);
  return c;
}

std::vector<std::string> ids(const config::config& c) {
  std::vector<std::string> out;
  for (const auto& f : hardening_findings(c)) out.push_back(f.id);
  return out;
}

}  // namespace

TEST_CASE("a hardened config has no findings", "[config][hardening]") { CHECK(hardening_findings(hardened()).empty()); }

TEST_CASE("the built-in defaults (VOS3000's) fail the checklist on suspend, its time and the whitelist",
          "[config][hardening]") {
  CHECK(ids(built_in_defaults()) ==
        std::vector<std::string>{"suspend_disabled", "suspend_time_short", "whitelist_empty"});
}

TEST_CASE("each checklist item is found, with its severity, message and fix", "[config][hardening]") {
  struct row {
    std::function<void(config::config&)> spoil;
    finding expected;
  };
  auto set = [](parameter p, std::int64_t v) {
    return [p, v](config::config& c) { REQUIRE_FALSE(c.parameters.set(p, v, policy::parameter_origin::runtime)); };
  };
  const row table[] = {
      {set(parameter::SS_ENDPOINTREGISTERSUSPEND, 0),
       {"suspend_disabled", severity::high,
        "authentication suspend is off: a password can be guessed at the speed of the network",
        "set SS_ENDPOINTREGISTERSUSPEND = 1 in [parameters]"}},
      {set(parameter::SS_ENDPOINTREGISTERRETRY, 11),
       {"suspend_retry_high", severity::medium,
        "SS_ENDPOINTREGISTERRETRY is 11: more than 10 wrong passwords in a row before an endpoint is suspended",
        "set SS_ENDPOINTREGISTERRETRY = 5 in [parameters]"}},
      {set(parameter::SS_ENDPOINTREGISTERSUSPENDTIME, 299),
       {"suspend_time_short", severity::medium,
        "SS_ENDPOINTREGISTERSUSPENDTIME is 299 s: a suspension under 300 s barely slows a password guesser",
        "set SS_ENDPOINTREGISTERSUSPENDTIME = 600 in [parameters]"}},
      {set(parameter::BLACKLIST_ENABLE, 0),
       {"blacklist_disabled", severity::high, "the dynamic blacklist is off: scanners and guessers are never blocked",
        "set BLACKLIST_ENABLE = 1 in [parameters]"}},
      {set(parameter::BLACKLIST_SCANNER_UA, 0),
       {"scanner_block_disabled", severity::medium,
        "sources with a scanner User-Agent are not blocked at once (BLACKLIST_SCANNER_UA = 0)",
        "set BLACKLIST_SCANNER_UA = 1 in [parameters]"}},
      {set(parameter::REGISTER_RATE_LIMIT, 0),
       {"rate_limit_off", severity::medium,
        "REGISTER requests are not rate-limited in the kernel (REGISTER_RATE_LIMIT = 0)",
        "set REGISTER_RATE_LIMIT = 10 in [parameters]"}},
      {set(parameter::SERVER_BILLING_RECORD_ILLEGAL_CALL, 0),
       {"illegal_call_recording_off", severity::medium,
        "illegal calls leave no CDR (SERVER_BILLING_RECORD_ILLEGAL_CALL = 0): toll-fraud attempts go unseen",
        "set SERVER_BILLING_RECORD_ILLEGAL_CALL = 1 in [parameters]"}},
      {set(parameter::INSPECT_ENABLE, 0),
       {"inspector_off", severity::medium,
        "the NFQUEUE inspector is off (INSPECT_ENABLE = 0): malformed SIP and scanners reach the switch",
        "set INSPECT_ENABLE = 1 in [parameters]"}},
      {[](config::config& c) { c.scanner_user_agents.clear(); },
       {"scanner_list_empty", severity::low,
        "[inspector] user_agents is empty: no scanner is recognised by its User-Agent",
        "remove user_agents from [inspector] to use the built-in list"}},
      {[](config::config& c) { c.whitelist.clear(); },
       {"whitelist_empty", severity::medium,
        "the whitelist is empty: an administrator's own address can be blocked by a mistyped password",
        "add the administrators' and offices' addresses to cidrs in [whitelist]"}},
      {[](config::config& c) { c.endpoints[0].password = "s3cret-1001"; },
       {"weak_password", severity::high, "endpoint 1001: the password has 11 characters",
        "give endpoint 1001 a password of at least 12 characters mixing letters, digits and symbols"}},
      {[](config::config& c) { c.endpoints[0].password = "averylongpassword"; },
       {"weak_password", severity::high, "endpoint 1001: the password uses one kind of character only",
        "give endpoint 1001 a password of at least 12 characters mixing letters, digits and symbols"}},
      {[](config::config& c) {
         mapping_gateway g;
         g.name = "cust";
         g.auth = gateway_auth::password;
         g.username = "cust-user";
         g.password = "123456789012345";
         c.mapping_gateways.push_back(g);
       },
       {"weak_password", severity::high, "mapping gateway cust: the password uses one kind of character only",
        "give mapping gateway cust a password of at least 12 characters mixing letters, digits and symbols"}},
      {[](config::config& c) {
         mapping_gateway g;
         g.name = "cust";
         g.networks.push_back(*base::ip_prefix::parse("0.0.0.0/0"));
         c.mapping_gateways.push_back(g);
       },
       {"mapping_gateway_open", severity::high, "mapping gateway cust accepts calls from every address (0.0.0.0/0)",
        "list only the customer's own addresses in its addresses"}},
      {[](config::config& c) {
         mapping_gateway g;
         g.name = "cust";
         g.networks.push_back(*base::ip_prefix::parse("2001:db8::/29"));
         c.mapping_gateways.push_back(g);
       },
       {"mapping_gateway_wide", severity::medium,
        "mapping gateway cust accepts calls from 2001:db8::/29, a network wider than /32",
        "list only the customer's own addresses in its addresses"}},
      {[](config::config& c) { c.agent.metrics = parse_socket_address("0.0.0.0:9466"); },
       {"metrics_exposed", severity::medium, "the metrics listener 0.0.0.0:9466 is reachable beyond this host",
        "set metrics = \"127.0.0.1:9466\" in [agent]"}},
  };
  for (const auto& r : table) {
    INFO(r.expected.id);
    auto c = hardened();
    r.spoil(c);
    const auto findings = hardening_findings(c);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0] == r.expected);
    CHECK(site_dependent(r.expected.id) == (r.expected.id == "whitelist_empty"));
  }
}

TEST_CASE("passwords are weak when short, of one character class, or equal to the name", "[config][hardening]") {
  CHECK(weak_password("1001", "short-1A"));
  CHECK(weak_password("1001", "abcdefghijklmnop"));
  CHECK(weak_password("1001", "ABCDEFGHIJKLMNOP"));
  CHECK(weak_password("1001", "1234567890123"));
  CHECK(weak_password("user-name-1234", "user-name-1234"));
  CHECK_FALSE(weak_password("1001", "abcdefghijk1"));
  CHECK_FALSE(weak_password("1001", "Correct-Horse-7"));
}

TEST_CASE("findings come most severe first, weak passwords named per endpoint", "[config][hardening]") {
  auto loaded = parse(R"toml(
[parameters]
SS_ENDPOINTREGISTERSUSPEND = 1
SS_ENDPOINTREGISTERSUSPENDTIME = 600
REGISTER_RATE_LIMIT = 0
[whitelist]
cidrs = ["192.0.2.10/32"]
[[endpoint]]
name = "1001"
password = "1001"
[[endpoint]]
name = "1002"
password = "Good-Enough-Pass-2"
[[endpoint]]
name = "1003"
ha1_md5 = "0123456789abcdef0123456789abcdef"
)toml",
                      "t.toml");
  REQUIRE(loaded);
  const auto findings = hardening_findings(*loaded.value());
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].id == "weak_password");
  CHECK(findings[0].message == "endpoint 1001: the password equals the name");
  CHECK(findings[1].id == "rate_limit_off");
}
