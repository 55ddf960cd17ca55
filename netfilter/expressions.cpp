// The nf_tables expressions our rules use, matching `nft --debug=netlink` output byte for byte.
#include "netfilter/expressions.hpp"

#include <netinet/in.h>  // before the linux/ headers, which would define in_addr again

#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netfilter/x_tables.h>

#include <cstdlib>
#include <cstring>

namespace tollgate::netfilter::expr {
namespace {

nftnl_expr* make(const char* name) { return nftnl_expr_alloc(name); }

}  // namespace

void meta_load(nftnl_rule* rule, std::uint32_t key) {
  auto* e = make("meta");
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
  nftnl_rule_add_expr(rule, e);
}

void cmp_eq(nftnl_rule* rule, std::span<const std::uint8_t> data) {
  auto* e = make("cmp");
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
  nftnl_expr_set_data(e, NFTNL_EXPR_CMP_DATA, data.data(), static_cast<std::uint32_t>(data.size()));
  nftnl_rule_add_expr(rule, e);
}

void cmp_eq_u8(nftnl_rule* rule, std::uint8_t value) { cmp_eq(rule, std::span{&value, 1}); }

void payload_load(nftnl_rule* rule, std::uint32_t base, std::uint32_t offset, std::uint32_t len) {
  auto* e = make("payload");
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
  nftnl_rule_add_expr(rule, e);
}

void mask_prefix(nftnl_rule* rule, std::uint32_t len, unsigned prefix) {
  std::uint8_t mask[16] = {};
  std::uint8_t zero[16] = {};
  for (unsigned bit = 0; bit < prefix && bit < len * 8; ++bit) mask[bit / 8] |= static_cast<std::uint8_t>(0x80u >> (bit % 8));
  auto* e = make("bitwise");
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
  nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
  nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
  nftnl_rule_add_expr(rule, e);
}

void lookup(nftnl_rule* rule, const std::string& set, bool invert) {
  auto* e = make("lookup");
  nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
  nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set.c_str());
  if (invert) nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
  nftnl_rule_add_expr(rule, e);
}

void verdict(nftnl_rule* rule, int code, const char* chain) {
  auto* e = make("immediate");
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, static_cast<std::uint32_t>(code));
  if (chain != nullptr) nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
  nftnl_rule_add_expr(rule, e);
}

void counter_ref(nftnl_rule* rule, const std::string& name) {
  auto* e = make("objref");
  nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE, NFT_OBJECT_COUNTER);
  nftnl_expr_set_str(e, NFTNL_EXPR_OBJREF_IMM_NAME, name.c_str());
  nftnl_rule_add_expr(rule, e);
}

void meter_limit_over(nftnl_rule* rule, const std::string& set, std::uint32_t per_minute,
                      std::uint32_t burst) {
  auto* limit = make("limit");
  nftnl_expr_set_u64(limit, NFTNL_EXPR_LIMIT_RATE, per_minute);
  nftnl_expr_set_u64(limit, NFTNL_EXPR_LIMIT_UNIT, 60);
  nftnl_expr_set_u32(limit, NFTNL_EXPR_LIMIT_BURST, burst);
  nftnl_expr_set_u32(limit, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
  nftnl_expr_set_u32(limit, NFTNL_EXPR_LIMIT_FLAGS, NFT_LIMIT_F_INV);

  auto* e = make("dynset");
  nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
  nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME, set.c_str());
  nftnl_expr_set(e, NFTNL_EXPR_DYNSET_EXPR, limit, 0);  // the dynset owns `limit` from here
  nftnl_rule_add_expr(rule, e);
}

void queue_native(nftnl_rule* rule, std::uint16_t num, bool bypass) {
  auto* e = make("queue");
  nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, num);
  nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_TOTAL, 1);
  if (bypass) nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_FLAGS, NFT_QUEUE_FLAG_BYPASS);
  nftnl_rule_add_expr(rule, e);
}

void queue_compat(nftnl_rule* rule, std::uint16_t num, bool bypass) {
  const std::size_t size = XT_ALIGN(sizeof(xt_NFQ_info_v3));
  // libnftnl takes ownership of the info buffer and frees it with free().
  auto* info = static_cast<xt_NFQ_info_v3*>(std::calloc(1, size));
  info->queuenum = num;
  info->queues_total = 1;
  info->flags = bypass ? NFQ_FLAG_BYPASS : 0;
  auto* e = make("target");
  nftnl_expr_set_str(e, NFTNL_EXPR_TG_NAME, "NFQUEUE");
  nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, 3);
  nftnl_expr_set(e, NFTNL_EXPR_TG_INFO, info, static_cast<std::uint32_t>(size));
  nftnl_rule_add_expr(rule, e);
}

void match_nfproto(nftnl_rule* rule, std::uint8_t nfproto) {
  meta_load(rule, NFT_META_NFPROTO);
  cmp_eq_u8(rule, nfproto);
}

void match_saddr_v4(nftnl_rule* rule) {
  match_nfproto(rule, NFPROTO_IPV4);
  payload_load(rule, NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
}

void match_saddr_v6(nftnl_rule* rule) {
  match_nfproto(rule, NFPROTO_IPV6);
  payload_load(rule, NFT_PAYLOAD_NETWORK_HEADER, 8, 16);
}

void match_udp_dport_in(nftnl_rule* rule, const std::string& port_set) {
  meta_load(rule, NFT_META_L4PROTO);
  cmp_eq_u8(rule, IPPROTO_UDP);
  payload_load(rule, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
  lookup(rule, port_set);
}

void match_udp_payload_register(nftnl_rule* rule) {
  static constexpr std::uint8_t register_bytes[] = {'R', 'E', 'G', 'I', 'S', 'T', 'E', 'R'};
  // The UDP header is 8 bytes: the payload starts at transport header + 8.
  payload_load(rule, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 8);
  cmp_eq(rule, register_bytes);
}

}  // namespace tollgate::netfilter::expr
