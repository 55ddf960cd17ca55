// The switch's control socket parts without sockets: trace filters and lines, the trace
// service's dropping queues and the tap, registrations as JSON, what a reload cannot apply.
#include "switch/trace_service.hpp"

#include <catch2/catch.hpp>

#include <vector>

#include "config/load.hpp"
#include "switch/registrations.hpp"
#include "switch/reload.hpp"
#include "switch/trace_filter.hpp"

using namespace tollgate;
using namespace tollgate::switch_;
using namespace std::chrono_literals;

namespace {

const std::string register_text =
    "REGISTER sip:192.0.2.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK-1\r\n"
    "From: <sip:alice@192.0.2.1>;tag=a\r\n"
    "To: <sip:alice@192.0.2.1>\r\n"
    "Contact: <sip:bob-phone@198.51.100.7:5062>\r\n"
    "Authorization: Digest username=\"1003\", realm=\"tollgate\", nonce=\"n\", uri=\"sip:192.0.2.1\", "
    "response=\"00000000000000000000000000000000\"\r\n"
    "Call-ID: call-1@host\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Content-Length: 0\r\n\r\n";

config::socket_address at(const char* ip, std::uint16_t port) { return {*base::ip_address::parse(ip), port}; }

trace_tap::message_view view(std::string_view bytes, const char* remote = "198.51.100.7") {
  return {trace_tap::direction::in, config::transport::udp, at("192.0.2.1", 5060), at(remote, 5062), bytes};
}

trace_filter filter(std::optional<const char*> ip, std::string endpoint = "", std::string call_id = "") {
  trace_filter f;
  if (ip) f.ip = base::ip_address::parse(*ip);
  f.endpoint = std::move(endpoint);
  f.call_id = std::move(call_id);
  return f;
}

}  // namespace

TEST_CASE("trace filters: address on either side, users, digest username, Call-ID", "[switch][trace]") {
  const auto m = view(register_text);
  CHECK(matches(trace_filter{}, m));
  CHECK(matches(filter("198.51.100.7"), m));
  CHECK(matches(filter("192.0.2.1"), m));
  CHECK_FALSE(matches(filter("203.0.113.9"), m));
  CHECK(matches(filter("198.51.100.7"), view(register_text, "::ffff:198.51.100.7")));
  CHECK(matches(filter_of(wire::trace_request{base::ip_address::parse("::ffff:198.51.100.7"), "", ""}), m));

  CHECK(matches(filter({}, "alice"), m));      // From and To
  CHECK(matches(filter({}, "bob-phone"), m));  // Contact
  CHECK(matches(filter({}, "1003"), m));       // the digest username
  CHECK_FALSE(matches(filter({}, "1001"), m));
  CHECK(matches(filter({}, "", "call-1@host"), m));
  CHECK_FALSE(matches(filter({}, "", "call-2@host"), m));
  // Every filter given must match.
  CHECK(matches(filter("198.51.100.7", "alice", "call-1@host"), m));
  CHECK_FALSE(matches(filter("198.51.100.7", "alice", "call-2@host"), m));
  CHECK_FALSE(matches(filter("203.0.113.9", "alice"), m));

  // Bytes that are not SIP pass only filters that need no parsing.
  const auto junk = view("\x01\x02 not sip");
  CHECK(matches(trace_filter{}, junk));
  CHECK(matches(filter("198.51.100.7"), junk));
  CHECK_FALSE(matches(filter({}, "alice"), junk));
  CHECK_FALSE(matches(filter({}, "", "call-1@host"), junk));
}

TEST_CASE("a trace line carries time, direction, transport, both addresses and the message", "[switch][trace]") {
  trace_tap::message_view m{trace_tap::direction::out, config::transport::tcp, at("2001:db8::1", 5060),
                            at("::ffff:203.0.113.9", 40000), "SIP/2.0 200 OK\r\n\r\n"};
  const auto j = wire::json::parse(trace_line(m, base::from_unix_seconds(1764158400.25)));
  CHECK(j == wire::json::parse(R"({"time":1764158400.25,"direction":"out","transport":"tcp",)"
                               R"("local":"[2001:db8::1]:5060","remote":"203.0.113.9:40000",)"
                               R"("message":"SIP/2.0 200 OK\r\n\r\n"})"));
  // Bytes that are not UTF-8 do not break the line.
  const auto bad = wire::json::parse(trace_line(view("OPTIONS \xff\xfe"), base::from_unix_seconds(1)));
  CHECK(bad["message"] == "OPTIONS \xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(wire::json::parse(dropped_line(7, base::from_unix_seconds(2))) ==
        wire::json::parse(R"({"time":2.0,"dropped":7})"));
}

