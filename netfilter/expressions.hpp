// The nf_tables expressions our rules use, each appended to a rule as `nft` would encode it.
#pragma once

#include <libnftnl/rule.h>

#include <cstdint>
#include <span>
#include <string>

namespace tollgate::netfilter::expr {

/// meta load KEY => reg 1 (NFT_META_NFPROTO, NFT_META_L4PROTO).
void meta_load(nftnl_rule* rule, std::uint32_t key);
/// cmp eq reg 1 DATA.
void cmp_eq(nftnl_rule* rule, std::span<const std::uint8_t> data);
void cmp_eq_u8(nftnl_rule* rule, std::uint8_t value);
/// payload load LEN b @ BASE + OFFSET => reg 1.
void payload_load(nftnl_rule* rule, std::uint32_t base, std::uint32_t offset, std::uint32_t len);
/// bitwise reg 1 = (reg 1 & MASK) ^ 0: keeps the first `prefix` bits of a LEN-byte key.
void mask_prefix(nftnl_rule* rule, std::uint32_t len, unsigned prefix);
/// lookup reg 1 set NAME (invert: "!= @NAME").
void lookup(nftnl_rule* rule, const std::string& set, bool invert = false);
/// immediate reg 0 VERDICT (NF_ACCEPT, NF_DROP, NFT_RETURN, NFT_JUMP with a chain).
void verdict(nftnl_rule* rule, int code, const char* chain = nullptr);
/// objref type counter name NAME: count into a named counter.
void counter_ref(nftnl_rule* rule, const std::string& name);
/// dynset update reg_key 1 set NAME expr [ limit rate over PER_MINUTE/minute burst B packets ].
void meter_limit_over(nftnl_rule* rule, const std::string& set, std::uint32_t per_minute,
                      std::uint32_t burst);
/// queue num N bypass (native, needs CONFIG_NFT_QUEUE).
void queue_native(nftnl_rule* rule, std::uint16_t num, bool bypass);
/// target name NFQUEUE rev 3 with xt_NFQ_info_v3 (through nft_compat).
void queue_compat(nftnl_rule* rule, std::uint16_t num, bool bypass);

/// Shorthands for the matches every rule starts with.
void match_nfproto(nftnl_rule* rule, std::uint8_t nfproto);
void match_saddr_v4(nftnl_rule* rule);  // nfproto ipv4 + ip saddr => reg 1
void match_saddr_v6(nftnl_rule* rule);  // nfproto ipv6 + ip6 saddr => reg 1
void match_udp_dport_in(nftnl_rule* rule, const std::string& port_set);
/// "REGISTER" as the first 8 bytes of the UDP payload.
void match_udp_payload_register(nftnl_rule* rule);

}  // namespace tollgate::netfilter::expr
