// The configuration: product.md section 8's file as an immutable value, with the built-in
// defaults used when there is no file.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ip_address.hpp"
#include "config/address.hpp"
#include "policy/parameters.hpp"

namespace tollgate::config {

/// [switch]
struct switch_section {
  std::vector<listen_address> listen;
  std::string realm = "tollgate";
  std::chrono::seconds nonce_lifetime{60};
  /// Milliseconds a routing gateway may leave a B leg INVITE without any response (not
  /// even 100 Trying) before the attempt is abandoned for the next gateway, or 408.
  std::chrono::milliseconds gateway_no_response_timeout{5000};
  /// Calls in progress at once, all sources together; an authorized INVITE beyond gets 503.
  /// This protects the host (each call holds its messages); per-account line limits are
  /// the fraud guard's.
  std::size_t max_calls = 10'000;
  /// Calls in progress at once from one source address (an IPv6 source counts by its /64),
  /// since a UDP trunk's address can be spoofed.
  std::size_t max_calls_per_source = 1'000;
  /// "MD5" and/or "SHA-256", in the order challenges offer them.
  // MD5 only: phones such as baresip 1.0 fail on a 401/407 that also offers SHA-256.
  std::vector<std::string> digest_algorithms{"MD5"};
  /// The switch's control socket (registrations, trace, reload); empty: switch.sock in
  /// the agent socket's directory (./var/switch.sock with the built-in defaults).
  std::string control_socket;
  /// CDRs (and illegal-call CDRs) older than this are pruned from switch.db.
  std::chrono::seconds cdr_retention{std::chrono::days{90}};
  /// CDR rows kept in memory while switch.db cannot be written; beyond, the oldest are
  /// dropped and counted. About 0.5 KB a row.
  std::size_t cdr_buffer = 100'000;
  /// SIP over TCP, per `tcp:` listen address. Connections at once (accepted and opened by
  /// the switch); at the limit the weakest untrusted connection is evicted for a newcomer.
  std::size_t tcp_max_connections = 4096;
  /// Accepted connections per source (an IPv4 address, or an IPv6 network of
  /// tcp_v6_source_prefix bits). Sources with a live registration and gateways are exempt.
  std::size_t tcp_max_connections_per_source = 64;
  /// A connection with nothing received for this long is closed.
  std::chrono::seconds tcp_idle_timeout{300};
  /// From a message's first byte to the end of its header section, at most.
  std::chrono::seconds tcp_header_timeout{10};
  /// Bytes a second, averaged over each tcp_rate_window while a message is incomplete;
  /// slower connections are closed. 0: no minimum.
  std::size_t tcp_min_rate = 64;
  /// IPv6 sources are counted per network of this many bits (one /64 is one site).
  unsigned tcp_v6_source_prefix = 64;
};

/// The window tcp_min_rate is averaged over.
inline constexpr std::chrono::seconds tcp_rate_window{5};

/// [agent]
struct agent_section {
  std::string socket;
  std::string state_dir;
  std::string table = "tollgate";  // nftables table name, family inet
  std::uint16_t queue = 0;         // NFQUEUE number
  std::vector<std::uint16_t> sip_ports{5060};
  std::optional<socket_address> metrics;  // Prometheus listener; off when absent
  std::chrono::seconds audit_retention{std::chrono::days{90}};
};

/// [[endpoint]]: a SIP account that registers and calls. Exactly one way to check its
/// digest: a password, or HA1 values (MD5(name:realm:password), hex) for one or both
/// algorithms, which then hold only for the configured realm.
struct endpoint {
  std::string name;
  std::string password;
  std::string ha1_md5;                 // 32 lower-case hex digits, or empty
  std::string ha1_sha256;              // 64 lower-case hex digits, or empty
  std::vector<base::ip_prefix> allow;  // empty: from anywhere
  unsigned max_bindings = 5;
  /// "MD5" and/or "SHA-256" offered to this endpoint, in order; empty: [switch]'s list.
  std::vector<std::string> digest_algorithms;
  unsigned line = 0;  // where it is defined, for messages
};

enum class gateway_auth : std::uint8_t { ip, ip_port, password };
/// "ip", "ip+port", "password".
std::string_view to_string(gateway_auth auth);

/// [[mapping_gateway]]: a customer trunk whose INVITEs are authorized by source.
struct mapping_gateway {
  std::string name;
  gateway_auth auth = gateway_auth::ip;
  std::vector<base::ip_prefix> networks;  // auth = ip
  std::vector<socket_address> addresses;  // auth = ip+port
  std::string username;                   // auth = password
  std::string password;                   // auth = password
  int billing_mode = 1;                   // product.md section 4: -1 none, 0 endpoint, 1 gateway
  /// `local`: one of [switch] listen; requests the switch sends to this gateway on a call's
  /// A leg of that transport (BYE, relayed re-INVITE) leave from it, and Contact names it.
  /// Responses still leave from the address their request arrived on. nullopt: that address.
  std::optional<listen_address> local;
  unsigned line = 0;
};

/// [[routing_gateway]]: a carrier calls are sent to by longest prefix.
struct routing_gateway {
  std::string name;
  std::string host;  // IP address or DNS name
  std::uint16_t port = 5060;
  tollgate::config::transport transport = tollgate::config::transport::udp;
  std::vector<std::string> prefixes;  // "" matches every number
  unsigned strip = 0;                 // digits removed from the front before `add`
  std::string add;
  std::string auth_username;  // both or neither: answers the carrier's 401/407
  std::string auth_password;
  /// `local`: one of [switch] listen, of this gateway's transport, that calls to it leave
  /// from and that Via and Contact name (Kamailio's force_send_socket). nullopt: the listen
  /// socket whose address the kernel would choose as source towards the gateway.
  std::optional<listen_address> local;
  unsigned line = 0;
};

/// The scanner User-Agents of product.md section 3 (policy's list), used when [inspector]
/// does not list any.
const std::vector<std::string>& default_scanner_user_agents();

/// Everything the file says, validated. Built once and shared read-only
/// (std::shared_ptr<const config>); a reload builds a new one.
struct config {
  /// The file it came from, or empty for built-in defaults.
  std::string source;
  switch_section sip;  // [switch]
  agent_section agent;
  /// Every parameter: origin `config` for those set in [parameters], `default` otherwise.
  policy::parameter_set parameters;
  std::vector<base::ip_prefix> whitelist;
  std::vector<std::string> scanner_user_agents;
  std::vector<endpoint> endpoints;
  std::vector<mapping_gateway> mapping_gateways;
  std::vector<routing_gateway> routing_gateways;

  const endpoint* find_endpoint(std::string_view name) const;
  /// Every configured gateway address as a network (mapping gateways' networks and
  /// ip+port addresses, routing gateways given by IP): sources never blocked automatically.
  std::vector<base::ip_prefix> gateway_networks() const;
  const mapping_gateway* find_mapping_gateway(std::string_view name) const;
  const routing_gateway* find_routing_gateway(std::string_view name) const;
};

/// The built-in defaults, for running with no file at all (product.md section 1): the
/// switch on udp and tcp 127.0.0.1:5060 (loopback only, so that a first run exposes
/// nothing), state and the agent socket in ./var (./var/agent.sock), VOS3000's default
/// parameters, the default scanner list, no endpoints, no gateways, empty whitelist.
config built_in_defaults();

}  // namespace tollgate::config
