#include "wire/report_codec.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::policy;
using namespace std::chrono_literals;

namespace {
std::string error_of(std::string_view line) {
  auto parsed = wire::parse_report(line);
  REQUIRE(std::holds_alternative<wire::codec_error>(parsed));
  return std::get<wire::codec_error>(parsed).message;
}
report report_of(std::string_view line) {
  auto parsed = wire::parse_report(line);
  if (auto* e = std::get_if<wire::codec_error>(&parsed)) FAIL(e->message);
  return std::get<report>(parsed);
}
}  // namespace

TEST_CASE("product.md's example reports parse", "[wire][report_codec]") {
  const auto failed = report_of(
      R"({"time":1764158400.25,"type":"register_failed","endpoint":"1001","ip":"203.0.113.7","port":5062,"transport":"udp","verified":true,"reason":"wrong_password","user_agent":"friendly-scanner"})");
  CHECK(failed.type == report_type::register_failed);
  CHECK(failed.time == base::from_unix_seconds(1764158400.25));
  CHECK(failed.endpoint == "1001");
  CHECK(failed.ip.to_string() == "203.0.113.7");
  CHECK(failed.port == 5062);
  CHECK(failed.verified);
  CHECK(failed.reason == failure_reason::wrong_password);
  CHECK(failed.user_agent == "friendly-scanner");

  const auto ok = report_of(
      R"({"time":1764158401.0,"type":"register_ok","endpoint":"1001","ip":"198.51.100.20","port":5060,"transport":"udp","expires":3600})");
  CHECK(ok.expires == 3600);

  const auto illegal = report_of(
      R"({"time":1764158402.0,"type":"illegal_call","ip":"203.0.113.9","port":5060,"transport":"udp","caller":"100","callee":"0044123456","call_id":"abc","user_agent":"x"})");
  CHECK(illegal.callee == "0044123456");
  CHECK(illegal.call_id == "abc");
}

TEST_CASE("unknown fields are ignored, v4-mapped addresses unmapped", "[wire][report_codec]") {
  const auto r = report_of(R"({"time":1,"type":"scanner_seen","ip":"::ffff:203.0.113.1","extra":{"a":[1,2]}})");
  CHECK(r.ip.to_string() == "203.0.113.1");
}

TEST_CASE("bad lines are errors that name the field", "[wire][report_codec]") {
  CHECK(error_of("") == "not JSON");
  CHECK(error_of("{") == "not JSON");
  CHECK(error_of("[1,2]") == "a report must be a JSON object");
  CHECK(error_of(R"({"type":"illegal_call","ip":"1.2.3.4"})") == R"(missing field "time")");
  CHECK(error_of(R"({"time":"x","type":"illegal_call","ip":"1.2.3.4"})") == R"(field "time" must be a number)");
  CHECK(error_of(R"({"time":-5,"type":"illegal_call","ip":"1.2.3.4"})") == R"(field "time" must be Unix seconds)");
  CHECK(error_of(R"({"time":1,"ip":"1.2.3.4"})") == R"(missing field "type")");
  CHECK(error_of(R"({"time":1,"type":"bogus","ip":"1.2.3.4"})") == R"(unknown report type "bogus")");
  CHECK(error_of(R"({"time":1,"type":"illegal_call"})") == R"(missing field "ip")");
  CHECK(error_of(R"({"time":1,"type":"illegal_call","ip":"1.2.3"})") == R"(field "ip" is not an IP address: "1.2.3")");
  CHECK(error_of(R"({"time":1,"type":"illegal_call","ip":"1.2.3.4","port":70000})") ==
        R"(field "port" must be between 0 and 65535)");
  CHECK(error_of(R"({"time":1,"type":"register_failed","ip":"1.2.3.4"})") == R"(missing field "endpoint")");
  CHECK(error_of(R"({"time":1,"type":"register_failed","ip":"1.2.3.4","endpoint":"1"})") ==
        R"(missing field "verified")");
  // A register_failed without a reason is a wrong password.
  CHECK(report_of(R"({"time":1,"type":"register_failed","ip":"1.2.3.4","endpoint":"1","verified":true})").reason ==
        failure_reason::wrong_password);
  CHECK(error_of(R"({"time":1,"type":"register_failed","ip":"1.2.3.4","endpoint":"1","verified":true,"reason":"x"})") ==
        R"(unknown failure reason "x")");
  CHECK(error_of(R"({"time":1,"type":"register_ok","ip":"1.2.3.4","endpoint":"1"})") == R"(missing field "expires")");
  CHECK(error_of(R"({"time":1,"type":"register_ok","ip":"1.2.3.4","endpoint":7,"expires":1})") ==
        R"(field "endpoint" must be a string)");
}

