#include "config/load.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "config/hardening.hpp"

using namespace tollgate;
using namespace tollgate::config;
using policy::parameter;

namespace {

// product.md section 8, verbatim.
constexpr const char* product_example = R"toml(
[switch]
listen = ["udp:0.0.0.0:5060", "tcp:0.0.0.0:5060", "udp:[::]:5060", "tcp:[::]:5060"]
realm = "tollgate"
nonce_lifetime = 60            # seconds
digest_algorithms = ["MD5", "SHA-256"]

[agent]
socket = "/run/tollgate/agent.sock"
state_dir = "/var/lib/tollgate"
table = "tollgate"
queue = 0
sip_ports = [5060]

[parameters]
SS_ENDPOINTREGISTERSUSPEND = 1
SS_ENDPOINTREGISTERRETRY = 5
SS_ENDPOINTREGISTERSUSPENDTIME = 600

[whitelist]
cidrs = ["192.0.2.10/32"]

[[endpoint]]
name = "1001"
password = "s3cret-1001"      # or ha1_md5 / ha1_sha256
allow = []                     # optional CIDRs it may register from

[[mapping_gateway]]
name = "customer-a"
auth = "ip"                    # "ip" | "ip+port" | "password"
addresses = ["198.51.100.0/24"] # for "ip+port": "198.51.100.7:5060"
# username/password for "password"
billing_mode = 1

[[routing_gateway]]
name = "carrier-1"
host = "192.0.2.50"
port = 5060
transport = "udp"
prefixes = ["00", "1"]
strip = 0
add = ""
auth_username = "acct"         # optional: answers the carrier's 401/407
auth_password = "pw"
)toml";

std::shared_ptr<const config::config> must_parse(std::string_view text) {
  auto loaded = parse(text, "tollgate.toml");
  INFO((loaded ? std::string() : loaded.message()));
  REQUIRE(loaded);
  return loaded.value();
}

}  // namespace

TEST_CASE("product.md's example config loads with every value", "[config][load]") {
  const auto c = must_parse(product_example);
  CHECK(c->source == "tollgate.toml");
  REQUIRE(c->sip.listen.size() == 4);
  CHECK(c->sip.listen[0].to_string() == "udp:0.0.0.0:5060");
  CHECK(c->sip.listen[3].to_string() == "tcp:[::]:5060");
  CHECK(c->sip.realm == "tollgate");
  CHECK(c->sip.nonce_lifetime == std::chrono::seconds{60});
  CHECK(c->sip.gateway_no_response_timeout == std::chrono::milliseconds{5000});
  CHECK(c->sip.digest_algorithms == std::vector<std::string>{"MD5", "SHA-256"});

  CHECK(c->agent.socket == "/run/tollgate/agent.sock");
  CHECK(c->agent.state_dir == "/var/lib/tollgate");
  CHECK(c->agent.table == "tollgate");
  CHECK(c->agent.queue == 0);
  CHECK(c->agent.sip_ports == std::vector<std::uint16_t>{5060});
  CHECK_FALSE(c->agent.metrics);

  CHECK(c->parameters.get(parameter::SS_ENDPOINTREGISTERSUSPEND) == 1);
  CHECK(c->parameters.get(parameter::SS_ENDPOINTREGISTERRETRY) == 5);
  CHECK(c->parameters.origin(parameter::SS_ENDPOINTREGISTERRETRY) == policy::parameter_origin::config);
  CHECK(c->parameters.get(parameter::SS_ENDPOINTREGISTERSUSPENDTIME) == 600);
  CHECK(c->parameters.get(parameter::BLACKLIST_WINDOW) == 60);
  CHECK(c->parameters.origin(parameter::BLACKLIST_WINDOW) == policy::parameter_origin::default_value);

  REQUIRE(c->whitelist.size() == 1);
  CHECK(c->whitelist[0].to_string() == "192.0.2.10/32");
  CHECK(c->scanner_user_agents == default_scanner_user_agents());

  REQUIRE(c->endpoints.size() == 1);
  const auto* e = c->find_endpoint("1001");
  REQUIRE(e);
  CHECK(e->password == "s3cret-1001");
  CHECK(e->allow.empty());
  CHECK(e->max_bindings == 5);
  CHECK(e->line == 23);  // the text starts with a newline

  const auto* m = c->find_mapping_gateway("customer-a");
  REQUIRE(m);
  CHECK(m->auth == gateway_auth::ip);
  REQUIRE(m->networks.size() == 1);
  CHECK(m->networks[0].to_string() == "198.51.100.0/24");
  CHECK(m->billing_mode == 1);

  const auto* r = c->find_routing_gateway("carrier-1");
  REQUIRE(r);
  CHECK(r->host == "192.0.2.50");
  CHECK(r->port == 5060);
  CHECK(r->transport == transport::udp);
  CHECK(r->prefixes == std::vector<std::string>{"00", "1"});
  CHECK(r->strip == 0);
  CHECK(r->add.empty());
  CHECK(r->auth_username == "acct");
  CHECK(r->auth_password == "pw");
}

