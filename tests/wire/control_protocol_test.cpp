#include "wire/control_protocol.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace std::chrono_literals;

namespace {
wire::request request_of(std::string_view line) {
  auto parsed = wire::parse_request(line);
  if (auto* e = std::get_if<wire::line_rejection>(&parsed)) FAIL(e->message);
  return std::get<wire::request>(parsed);
}
wire::line_rejection rejection_of(std::string_view line) {
  auto parsed = wire::parse_line(line);
  REQUIRE(std::holds_alternative<wire::line_rejection>(parsed));
  return std::get<wire::line_rejection>(parsed);
}
}  // namespace

TEST_CASE("the protocol's example command parses", "[wire][control_protocol]") {
  const auto r = request_of(
      R"({"id":7,"command":"blacklist_add","address":"203.0.113.0/24","seconds":3600,"reason":"botnet","force":false})");
  CHECK(r.id == 7);
  const auto& add = std::get<wire::blacklist_add_request>(r.what);
  CHECK(add.address.to_string() == "203.0.113.0/24");
  CHECK(add.duration == 3600s);
  CHECK(add.reason == "botnet");
  CHECK_FALSE(add.force);
}

TEST_CASE("blacklist_add without seconds is permanent, ids of any type are kept", "[wire][control_protocol]") {
  const auto r = request_of(R"({"id":"abc","command":"blacklist_add","address":"2001:db8::1"})");
  CHECK(r.id == "abc");
  const auto& add = std::get<wire::blacklist_add_request>(r.what);
  CHECK_FALSE(add.duration.has_value());
  CHECK(add.address.to_string() == "2001:db8::1/128");
  const auto null_seconds = request_of(R"({"id":[1,2],"command":"blacklist_add","address":"192.0.2.1","seconds":null})");
  CHECK_FALSE(std::get<wire::blacklist_add_request>(null_seconds.what).duration.has_value());
  CHECK(null_seconds.id == wire::json::array({1, 2}));
}

TEST_CASE("every command round-trips through format_request", "[wire][control_protocol]") {
  const std::vector<wire::command> commands = {
      wire::status_request{},
      wire::blacklist_list_request{},
      wire::blacklist_add_request{*base::ip_prefix::parse("203.0.113.0/24"), 60s, "r", true},
      wire::blacklist_add_request{*base::ip_prefix::parse("203.0.113.9"), std::nullopt, "", false},
      wire::blacklist_del_request{*base::ip_prefix::parse("203.0.113.9")},
      wire::blacklist_flush_request{},
      wire::whitelist_list_request{},
      wire::whitelist_add_request{*base::ip_prefix::parse("192.0.2.0/24")},
      wire::whitelist_del_request{*base::ip_prefix::parse("2001:db8::/32")},
      wire::suspend_list_request{},
      wire::suspend_clear_request{"1001"},
      wire::param_list_request{},
      wire::param_get_request{"BLACKLIST_WINDOW"},
      wire::param_set_request{"BLACKLIST_WINDOW", 120},
      wire::audit_request{base::from_unix_seconds(1764158400.5), 10, true},
      wire::audit_request{},
      wire::reload_request{},
      wire::registrations_request{},
      wire::trace_request{},
      wire::trace_request{base::ip_address::parse("2001:db8::7"), "1001", "abc@host"},
  };
  int id = 0;
  for (const auto& c : commands) {
    const std::string line = wire::format_request(wire::request{++id, c});
    INFO(line);
    const auto back = request_of(line);
    CHECK(back.id == id);
    CHECK(wire::command_name(back.what) == wire::command_name(c));
    CHECK(wire::format_request(back) == line);
  }
}