TEST_CASE("the trace service: tap only while subscribed, per-subscriber filters, drop and count", "[switch][trace]") {
  base::manual_clock clock(base::from_unix_seconds(1764158400));
  struct queued {
    std::uint64_t connection;
    std::string line;
  };
  std::vector<queued> sent;
  std::size_t room = 100;  // lines the fake connections accept before they are "full"
  trace_service service(
      clock,
      [&](std::uint64_t connection, std::string line, std::size_t limit) {
        CHECK(limit == 4096);
        if (room == 0) return false;
        --room;
        sent.push_back({connection, std::move(line)});
        return true;
      },
      trace_limits{2, 4096});

  CHECK_FALSE(trace_tap::active());
  trace_tap::on_message(trace_tap::direction::in, config::transport::udp, at("192.0.2.1", 5060),
                        at("198.51.100.7", 5062), register_text);  // nobody listens: nothing happens
  CHECK(sent.empty());

  REQUIRE(service.subscribe(1, trace_filter{}) == std::nullopt);
  REQUIRE(service.subscribe(2, filter({}, "", "other-call")) == std::nullopt);
  CHECK(service.subscribe(3, trace_filter{}) == "too many traces at once (at most 2)");
  CHECK(trace_tap::active());

  trace_tap::on_message(trace_tap::direction::in, config::transport::udp, at("192.0.2.1", 5060),
                        at("198.51.100.7", 5062), register_text);
  REQUIRE(sent.size() == 1);  // subscriber 2's filter does not match
  CHECK(sent[0].connection == 1);
  CHECK(wire::json::parse(sent[0].line)["remote"] == "198.51.100.7:5062");

  // A full queue: three messages dropped and counted, then the count comes before the next one.
  room = 0;
  for (int i = 0; i < 3; ++i) service.on_message(view(register_text));
  CHECK(service.counters().dropped == 3);
  room = 100;
  clock.advance(1s);
  service.on_message(view(register_text));
  REQUIRE(sent.size() == 3);
  CHECK(wire::json::parse(sent[1].line) == wire::json::parse(R"({"time":1764158401.0,"dropped":3})"));
  CHECK(wire::json::parse(sent[2].line)["time"] == 1764158401.0);
  CHECK(service.counters().delivered == 2);

  // Each trace's own totals come back when it ends: subscriber 1 got 2 and lost 3.
  const auto first = service.unsubscribe(1);
  REQUIRE(first);
  CHECK(first->delivered == 2);
  CHECK(first->dropped == 3);
  CHECK(trace_tap::active());  // subscriber 2 is still there
  const auto second = service.unsubscribe(2);
  REQUIRE(second);
  CHECK(second->delivered == 0);
  CHECK(second->dropped == 0);
  CHECK_FALSE(service.unsubscribe(2));  // twice is harmless
  CHECK_FALSE(trace_tap::active());
  CHECK(service.subscribe(3, trace_filter{}) == std::nullopt);
  CHECK(trace_tap::active());
  service.clear();
  CHECK_FALSE(trace_tap::active());
  CHECK(service.subscribers() == 0);
}

TEST_CASE("registrations: live bindings by endpoint and contact, with source and expiry", "[switch][registrations]") {
  const auto now = base::from_unix_seconds(1764158400);
  binding_table table;
  const auto row = [&](std::string endpoint, std::string contact, const char* ip, int seconds_left) {
    store::binding_row r;
    r.endpoint = std::move(endpoint);
    r.contact = std::move(contact);
    r.source_ip = *base::ip_address::parse(ip);
    r.source_port = 5062;
    r.transport = "udp";
    r.expires_at = now + std::chrono::seconds(seconds_left);
    r.user_agent = "phone/1.0";
    return r;
  };
  table.put(row("1002", "sip:1002@198.51.100.8", "198.51.100.8", 60));
  table.put(row("1001", "sip:1001@[2001:db8::5]", "2001:db8::5", 3600));
  table.put(row("1001", "sip:1001@198.51.100.7", "198.51.100.7", 0));  // expired, not yet swept

  const auto j = registrations_json(table, now);
  REQUIRE(j.size() == 2);
  CHECK(j[0] == wire::json::parse(R"({"endpoint":"1001","contact":"sip:1001@[2001:db8::5]",)"
                                  R"("source":"[2001:db8::5]:5062/udp","ip":"2001:db8::5","port":5062,)"
                                  R"("transport":"udp","expires_in":3600,"expires_at":1764162000.0,)"
                                  R"("user_agent":"phone/1.0"})"));
  CHECK(j[1]["endpoint"] == "1002");
  CHECK(j[1]["expires_in"] == 60);
  CHECK(registrations_json(binding_table{}, now) == wire::json::array());
}

TEST_CASE("reload: the control socket's default, and the changes that need a restart", "[switch][reload]") {
  auto loaded = config::parse("[switch]\nlisten = [\"udp:127.0.0.1:5060\"]\n[agent]\nsocket = \"/run/x/agent.sock\"\n",
                              "a.toml");
  REQUIRE(loaded);
  const auto& a = *loaded.value();
  const auto started = effective_settings(a, {});
  CHECK(started.control_socket == "/run/x/switch.sock");  // beside the agent's socket
  CHECK(effective_settings(a, {"", "/tmp/c.sock"}).control_socket == "/tmp/c.sock");
  CHECK(effective_settings(config::built_in_defaults(), {}).control_socket == "./var/switch.sock");
  CHECK(restart_notes(started, started).empty());

  auto changed = config::parse("[switch]\nlisten = [\"udp:127.0.0.1:5070\"]\ncontrol_socket = \"/run/y.sock\"\n"
                               "[agent]\nsocket = \"/run/x/agent.sock\"\n",
                               "b.toml");
  REQUIRE(changed);
  const auto notes = restart_notes(started, effective_settings(*changed.value(), {}));
  REQUIRE(notes.size() == 2);
  CHECK(notes[0] ==
        "[switch] listen changed from [udp:127.0.0.1:5060] to [udp:127.0.0.1:5070]: restart tollgate-switch to listen there");
  CHECK(notes[1] == "[switch] control_socket changed from /run/x/switch.sock to /run/y.sock: restart tollgate-switch to use it");
  // A socket given on the command line wins over the file, so the file's change is moot.
  CHECK(restart_notes(effective_settings(a, {"", "/tmp/c.sock"}),
                      effective_settings(*changed.value(), {"", "/tmp/c.sock"})).size() == 1);

  reload_result r;
  r.source = "b.toml";
  r.restart_needed = notes;
  const auto j = reload_json(r, *changed.value());
  CHECK(j["reloaded"] == true);
  CHECK(j["source"] == "b.toml");
  CHECK(j["endpoints"] == 0);
  CHECK(j["restart_needed"].size() == 2);
}