TEST_CASE("an empty file gives the built-in defaults", "[config][load]") {
  const auto c = must_parse("");
  const auto d = built_in_defaults();
  REQUIRE(c->sip.listen.size() == 2);
  CHECK(c->sip.listen[0].to_string() == "udp:127.0.0.1:5060");
  CHECK(c->sip.listen[1].to_string() == "tcp:127.0.0.1:5060");
  CHECK(c->agent.state_dir == "./var");
  CHECK(c->agent.socket == "./var/agent.sock");
  CHECK(c->sip.control_socket.empty());  // the switch puts it beside the agent's socket
  CHECK(c->agent.audit_retention == std::chrono::days{90});
  CHECK(c->sip.cdr_retention == std::chrono::days{90});
  CHECK(c->sip.cdr_buffer == 100'000);
  CHECK(c->sip.tcp_max_connections == 4096);
  CHECK(c->sip.tcp_max_connections_per_source == 64);
  CHECK(c->sip.tcp_idle_timeout == std::chrono::seconds{300});
  CHECK(c->sip.tcp_header_timeout == std::chrono::seconds{10});
  CHECK(c->sip.tcp_min_rate == 64);
  CHECK(c->sip.tcp_v6_source_prefix == 64);
  CHECK(c->sip.max_calls == 10'000);
  CHECK(c->sip.max_calls_per_source == 1'000);
  CHECK(c->scanner_user_agents.size() == 10);
  CHECK(c->scanner_user_agents.front() == "friendly-scanner");
  CHECK(c->endpoints.empty());
  for (const auto& entry : policy::parameter_table()) {
    CHECK(c->parameters.get(entry.id) == entry.default_value);
    CHECK(c->parameters.origin(entry.id) == policy::parameter_origin::default_value);
  }
  CHECK(d.sip.listen == c->sip.listen);
}

TEST_CASE("the other key forms load: ip+port and password gateways, HA1, durations, booleans", "[config][load]") {
  const auto c = must_parse(R"toml(
[switch]
nonce_lifetime = "2m"
gateway_no_response_timeout = 2500
digest_algorithms = ["sha-256"]
cdr_retention = "30d"
cdr_buffer = 5000
tcp_max_connections = 100
tcp_max_connections_per_source = 10
tcp_idle_timeout = "2m"
tcp_header_timeout = 3
tcp_min_rate = 0
tcp_v6_source_prefix = 56
max_calls = 50000
max_calls_per_source = 200
[agent]
metrics = "[::1]:9466"
audit_retention = 86400
sip_ports = [5060, 5080]
[parameters]
blacklist_enable = false
BLACKLIST_DURATION = 0
[inspector]
user_agents = ["evil-dialer"]
[[endpoint]]
name = "1002"
ha1_md5 = "0123456789ABCDEF0123456789abcdef"
ha1_sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
allow = ["198.51.100.0/24", "2001:db8::/32"]
max_bindings = 2
digest_algorithms = ["sha-256", "md5"]
[[endpoint]]
name = "1003"
password = "Long-enough-pass-3"
[[mapping_gateway]]
name = "customer-b"
addresses = ["198.51.100.7:5060", "[2001:db8::7]:5062"]
auth = "ip+port"
[[mapping_gateway]]
name = "customer-c"
auth = "password"
username = "cust-c"
password = "Long-enough-pass-1"
billing_mode = -1
[[routing_gateway]]
name = "carrier-2"
host = "sip.carrier.example"
transport = "tcp"
prefixes = [""]
strip = 2
add = "+44"
)toml");
  CHECK(c->sip.nonce_lifetime == std::chrono::seconds{120});
  CHECK(c->sip.gateway_no_response_timeout == std::chrono::milliseconds{2500});
  CHECK(c->sip.digest_algorithms == std::vector<std::string>{"SHA-256"});
  REQUIRE(c->agent.metrics);
  CHECK(c->agent.metrics->to_string() == "[::1]:9466");
  CHECK(c->agent.audit_retention == std::chrono::seconds{86400});
  CHECK(c->sip.cdr_retention == std::chrono::days{30});
  CHECK(c->sip.cdr_buffer == 5000);
  CHECK(c->sip.tcp_max_connections == 100);
  CHECK(c->sip.tcp_max_connections_per_source == 10);
  CHECK(c->sip.tcp_idle_timeout == std::chrono::seconds{120});
  CHECK(c->sip.tcp_header_timeout == std::chrono::seconds{3});
  CHECK(c->sip.tcp_min_rate == 0);
  CHECK(c->sip.tcp_v6_source_prefix == 56);
  CHECK(c->sip.max_calls == 50'000);
  CHECK(c->sip.max_calls_per_source == 200);
  CHECK(c->agent.sip_ports == std::vector<std::uint16_t>{5060, 5080});
  CHECK(c->parameters.get(parameter::BLACKLIST_ENABLE) == 0);
  CHECK(c->parameters.origin(parameter::BLACKLIST_ENABLE) == policy::parameter_origin::config);
  CHECK(c->parameters.get(parameter::BLACKLIST_DURATION) == 0);
  CHECK(c->scanner_user_agents == std::vector<std::string>{"evil-dialer"});
  const auto& e = c->endpoints.at(0);
  CHECK(e.ha1_md5 == "0123456789abcdef0123456789abcdef");
  CHECK(e.password.empty());
  CHECK(e.allow.size() == 2);
  CHECK(e.max_bindings == 2);
  CHECK(e.digest_algorithms == std::vector<std::string>{"SHA-256", "MD5"});
  CHECK(c->endpoints.at(1).digest_algorithms.empty());  // [switch]'s list applies
  const auto& b = c->mapping_gateways.at(0);
  CHECK(b.auth == gateway_auth::ip_port);
  REQUIRE(b.addresses.size() == 2);
  CHECK(b.addresses[1].to_string() == "[2001:db8::7]:5062");
  const auto& p = c->mapping_gateways.at(1);
  CHECK(p.auth == gateway_auth::password);
  CHECK(p.username == "cust-c");
  CHECK(p.billing_mode == -1);
  const auto& r = c->routing_gateways.at(0);
  CHECK(r.transport == transport::tcp);
  CHECK(r.port == 5060);
  CHECK(r.prefixes == std::vector<std::string>{""});
  CHECK(r.strip == 2);
  CHECK(r.add == "+44");
}

TEST_CASE("a gateway's local pins one of the listen sockets, whichever comes first in the file",
          "[config][load]") {
  const auto c = must_parse(R"toml(
[[routing_gateway]]
local = "tcp:198.51.100.1:5060"
name = "carrier-tcp"
host = "198.51.100.20"
transport = "tcp"
prefixes = ["1"]
[[routing_gateway]]
name = "carrier-udp"
host = "198.51.100.21"
prefixes = ["2"]
local = "udp:198.51.100.1:5060"
[[routing_gateway]]
name = "carrier-any"
host = "198.51.100.22"
prefixes = ["3"]
[[mapping_gateway]]
name = "customer"
auth = "ip"
addresses = ["203.0.113.0/24"]
local = "udp:[::]:5060"
[switch]
listen = ["udp:203.0.113.1:5060", "udp:198.51.100.1:5060", "tcp:198.51.100.1:5060", "udp:[::]:5060"]
)toml");
  const auto& tcp = c->routing_gateways.at(0);
  REQUIRE(tcp.local);
  CHECK(tcp.local->to_string() == "tcp:198.51.100.1:5060");
  REQUIRE(c->routing_gateways.at(1).local);
  CHECK(c->routing_gateways.at(1).local->to_string() == "udp:198.51.100.1:5060");
  CHECK_FALSE(c->routing_gateways.at(2).local);
  REQUIRE(c->mapping_gateways.at(0).local);
  CHECK(c->mapping_gateways.at(0).local->to_string() == "udp:[::]:5060");
}

TEST_CASE("the shipped config loads, hardened but for site data", "[config][load][hardening]") {
  const std::string path = std::string(TOLLGATE_SOURCE_DIR) + "/packaging/tollgate.toml";
  auto loaded = load_file(path);
  INFO((loaded ? std::string() : loaded.message()));
  REQUIRE(loaded);
  const auto& c = *loaded.value();
  CHECK(c.source == path);
  CHECK(c.parameters.get(parameter::SS_ENDPOINTREGISTERSUSPEND) == 1);
  CHECK(c.parameters.get(parameter::SS_ENDPOINTREGISTERRETRY) == 5);
  CHECK(c.parameters.get(parameter::SS_ENDPOINTREGISTERSUSPENDTIME) == 600);
  CHECK(c.agent.state_dir == "/var/lib/tollgate");
  CHECK(c.agent.socket == "/run/tollgate/agent.sock");
  CHECK(c.sip.control_socket == "/run/tollgate/switch.sock");
  CHECK(c.sip.listen.size() == 4);
  CHECK(c.scanner_user_agents == default_scanner_user_agents());
  // The only findings left need the site's own data: its administrators' addresses.
  const auto findings = hardening_findings(c);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].id == "whitelist_empty");
  for (const auto& f : findings) CHECK(site_dependent(f.id));
}

TEST_CASE("a missing file is an error for load_file and the defaults for load_file_or_defaults", "[config][load]") {
  const std::string path = "/nonexistent/tollgate.toml";
  auto missing = load_file(path);
  REQUIRE_FALSE(missing);
  CHECK(missing.message() == "/nonexistent/tollgate.toml: cannot read: No such file or directory");
  auto defaults = load_file_or_defaults(path);
  REQUIRE(defaults);
  CHECK(defaults.value()->source.empty());
  CHECK(defaults.value()->agent.state_dir == "./var");
}

TEST_CASE("every error in a file is reported, each on its own line", "[config][load]") {
  auto loaded = parse("[switch]\nrealm = 5\n[agent]\nqueue = -1\n", "t.toml");
  REQUIRE_FALSE(loaded);
  CHECK(loaded.message() ==
        "t.toml:2:1: switch.realm must be a string (got integer)\n"
        "t.toml:4:1: agent.queue must be between 0 and 65535 (got -1)");
}