TEST_CASE("reports round-trip through format_report", "[wire][report_codec]") {
  report r;
  r.type = report_type::register_failed;
  r.time = base::from_unix_seconds(1764158400.5);
  r.ip = *base::ip_address::parse("2001:db8::7");
  r.port = 5060;
  r.transport = "tcp";
  r.endpoint = "1001";
  r.verified = true;
  r.reason = failure_reason::realm_mismatch;
  r.user_agent = "Yealink \"T46\"";
  const auto back = report_of(wire::format_report(r));
  CHECK(back.time == r.time);
  CHECK(back.ip == r.ip);
  CHECK(back.reason == r.reason);
  CHECK(back.user_agent == r.user_agent);
}

TEST_CASE("decisions print in the documented format", "[wire][report_codec]") {
  const auto t = base::from_unix_seconds(1764158400.25);
  CHECK(wire::format_decision({t, suspend{"1001", base::from_unix_seconds(1764159000.25), 5, {}}}) ==
        R"({"time":1764158400.25,"decision":"suspend","endpoint":"1001","until":1764159000.25})");
  CHECK(wire::format_decision({base::from_unix_seconds(1764159000.25), unsuspend{"1001", "expired"}}) ==
        R"({"time":1764159000.25,"decision":"unsuspend","endpoint":"1001","reason":"expired"})");
  const auto address = *base::ip_prefix::parse("203.0.113.9/32");
  CHECK(wire::format_decision({base::from_unix_seconds(1764158402), block{address, base::from_unix_seconds(1764162002),
                                                                           block_reason::illegal_calls, 0, "policy", "", {}}}) ==
        R"({"time":1764158402.0,"decision":"block","address":"203.0.113.9/32","until":1764162002.0,"reason":"illegal_calls"})");
  CHECK(wire::format_decision({base::from_unix_seconds(1764158402),
                               protected_source{*base::ip_prefix::parse("198.51.100.20/32"), block_reason::register_failures,
                                                protection::whitelist, {}}}) ==
        R"({"time":1764158402.0,"decision":"protected","address":"198.51.100.20/32","reason":"register_failures","protection":"whitelist"})");
  CHECK(wire::format_decision({base::from_unix_seconds(1764162002), release{address, "expired", "policy"}}) ==
        R"({"time":1764162002.0,"decision":"release","address":"203.0.113.9/32","reason":"expired"})");
  CHECK(wire::format_decision({t, block{address, std::nullopt, block_reason::manual, 0, "alice", "botnet", {}}}) ==
        R"({"time":1764158400.25,"decision":"block","address":"203.0.113.9/32","until":null,"reason":"manual","actor":"alice","note":"botnet"})");
}

TEST_CASE("decision lines for the switch parse", "[wire][report_codec]") {
  const auto s = wire::parse_decision(R"({"time":1764158400.25,"decision":"suspend","endpoint":"1001","until":1764159000.25})");
  REQUIRE(std::holds_alternative<policy::decision>(s));
  const auto& suspend = std::get<policy::suspend>(std::get<policy::decision>(s).what);
  CHECK(suspend.endpoint == "1001");
  CHECK(base::to_unix_seconds(suspend.until) == 1764159000.25);

  const auto u = wire::parse_decision(R"({"time":1764159000.25,"decision":"unsuspend","endpoint":"1001","reason":"expired"})");
  REQUIRE(std::holds_alternative<policy::decision>(u));
  CHECK(std::get<policy::unsuspend>(std::get<policy::decision>(u).what).reason == "expired");

  // Round trip through format_decision.
  const auto again = wire::parse_decision(wire::format_decision(std::get<policy::decision>(s)));
  REQUIRE(std::holds_alternative<policy::decision>(again));
  CHECK(std::get<policy::suspend>(std::get<policy::decision>(again).what).until == suspend.until);
}