TEST_CASE("bad commands are rejected naming the field, keeping the id", "[wire][control_protocol]") {
  struct row {
    const char* line;
    const char* message;
  };
  const row rows[] = {
      {R"({"id":1,"command":"blacklist_add"})", "missing field \"address\""},
      {R"({"id":1,"command":"blacklist_add","address":"10.0.0.1/8"})", "field \"address\" is not an address or CIDR: \"10.0.0.1/8\""},
      {R"({"id":1,"command":"blacklist_add","address":42})", "field \"address\" must be a string"},
      {R"({"id":1,"command":"blacklist_add","address":"192.0.2.1","seconds":0})", "field \"seconds\" must be between 1 and 3153600000"},
      {R"({"id":1,"command":"blacklist_add","address":"192.0.2.1","seconds":1.5})", "field \"seconds\" must be an integer"},
      {R"({"id":1,"command":"blacklist_add","address":"192.0.2.1","force":"yes"})", "field \"force\" must be true or false"},
      {R"({"id":1,"command":"whitelist_add"})", "missing field \"cidr\""},
      {R"({"id":1,"command":"suspend_clear","endpoint":""})", "field \"endpoint\" must not be empty"},
      {R"({"id":1,"command":"param_set","name":"X"})", "missing field \"value\""},
      {R"({"id":1,"command":"param_set","name":"X","value":"10"})", "field \"value\" must be an integer"},
      {R"({"id":1,"command":"audit","since":-1})", "field \"since\" must be Unix seconds"},
      {R"({"id":1,"command":"audit","limit":0})", "field \"limit\" must be between 1 and 1000000"},
      {R"({"id":1,"command":"frobnicate"})", "unknown command \"frobnicate\""},
      {R"({"id":1,"command":"trace","ip":"198.51.100.300"})", "field \"ip\" is not an address: \"198.51.100.300\""},
      {R"({"id":1,"command":"trace","endpoint":7})", "field \"endpoint\" must be a string"},
      {R"({"id":1,"command":7})", "field \"command\" must be a string"},
  };
  for (const auto& [line, message] : rows) {
    INFO(line);
    const auto e = rejection_of(line);
    CHECK(e.kind == wire::line_error::bad_command);
    CHECK(e.message == message);
    CHECK(e.id == 1);
  }
  const auto no_id = rejection_of(R"({"command":"status"})");
  CHECK(no_id.message == "missing field \"id\"");
  CHECK(no_id.id.is_null());
}

TEST_CASE("lines are sorted into reports, commands and rejections", "[wire][control_protocol]") {
  const auto report = wire::parse_line(
      R"({"time":1764158402.0,"type":"illegal_call","ip":"203.0.113.9","port":5060,"transport":"udp","callee":"00441"})");
  REQUIRE(std::holds_alternative<policy::report>(report));
  CHECK(std::get<policy::report>(report).type == policy::report_type::illegal_call);
  CHECK(std::holds_alternative<wire::request>(wire::parse_line(R"({"id":1,"command":"status"})")));

  CHECK(rejection_of("garbage").kind == wire::line_error::not_json);
  CHECK(rejection_of("[1,2]").kind == wire::line_error::not_object);
  CHECK(rejection_of(R"({"hello":1})").kind == wire::line_error::unknown_kind);
  const auto bad_report = rejection_of(R"({"time":1,"type":"illegal_call"})");
  CHECK(bad_report.kind == wire::line_error::bad_report);
  CHECK(bad_report.message == "missing field \"ip\"");
  CHECK(rejection_of(std::string(wire::max_line_bytes + 1, ' ')).kind == wire::line_error::oversized);

  auto as_request = wire::parse_request(R"({"time":1,"type":"illegal_call","ip":"192.0.2.1"})");
  CHECK(std::get<wire::line_rejection>(as_request).kind == wire::line_error::unknown_kind);
}

TEST_CASE("responses format as documented and parse back", "[wire][control_protocol]") {
  const auto ok = wire::response::success(7, wire::json{{"released", 3}});
  CHECK(wire::format_response(ok) == R"({"id":7,"ok":true,"result":{"released":3}})");
  const auto failed = wire::response::failure(7, "203.0.113.0/24 overlaps the whitelist (192.0.2.0/24); use --force");
  CHECK(wire::format_response(failed) ==
        R"({"id":7,"ok":false,"error":"203.0.113.0/24 overlaps the whitelist (192.0.2.0/24); use --force"})");

  auto back = wire::parse_response(wire::format_response(ok));
  REQUIRE(std::holds_alternative<wire::response>(back));
  CHECK(std::get<wire::response>(back).result["released"] == 3);
  auto back_failed = std::get<wire::response>(wire::parse_response(wire::format_response(failed)));
  CHECK_FALSE(back_failed.ok);
  CHECK(back_failed.error == failed.error);

  CHECK(std::get<std::string>(wire::parse_response("nope")) == "the agent's answer is not JSON");
  CHECK(std::get<std::string>(wire::parse_response(R"({"id":1})")) == "the agent's answer has no \"ok\"");
  for (auto e = std::size_t{0}; e < wire::line_error_count; ++e) {
    CHECK(wire::to_string(static_cast<wire::line_error>(e)) != "unknown");
  }
}
