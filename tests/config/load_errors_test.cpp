// Table-driven: each bad key or value, and the exact message an operator reads.
#include <catch2/catch.hpp>

#include "config/load.hpp"

using namespace tollgate::config;

namespace {

struct bad_case {
  const char* toml;
  const char* message;
};

const bad_case cases[] = {
    // Syntax, as toml++ reports it.
    {"[switch\n", "tollgate.toml:1:8: Error while parsing table header: expected ']', saw '\\n'"},
    {"[agent]\nqueue = 1\nqueue = 2\n",
     "tollgate.toml:3:9: Error while parsing key-value pair: cannot redefine existing integer 'queue'"},
    // Unknown sections and keys, with what is allowed.
    {"[swtich]\nrealm = \"x\"\n",
     "tollgate.toml:1:2: unknown section [swtich] (allowed: switch, agent, parameters, whitelist, inspector, endpoint, "
     "mapping_gateway, routing_gateway)"},
    {"realm = \"x\"\n",
     "tollgate.toml:1:1: unknown key realm (allowed: switch, agent, parameters, whitelist, inspector, endpoint, "
     "mapping_gateway, routing_gateway)"},
    {"[switch]\nlisen = []\n",
     "tollgate.toml:2:1: unknown key switch.lisen (allowed: listen, realm, nonce_lifetime, gateway_no_response_timeout, max_calls, max_calls_per_source, digest_algorithms, control_socket, cdr_retention, cdr_buffer, tcp_max_connections, tcp_max_connections_per_source, tcp_idle_timeout, tcp_header_timeout, tcp_min_rate, tcp_v6_source_prefix)"},
    {"[agent]\nstatedir = \"/x\"\n",
     "tollgate.toml:2:1: unknown key agent.statedir (allowed: socket, state_dir, table, queue, sip_ports, metrics, "
     "audit_retention)"},
    {"[whitelist]\ncidr = []\n", "tollgate.toml:2:1: unknown key whitelist.cidr (allowed: cidrs)"},
    {"[inspector]\nuser_agent = []\n", "tollgate.toml:2:1: unknown key inspector.user_agent (allowed: user_agents)"},
    {"[[endpoint]]\nname = \"1001\"\npasword = \"x\"\n",
     "tollgate.toml:1:1: endpoint[0] needs password, ha1_md5 or ha1_sha256\n"
     "tollgate.toml:3:1: unknown key endpoint[0].pasword (allowed: name, password, ha1_md5, ha1_sha256, allow, "
     "max_bindings, digest_algorithms)"},
    {"[switch]\n[switch.tls]\nport = 5061\n",
     "tollgate.toml:2:9: unknown key switch.tls (allowed: listen, realm, nonce_lifetime, gateway_no_response_timeout, max_calls, max_calls_per_source, digest_algorithms, control_socket, cdr_retention, cdr_buffer, tcp_max_connections, tcp_max_connections_per_source, tcp_idle_timeout, tcp_header_timeout, tcp_min_rate, tcp_v6_source_prefix)"},
    // Section shapes.
    {"switch = 5\n", "tollgate.toml:1:1: switch must be a table ([switch]), got integer"},
    {"[endpoint]\nname = \"1001\"\n",
     "tollgate.toml:1:2: endpoint must be an array of tables ([[endpoint]]), got table"},
    // [switch]
    {"[switch]\nlisten = \"udp:0.0.0.0:5060\"\n",
     "tollgate.toml:2:1: switch.listen must be an array of strings (got string)"},
    {"[switch]\nlisten = []\n", "tollgate.toml:2:1: switch.listen must list at least one address"},
    {"[switch]\nlisten = [\"udp:0.0.0.0:5060\", 5060]\n",
     "tollgate.toml:2:31: switch.listen[1] must be a string (got integer)"},
    {"[switch]\nlisten = [\"udp:0.0.0.0\"]\n",
     "tollgate.toml:2:11: switch.listen[0] \"udp:0.0.0.0\" is not a listen address (udp: or tcp:, address, port, e.g. "
     "\"udp:0.0.0.0:5060\" or \"tcp:[::]:5060\")"},
    {"[switch]\nlisten = [\"tls:[::]:5061\"]\n",
     "tollgate.toml:2:11: switch.listen[0] \"tls:[::]:5061\" is not a listen address (udp: or tcp:, address, port, "
     "e.g. "
     "\"udp:0.0.0.0:5060\" or \"tcp:[::]:5060\")"},
    {"[switch]\nlisten = [\"udp:[::]:5060\", \"udp:[::]:5060\"]\n",
     "tollgate.toml:2:28: switch.listen[1] \"udp:[::]:5060\" is listed twice"},
    {"[switch]\nrealm = 5\n", "tollgate.toml:2:1: switch.realm must be a string (got integer)"},
    {"[switch]\nrealm = \"\"\n", "tollgate.toml:2:1: switch.realm must not be empty"},
    {"[switch]\nrealm = \"my realm\"\n",
     "tollgate.toml:2:1: switch.realm \"my realm\" must be printable, without spaces, quotes, '@', ':', ';', '<' or "
     "'>'"},
    {"[switch]\nnonce_lifetime = 5\n",
     "tollgate.toml:2:1: switch.nonce_lifetime must be between 10 and 3600 seconds (got 5)"},
    {"[switch]\nnonce_lifetime = \"1 minute\"\n",
     "tollgate.toml:2:1: switch.nonce_lifetime \"1 minute\" is not a duration (seconds, or a number with s, m, h, d or "
     "w)"},
    {"[switch]\ngateway_no_response_timeout = 999\n",
     "tollgate.toml:2:1: switch.gateway_no_response_timeout must be between 1000 and 32000 (got 999)"},
    {"[switch]\ngateway_no_response_timeout = 32001\n",
     "tollgate.toml:2:1: switch.gateway_no_response_timeout must be between 1000 and 32000 (got 32001)"},
    {"[switch]\ngateway_no_response_timeout = \"5s\"\n",
     "tollgate.toml:2:1: switch.gateway_no_response_timeout must be an integer (got string)"},
    {"[switch]\nnonce_lifetime = 1.5\n",
     "tollgate.toml:2:1: switch.nonce_lifetime must be a number of seconds or a duration string (got float)"},
    {"[switch]\ndigest_algorithms = [\"SHA-512\"]\n",
     "tollgate.toml:2:22: switch.digest_algorithms[0] \"SHA-512\" must be one of MD5, SHA-256"},
    {"[switch]\ndigest_algorithms = [\"MD5\", \"md5\"]\n",
     "tollgate.toml:2:29: switch.digest_algorithms[1] \"md5\" is listed twice"},
    {"[switch]\ndigest_algorithms = []\n",
     "tollgate.toml:2:1: switch.digest_algorithms must list MD5, SHA-256 or both"},
    // [agent]
    {"[agent]\nsocket = \"\"\n", "tollgate.toml:2:1: agent.socket must not be empty"},
    {"[agent]\nstate_dir = 1\n", "tollgate.toml:2:1: agent.state_dir must be a string (got integer)"},
    {"[agent]\ntable = \"toll gate\"\n",
     "tollgate.toml:2:1: agent.table \"toll gate\" must be 1 to 32 letters, digits or '_'"},
    {"[agent]\nqueue = 65536\n", "tollgate.toml:2:1: agent.queue must be between 0 and 65535 (got 65536)"},
    {"[agent]\nqueue = \"0\"\n", "tollgate.toml:2:1: agent.queue must be an integer (got string)"},
    {"[agent]\nsip_ports = []\n", "tollgate.toml:2:1: agent.sip_ports must be a non-empty array of ports"},
    {"[agent]\nsip_ports = [5060, 0]\n", "tollgate.toml:2:20: agent.sip_ports[1] must be between 1 and 65535 (got 0)"},
    {"[agent]\nsip_ports = [\"5060\"]\n", "tollgate.toml:2:14: agent.sip_ports[0] must be an integer (got string)"},
    {"[agent]\nmetrics = \"localhost:9466\"\n",
     "tollgate.toml:2:1: agent.metrics \"localhost:9466\" is not an address:port (e.g. \"127.0.0.1:9466\" or "
     "\"[::1]:9466\")"},
    {"[agent]\naudit_retention = \"30m\"\n",
     "tollgate.toml:2:1: agent.audit_retention must be between 3600 and 315360000 seconds (got 1800)"},
    {"[switch]\ncdr_retention = \"12h\"\n",
     "tollgate.toml:2:1: switch.cdr_retention must be between 86400 and 315360000 seconds (got 43200)"},
    {"[switch]\ncdr_buffer = 10\n", "tollgate.toml:2:1: switch.cdr_buffer must be between 100 and 10000000 (got 10)"},
    {"[switch]\ntcp_max_connections = 0\n",
     "tollgate.toml:2:1: switch.tcp_max_connections must be between 8 and 1000000 (got 0)"},
    {"[switch]\ntcp_max_connections_per_source = 0\n",
     "tollgate.toml:2:1: switch.tcp_max_connections_per_source must be between 1 and 1000000 (got 0)"},
    {"[switch]\ntcp_max_connections = 16\ntcp_max_connections_per_source = 32\n",
     "tollgate.toml:3:34: switch.tcp_max_connections_per_source must be between 1 and switch.tcp_max_connections (16) (got 32)"},
    {"[switch]\ntcp_idle_timeout = 1\n",
     "tollgate.toml:2:1: switch.tcp_idle_timeout must be between 5 and 86400 seconds (got 1)"},
    {"[switch]\ntcp_header_timeout = \"10m\"\n",
     "tollgate.toml:2:1: switch.tcp_header_timeout must be between 1 and 300 seconds (got 600)"},
    {"[switch]\ntcp_min_rate = -1\n", "tollgate.toml:2:1: switch.tcp_min_rate must be between 0 and 1000000 (got -1)"},
    {"[switch]\ntcp_v6_source_prefix = 16\n",
     "tollgate.toml:2:1: switch.tcp_v6_source_prefix must be between 32 and 128 (got 16)"},
    {"[switch]\nmax_calls = 5\n", "tollgate.toml:2:1: switch.max_calls must be between 10 and 1000000 (got 5)"},
    {"[switch]\nmax_calls_per_source = 0\n",
     "tollgate.toml:2:1: switch.max_calls_per_source must be between 1 and 1000000 (got 0)"},
    // [parameters]
    {"[parameters]\nSS_ENDPOINTREGISTERRETRY = 0\n",
     "tollgate.toml:2:1: parameters.SS_ENDPOINTREGISTERRETRY must be between 1 and 100 (got 0)"},
    {"[parameters]\nss_endpointregistersuspendtime = 30\n",
     "tollgate.toml:2:1: parameters.SS_ENDPOINTREGISTERSUSPENDTIME must be between 60 and 86400 (got 30)"},
    {"[parameters]\nBLACKLIST_IPV6_PREFIX = 32\n",
     "tollgate.toml:2:1: parameters.BLACKLIST_IPV6_PREFIX must be between 48 and 128 (got 32)"},
    {"[parameters]\nSS_ENDPOINTREGISTERSUSPEND = \"on\"\n",
     "tollgate.toml:2:1: parameters.SS_ENDPOINTREGISTERSUSPEND must be an integer (got string)"},
    {"[parameters]\nBLACKLIST_WINDOW = true\n",
     "tollgate.toml:2:1: parameters.BLACKLIST_WINDOW must be an integer (got boolean)"},
    {"[parameters]\nBLACKLIST_WINDOW = 60\nblacklist_window = 90\n",
     "tollgate.toml:3:1: parameters.BLACKLIST_WINDOW is set twice (also at line 2)"},
    {"[parameters]\nBLACKLIST_WINDOWS = 60\n",
     "tollgate.toml:2:1: unknown key parameters.BLACKLIST_WINDOWS (`tollgatectl param list` shows the parameters)"},
    // [whitelist] and [inspector]
    {"[whitelist]\ncidrs = [\"192.0.2.10/32\", \"10.0.0.1/8\"]\n",
     "tollgate.toml:2:27: whitelist.cidrs[1] \"10.0.0.1/8\" is not a CIDR (address/length, host bits clear, e.g. "
     "\"192.0.2.0/24\")"},
    {"[whitelist]\ncidrs = [\"192.0.2.0/33\"]\n",
     "tollgate.toml:2:10: whitelist.cidrs[0] \"192.0.2.0/33\" is not a CIDR (address/length, host bits clear, e.g. "
     "\"192.0.2.0/24\")"},
    {"[whitelist]\ncidrs = [\"192.0.2.10\", \"192.0.2.10/32\"]\n",
     "tollgate.toml:2:24: whitelist.cidrs[1] \"192.0.2.10/32\" is listed twice"},
    {"[inspector]\nuser_agents = [\"\"]\n",
     "tollgate.toml:2:16: inspector.user_agents[0] must not be empty (it would match every User-Agent)"},
    // [[endpoint]]
    {"[[endpoint]]\npassword = \"Long-enough-pass-1\"\n", "tollgate.toml:1:1: endpoint[0].name is required"},
    {"[[endpoint]]\nname = \"1001\"\n", "tollgate.toml:1:1: endpoint[0] needs password, ha1_md5 or ha1_sha256"},
    {"[[endpoint]]\nname = \"10 01\"\npassword = \"x\"\n",
     "tollgate.toml:2:1: endpoint[0].name \"10 01\" is not a SIP user name (1 to 64 printable characters, no spaces, "
     "quotes, '@', ':', ';', '<' or '>')"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\nha1_md5 = \"0123456789abcdef0123456789abcdef\"\n",
     "tollgate.toml:4:1: endpoint[0]: give password or ha1_md5/ha1_sha256, not both"},
    {"[[endpoint]]\nname = \"1001\"\nha1_md5 = \"0123\"\n",
     "tollgate.toml:3:1: endpoint[0].ha1_md5 must be 32 hexadecimal digits, MD5(name:realm:password)"},
    {"[[endpoint]]\nname = \"1001\"\nha1_sha256 = \"0123456789abcdef0123456789abcdef\"\n",
     "tollgate.toml:3:1: endpoint[0].ha1_sha256 must be 64 hexadecimal digits, SHA-256(name:realm:password)"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\nallow = [\"not-a-cidr\"]\n",
     "tollgate.toml:4:10: endpoint[0].allow[0] \"not-a-cidr\" is not a CIDR (address/length, host bits clear, e.g. "
     "\"192.0.2.0/24\")"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\ndigest_algorithms = [\"MD5\", \"SHA1\"]\n",
     "tollgate.toml:4:29: endpoint[0].digest_algorithms[1] \"SHA1\" must be one of MD5, SHA-256"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\ndigest_algorithms = []\n",
     "tollgate.toml:4:1: endpoint[0].digest_algorithms must list MD5, SHA-256 or both"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\ndigest_algorithms = [\"sha-256\", \"SHA-256\"]\n",
     "tollgate.toml:4:33: endpoint[0].digest_algorithms[1] \"SHA-256\" is listed twice"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\ndigest_algorithms = \"MD5\"\n",
     "tollgate.toml:4:1: endpoint[0].digest_algorithms must be an array of strings (got string)"},
    {"[[endpoint]]\nname = \"1001\"\nha1_md5 = \"0123456789abcdef0123456789abcdef\"\ndigest_algorithms = [\"SHA-256\"]\n",
     "tollgate.toml:4:1: endpoint[0].digest_algorithms offers no algorithm the endpoint has an HA1 for (ha1_md5 only)"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\nmax_bindings = 0\n",
     "tollgate.toml:4:1: endpoint[0].max_bindings must be between 1 and 100 (got 0)"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\n\n[[endpoint]]\nname = \"1001\"\npassword = \"y\"\n",
     "tollgate.toml:5:1: endpoint[1].name \"1001\" is already used by the endpoint at line 1"},
    // [[mapping_gateway]]
    {"[[mapping_gateway]]\nname = \"a\"\naddresses = [\"198.51.100.0/24\"]\n",
     "tollgate.toml:1:1: mapping_gateway[0].auth is required (\"ip\", \"ip+port\" or \"password\")"},
    {"[[mapping_gateway]]\nname = \"a\"\nauth = \"ipport\"\n",
     "tollgate.toml:3:1: mapping_gateway[0].auth must be one of \"ip\", \"ip+port\", \"password\" (got \"ipport\")"},
    {"[[mapping_gateway]]\nname = \"a\"\nauth = \"ip\"\n",
     "tollgate.toml:1:1: mapping_gateway[0].addresses is required with auth = \"ip\""},
    {"[[mapping_gateway]]\nname = \"a\"\nauth = \"ip\"\naddresses = []\n",
     "tollgate.toml:4:1: mapping_gateway[0].addresses must list at least one CIDR"},
    {"[[mapping_gateway]]\nname = \"a\"\nauth = \"ip\"\naddresses = [\"198.51.100.7:5060\"]\n",
     "tollgate.toml:4:14: mapping_gateway[0].addresses[0] \"198.51.100.7:5060\" is not a CIDR (address/length, host "
     "bits "
     "clear, e.g. \"192.0.2.0/24\")"},
    {"[[mapping_gateway]]\nname = \"a\"\naddresses = [\"198.51.100.7\"]\nauth = \"ip+port\"\n",
     "tollgate.toml:3:14: mapping_gateway[0].addresses[0] \"198.51.100.7\" is not an address:port (e.g. "
     "\"198.51.100.7:5060\" or \"[2001:db8::7]:5060\")"},
    {"[[mapping_gateway]]\nname = \"a\"\nauth = \"ip\"\naddresses = [\"198.51.100.0/24\"]\npassword = \"x\"\n",
     "tollgate.toml:5:1: mapping_gateway[0].password is used only with auth = \"password\""},
    {"[[mapping_gateway]]\nname = \"a\"\nauth = \"password\"\nusername = \"a\"\n",
     "tollgate.toml:1:1: mapping_gateway[0].password is required with auth = \"password\""},
    {"[[mapping_gateway]]\nname = \"a\"\nauth = \"password\"\nusername = \"a\"\npassword = \"x\"\naddresses = []\n",
     "tollgate.toml:6:1: mapping_gateway[0].addresses is not used with auth = \"password\""},
    {"[[mapping_gateway]]\nname = \"a\"\nauth = \"ip\"\naddresses = [\"198.51.100.0/24\"]\nbilling_mode = 4\n",
     "tollgate.toml:5:1: mapping_gateway[0].billing_mode must be one of -1, 0, 1 (got 4)"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\n[[mapping_gateway]]\nname = \"1001\"\nauth = \"ip\"\n"
     "addresses = [\"198.51.100.0/24\"]\n",
     "tollgate.toml:4:1: mapping_gateway[0].name \"1001\" is already used by the endpoint at line 1"},
    {"[[endpoint]]\nname = \"1001\"\npassword = \"x\"\n[[mapping_gateway]]\nname = \"gw\"\nauth = \"password\"\n"
     "username = \"1001\"\npassword = \"y\"\n",
     "tollgate.toml:4:1: mapping_gateway[0].username \"1001\" is already used by the endpoint at line 1"},
    // [[routing_gateway]]
    {"[[routing_gateway]]\nname = \"c\"\nprefixes = [\"00\"]\n",
     "tollgate.toml:1:1: routing_gateway[0].host is required"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\n",
     "tollgate.toml:1:1: routing_gateway[0].prefixes is required (\"\" matches every number)"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"bad host\"\nprefixes = [\"00\"]\n",
     "tollgate.toml:3:1: routing_gateway[0].host \"bad host\" is not an IP address or a host name"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"00\"]\nport = 0\n",
     "tollgate.toml:5:1: routing_gateway[0].port must be between 1 and 65535 (got 0)"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"00\"]\ntransport = \"tls\"\n",
     "tollgate.toml:5:1: routing_gateway[0].transport must be one of \"udp\", \"tcp\" (got \"tls\")"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"00\", \"4x\"]\n",
     "tollgate.toml:4:19: routing_gateway[0].prefixes[1] \"4x\" may hold only digits, '+', '*' and '#'"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"00\"]\nstrip = 40\n",
     "tollgate.toml:5:1: routing_gateway[0].strip must be between 0 and 32 (got 40)"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"00\"]\nauth_username = \"u\"\n",
     "tollgate.toml:1:1: routing_gateway[0]: auth_username and auth_password go together"},
    // local: one of [switch] listen, of the gateway's transport.
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"1\"]\nlocal = \"192.0.2.1:5060\"\n",
     "tollgate.toml:5:1: routing_gateway[0].local \"192.0.2.1:5060\" is not a listen address (udp: or tcp:, address, "
     "port, e.g. \"udp:198.51.100.1:5060\")"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"1\"]\nlocal = 5060\n",
     "tollgate.toml:5:1: routing_gateway[0].local must be a string (got integer)"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"1\"]\nlocal = \"udp:192.0.2.9:5060\"\n"
     "[switch]\nlisten = [\"udp:203.0.113.1:5060\", \"tcp:203.0.113.1:5060\", \"udp:198.51.100.1:5060\"]\n",
     "tollgate.toml:5:1: routing_gateway[0].local \"udp:192.0.2.9:5060\" names no listen socket (allowed: "
     "\"udp:203.0.113.1:5060\", \"udp:198.51.100.1:5060\", from switch.listen)"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"1\"]\nlocal = \"udp:127.0.0.1:5080\"\n",
     "tollgate.toml:5:1: routing_gateway[0].local \"udp:127.0.0.1:5080\" names no listen socket (allowed: "
     "\"udp:127.0.0.1:5060\", from switch.listen)"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"1\"]\nlocal = \"tcp:127.0.0.1:5060\"\n",
     "tollgate.toml:5:1: routing_gateway[0].local \"tcp:127.0.0.1:5060\" is a tcp socket but the gateway's transport "
     "is udp"},
    {"[[mapping_gateway]]\nname = \"a\"\nauth = \"ip\"\naddresses = [\"198.51.100.0/24\"]\nlocal = \"tcp:[::]:5060\"\n",
     "tollgate.toml:5:1: mapping_gateway[0].local \"tcp:[::]:5060\" names no listen socket (allowed: "
     "\"udp:127.0.0.1:5060\", \"tcp:127.0.0.1:5060\", from switch.listen)"},
    {"[[routing_gateway]]\nname = \"c\"\nhost = \"192.0.2.50\"\nprefixes = [\"1\"]\n[[routing_gateway]]\nname = \"c\"\n"
     "host = \"192.0.2.51\"\nprefixes = [\"2\"]\n",
     "tollgate.toml:5:1: routing_gateway[1].name \"c\" is already used by the routing_gateway at line 1"},
};

}  // namespace

// Positions are toml++'s: a key's first character (so "[swtich]" is at column 2), a
// value's for array elements, the "[[...]]" header for what a whole entry lacks.
TEST_CASE("each bad key or value is refused with file, line, column, key and what is allowed", "[config][load]") {
  for (const auto& c : cases) {
    INFO("config:\n" << c.toml);
    auto loaded = parse(c.toml, "tollgate.toml");
    REQUIRE_FALSE(loaded);
    CHECK(loaded.message() == c.message);
  }
}