TEST_CASE("bad decision lines name the problem", "[wire][report_codec]") {
  auto error = [](std::string_view line) { return std::get<wire::codec_error>(wire::parse_decision(line)).message; };
  CHECK(error("nope") == "not JSON");
  CHECK(error(R"({"time":1,"decision":"suspend","until":2})") == "missing field \"endpoint\"");
  CHECK(error(R"({"time":1,"decision":"suspend","endpoint":"1001"})") == "missing field \"until\"");
  CHECK(error(R"({"decision":"unsuspend","endpoint":"1001"})") == "missing field \"time\"");
  CHECK(error(R"({"time":1,"decision":"block","address":"192.0.2.1/32","until":null})") ==
        "unsupported decision \"block\"");
}

TEST_CASE("a suspension the switch made round-trips", "[wire][report_codec]") {
  policy::report r;
  r.type = policy::report_type::endpoint_suspended;
  r.time = base::from_unix_seconds(1764158400.25);
  r.endpoint = "1001";
  r.ip = *base::ip_address::parse("203.0.113.7");
  r.until = base::from_unix_seconds(1764159000.25);
  r.failures = 5;
  r.reason = policy::failure_reason::unknown_user;
  const std::string line = wire::format_report(r);
  CHECK(line.find(R"("type":"endpoint_suspended")") != std::string::npos);
  const auto parsed = wire::parse_report(line);
  REQUIRE(std::holds_alternative<policy::report>(parsed));
  const auto& back = std::get<policy::report>(parsed);
  CHECK(back.until == r.until);
  CHECK(back.failures == 5);
  CHECK(back.reason == policy::failure_reason::unknown_user);
  CHECK(back.endpoint == "1001");

  const auto no_until = wire::parse_report(R"({"time":100,"type":"endpoint_suspended","endpoint":"1001","ip":"203.0.113.7"})");
  REQUIRE(std::holds_alternative<wire::codec_error>(no_until));
  CHECK(std::get<wire::codec_error>(no_until).message == R"(missing field "until")");
  const auto backwards =
      wire::parse_report(R"({"time":100,"type":"endpoint_suspended","endpoint":"1001","ip":"203.0.113.7","until":50})");
  REQUIRE(std::holds_alternative<wire::codec_error>(backwards));
}

TEST_CASE("runtime parameters go to the switch and parse back, checked", "[wire][report_codec]") {
  policy::parameter_set params;
  REQUIRE_FALSE(params.set(parameter::SS_ENDPOINTREGISTERRETRY, 3, parameter_origin::runtime));
  REQUIRE_FALSE(params.set(parameter::SS_ENDPOINTREGISTERSUSPEND, 1, parameter_origin::config));
  const std::string line = wire::format_runtime_parameters(base::from_unix_seconds(100), params);
  CHECK(line == R"({"time":100.0,"parameters":{"SS_ENDPOINTREGISTERRETRY":3}})");
  const auto parsed = wire::parse_runtime_parameters(line);
  REQUIRE(parsed);
  REQUIRE(std::holds_alternative<wire::parameter_values>(*parsed));
  const auto& values = std::get<wire::parameter_values>(*parsed);
  REQUIRE(values.size() == 1);
  CHECK(values[0] == std::pair{parameter::SS_ENDPOINTREGISTERRETRY, std::int64_t{3}});

  CHECK_FALSE(wire::parse_runtime_parameters(R"({"time":1,"decision":"suspend"})"));
  const auto bad = wire::parse_runtime_parameters(R"({"time":1,"parameters":{"SS_ENDPOINTREGISTERRETRY":0}})");
  REQUIRE(bad);
  REQUIRE(std::holds_alternative<wire::codec_error>(*bad));
  CHECK(std::get<wire::codec_error>(*bad).message.find("SS_ENDPOINTREGISTERRETRY") != std::string::npos);
  const auto unknown = wire::parse_runtime_parameters(R"({"time":1,"parameters":{"NOPE":1}})");
  REQUIRE(unknown);
  CHECK(std::get<wire::codec_error>(*unknown).message == R"(unknown parameter "NOPE")");
}
