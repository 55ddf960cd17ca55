// What our nftables table should look like: names, SIP ports, REGISTER rate, queue.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tollgate::netfilter {

/// How the NFQUEUE rule is written: the native `queue` expression (CONFIG_NFT_QUEUE) or the
/// xt NFQUEUE target through nft_compat. Probed at start (see firewall::probe_queue_kind).
enum class queue_kind : std::uint8_t { native, compat };

/// The REGISTER rate limit per source address; rate 0 turns it off.
struct register_rate {
  std::uint32_t per_minute = 10;  // REGISTER_RATE_LIMIT
  std::uint32_t burst = 10;       // REGISTER_RATE_BURST
  friend bool operator==(const register_rate&, const register_rate&) = default;
};

struct table_spec {
  std::string table = "tollgate";  // always family inet
  std::vector<std::uint16_t> sip_ports{5060};
  register_rate rate;
  bool inspect = true;              // INSPECT_ENABLE: queue UDP SIP to the inspector
  std::uint16_t queue_num = 0;
  queue_kind queue = queue_kind::compat;
  std::uint32_t meter_size = 65535;  // sources tracked by each REGISTER meter
  /// IPv6 sources share one REGISTER budget per prefix of this length (as the blacklist
  /// treats an IPv6 source as a prefix, BLACKLIST_IPV6_PREFIX), so that rotating addresses
  /// inside one's own /64 does not multiply the allowance. 128 meters each address.
  std::uint8_t meter_v6_prefix = 64;
};

/// Names of the objects inside the table, shared by builder, parser and tests.
namespace names {
inline constexpr const char* block_v4 = "block_v4";          // IPv4 hosts: a hash, fast in bulk
inline constexpr const char* block_net_v4 = "block_net_v4";  // IPv4 prefixes shorter than /32
inline constexpr const char* block_v6 = "block_v6";
inline constexpr const char* allow_v4 = "allow_v4";
inline constexpr const char* allow_v6 = "allow_v6";
inline constexpr const char* trusted_v4 = "trusted_v4";
inline constexpr const char* trusted_v6 = "trusted_v6";
inline constexpr const char* sip_ports = "sip_ports";
inline constexpr const char* rate_v4 = "register_meter_v4";
inline constexpr const char* rate_v6 = "register_meter_v6";
inline constexpr const char* prerouting = "prerouting";
inline constexpr const char* register_rate = "register_rate";
inline constexpr const char* input = "input";
inline constexpr const char* counter_blocked = "drop_blocked";
inline constexpr const char* counter_register_rate = "drop_register_rate";
}  // namespace names

/// The priority of our prerouting chain: raw (-300), before connection tracking, so a new
/// block also cuts an established flow.
inline constexpr int prerouting_priority = -300;
/// The input chain that queues to the inspector runs at filter priority.
inline constexpr int input_priority = 0;

}  // namespace tollgate::netfilter
