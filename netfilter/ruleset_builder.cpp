// Builds the transactions that create, reconcile, retune and remove our table.
#include "netfilter/ruleset_builder.hpp"

#include "netfilter/expressions.hpp"
#include "netfilter/handles.hpp"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <functional>

namespace tollgate::netfilter {
namespace {

// nftables datatype ids (nft's src/datatype.h), so that `nft list` prints our sets.
constexpr std::uint32_t type_ipv4_addr = 7;
constexpr std::uint32_t type_ipv6_addr = 8;
constexpr std::uint32_t type_inet_service = 13;

struct set_def {
  const char* name;
  std::uint32_t key_type;
  std::uint32_t key_len;
  std::uint32_t flags;
  std::uint64_t timeout_ms;  // default timeout, 0 = none
  std::uint32_t size;        // 0 = unbounded
};

void add_rule(nft_batch& b, const std::string& table, const char* chain, const std::string& what,
              const std::function<void(nftnl_rule*)>& fill) {
  auto rule = make_rule();
  nftnl_rule_set_str(rule.get(), NFTNL_RULE_TABLE, table.c_str());
  nftnl_rule_set_str(rule.get(), NFTNL_RULE_CHAIN, chain);
  nftnl_rule_set_u32(rule.get(), NFTNL_RULE_FAMILY, NFPROTO_INET);
  fill(rule.get());
  b.add(NFT_MSG_NEWRULE, NFPROTO_INET, NLM_F_CREATE | NLM_F_APPEND,
        std::string{"rule in chain "} + chain + " (" + what + ")",
        [&](nlmsghdr* nlh) { nftnl_rule_nlmsg_build_payload(nlh, rule.get()); });
}

void add_base_chain(nft_batch& b, const std::string& table, const char* name, std::uint32_t hook,
                    int priority) {
  auto chain = make_chain();
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, table.c_str());
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, name);
  nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_FAMILY, NFPROTO_INET);
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TYPE, "filter");
  nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_HOOKNUM, hook);
  nftnl_chain_set_s32(chain.get(), NFTNL_CHAIN_PRIO, priority);
  nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_POLICY, NF_ACCEPT);
  b.add(NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE, std::string{"chain "} + name,
        [&](nlmsghdr* nlh) { nftnl_chain_nlmsg_build_payload(nlh, chain.get()); });
}

void add_regular_chain(nft_batch& b, const std::string& table, const char* name) {
  auto chain = make_chain();
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, table.c_str());
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, name);
  nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_FAMILY, NFPROTO_INET);
  b.add(NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE, std::string{"chain "} + name,
        [&](nlmsghdr* nlh) { nftnl_chain_nlmsg_build_payload(nlh, chain.get()); });
}

void add_set(nft_batch& b, const std::string& table, const set_def& def, std::uint32_t id) {
  auto set = make_set();
  nftnl_set_set_str(set.get(), NFTNL_SET_TABLE, table.c_str());
  nftnl_set_set_str(set.get(), NFTNL_SET_NAME, def.name);
  nftnl_set_set_u32(set.get(), NFTNL_SET_FAMILY, NFPROTO_INET);
  nftnl_set_set_u32(set.get(), NFTNL_SET_KEY_TYPE, def.key_type);
  nftnl_set_set_u32(set.get(), NFTNL_SET_KEY_LEN, def.key_len);
  nftnl_set_set_u32(set.get(), NFTNL_SET_FLAGS, def.flags);
  nftnl_set_set_u32(set.get(), NFTNL_SET_ID, id);
  if (def.timeout_ms != 0) nftnl_set_set_u64(set.get(), NFTNL_SET_TIMEOUT, def.timeout_ms);
  if (def.size != 0) nftnl_set_set_u32(set.get(), NFTNL_SET_DESC_SIZE, def.size);
  b.add(NFT_MSG_NEWSET, NFPROTO_INET, NLM_F_CREATE, std::string{"set "} + def.name,
        [&](nlmsghdr* nlh) { nftnl_set_nlmsg_build_payload(nlh, set.get()); });
}

void flush_set(nft_batch& b, const std::string& table, const char* name) {
  auto set = make_set();
  nftnl_set_set_str(set.get(), NFTNL_SET_TABLE, table.c_str());
  nftnl_set_set_str(set.get(), NFTNL_SET_NAME, name);
  nftnl_set_set_u32(set.get(), NFTNL_SET_FAMILY, NFPROTO_INET);
  b.add(NFT_MSG_DELSETELEM, NFPROTO_INET, 0, std::string{"flush set "} + name,
        [&](nlmsghdr* nlh) { nftnl_set_elems_nlmsg_build_payload(nlh, set.get()); });
}

void table_message(nft_batch& b, std::uint16_t type, std::uint16_t flags, const std::string& name,
                   const std::string& object) {
  auto table = make_table();
  nftnl_table_set_str(table.get(), NFTNL_TABLE_NAME, name.c_str());
  nftnl_table_set_u32(table.get(), NFTNL_TABLE_FAMILY, NFPROTO_INET);
  b.add(type, NFPROTO_INET, flags, object,
        [&](nlmsghdr* nlh) { nftnl_table_nlmsg_build_payload(nlh, table.get()); });
}

void queue_rule(nftnl_rule* rule, const table_spec& spec) {
  if (spec.queue == queue_kind::native) {
    expr::queue_native(rule, spec.queue_num, true);
  } else {
    expr::queue_compat(rule, spec.queue_num, true);
  }
}

}  // namespace

void ruleset_builder::add_table(nft_batch& b) const {
  table_message(b, NFT_MSG_NEWTABLE, NLM_F_CREATE, spec_.table, "table inet " + spec_.table);
}

void ruleset_builder::add_counters(nft_batch& b) const {
  for (const char* name : {names::counter_blocked, names::counter_register_rate}) {
    auto obj = make_obj();
    nftnl_obj_set_str(obj.get(), NFTNL_OBJ_TABLE, spec_.table.c_str());
    nftnl_obj_set_str(obj.get(), NFTNL_OBJ_NAME, name);
    nftnl_obj_set_u32(obj.get(), NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
    nftnl_obj_set_u32(obj.get(), NFTNL_OBJ_FAMILY, NFPROTO_INET);
    b.add(NFT_MSG_NEWOBJ, NFPROTO_INET, NLM_F_CREATE, std::string{"counter "} + name,
          [&](nlmsghdr* nlh) { nftnl_obj_nlmsg_build_payload(nlh, obj.get()); });
  }
}

void ruleset_builder::add_sets(nft_batch& b) const {
  const set_def defs[] = {
      {names::block_v4, type_ipv4_addr, 4, NFT_SET_TIMEOUT, 0, 0},
      {names::block_net_v4, type_ipv4_addr, 4, NFT_SET_INTERVAL | NFT_SET_TIMEOUT, 0, 0},
      {names::block_v6, type_ipv6_addr, 16, NFT_SET_INTERVAL | NFT_SET_TIMEOUT, 0, 0},
      {names::allow_v4, type_ipv4_addr, 4, NFT_SET_INTERVAL, 0, 0},
      {names::allow_v6, type_ipv6_addr, 16, NFT_SET_INTERVAL, 0, 0},
      {names::trusted_v4, type_ipv4_addr, 4, NFT_SET_INTERVAL, 0, 0},
      {names::trusted_v6, type_ipv6_addr, 16, NFT_SET_INTERVAL, 0, 0},
      {names::sip_ports, type_inet_service, 2, 0, 0, 0},
      // Meters: a source is forgotten a minute after its last REGISTER.
      {names::rate_v4, type_ipv4_addr, 4, NFT_SET_EVAL | NFT_SET_TIMEOUT, 60000, spec_.meter_size},
      {names::rate_v6, type_ipv6_addr, 16, NFT_SET_EVAL | NFT_SET_TIMEOUT, 60000, spec_.meter_size},
  };
  std::uint32_t id = 1;
  for (const auto& def : defs) add_set(b, spec_.table, def, id++);
}

void ruleset_builder::add_sip_ports(nft_batch& b) const {
  flush_set(b, spec_.table, names::sip_ports);
  if (spec_.sip_ports.empty()) return;
  auto set = make_set();
  nftnl_set_set_str(set.get(), NFTNL_SET_TABLE, spec_.table.c_str());
  nftnl_set_set_str(set.get(), NFTNL_SET_NAME, names::sip_ports);
  nftnl_set_set_u32(set.get(), NFTNL_SET_FAMILY, NFPROTO_INET);
  for (const auto port : spec_.sip_ports) {
    auto* e = nftnl_set_elem_alloc();
    const std::uint16_t key = htons(port);
    nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &key, sizeof key);
    nftnl_set_elem_add(set.get(), e);
  }
  b.add(NFT_MSG_NEWSETELEM, NFPROTO_INET, NLM_F_CREATE, "elements of set sip_ports",
        [&](nlmsghdr* nlh) { nftnl_set_elems_nlmsg_build_payload(nlh, set.get()); });
}

void ruleset_builder::add_chains(nft_batch& b) const {
  add_regular_chain(b, spec_.table, names::register_rate);
  add_base_chain(b, spec_.table, names::prerouting, NF_INET_PRE_ROUTING, prerouting_priority);
  add_base_chain(b, spec_.table, names::input, NF_INET_LOCAL_IN, input_priority);
}

void ruleset_builder::flush_chain(nft_batch& b, const char* chain) const {
  auto rule = make_rule();
  nftnl_rule_set_str(rule.get(), NFTNL_RULE_TABLE, spec_.table.c_str());
  nftnl_rule_set_str(rule.get(), NFTNL_RULE_CHAIN, chain);
  nftnl_rule_set_u32(rule.get(), NFTNL_RULE_FAMILY, NFPROTO_INET);
  b.add(NFT_MSG_DELRULE, NFPROTO_INET, 0, std::string{"flush chain "} + chain,
        [&](nlmsghdr* nlh) { nftnl_rule_nlmsg_build_payload(nlh, rule.get()); });
}

void ruleset_builder::add_prerouting_rules(nft_batch& b) const {
  const auto& t = spec_.table;
  const char* chain = names::prerouting;
  add_rule(b, t, chain, "allow v4", [](nftnl_rule* r) {
    expr::match_saddr_v4(r);
    expr::lookup(r, names::allow_v4);
    expr::verdict(r, NF_ACCEPT);
  });
  add_rule(b, t, chain, "allow v6", [](nftnl_rule* r) {
    expr::match_saddr_v6(r);
    expr::lookup(r, names::allow_v6);
    expr::verdict(r, NF_ACCEPT);
  });
  add_rule(b, t, chain, "block v4", [](nftnl_rule* r) {
    expr::match_saddr_v4(r);
    expr::lookup(r, names::block_v4);
    expr::counter_ref(r, names::counter_blocked);
    expr::verdict(r, NF_DROP);
  });
  add_rule(b, t, chain, "block v4 networks", [](nftnl_rule* r) {
    expr::match_saddr_v4(r);
    expr::lookup(r, names::block_net_v4);
    expr::counter_ref(r, names::counter_blocked);
    expr::verdict(r, NF_DROP);
  });
  add_rule(b, t, chain, "block v6", [](nftnl_rule* r) {
    expr::match_saddr_v6(r);
    expr::lookup(r, names::block_v6);
    expr::counter_ref(r, names::counter_blocked);
    expr::verdict(r, NF_DROP);
  });
  add_rule(b, t, chain, "REGISTER to rate limit", [](nftnl_rule* r) {
    expr::match_udp_dport_in(r, names::sip_ports);
    expr::match_udp_payload_register(r);
    expr::verdict(r, NFT_JUMP, names::register_rate);
  });
}

void ruleset_builder::add_rate_rules(nft_batch& b) const {
  if (spec_.rate.per_minute == 0) return;
  const auto& t = spec_.table;
  const char* chain = names::register_rate;
  const auto rate = spec_.rate;
  add_rule(b, t, chain, "trusted v4", [](nftnl_rule* r) {
    expr::match_saddr_v4(r);
    expr::lookup(r, names::trusted_v4);
    expr::verdict(r, NFT_RETURN);
  });
  add_rule(b, t, chain, "trusted v6", [](nftnl_rule* r) {
    expr::match_saddr_v6(r);
    expr::lookup(r, names::trusted_v6);
    expr::verdict(r, NFT_RETURN);
  });
  add_rule(b, t, chain, "meter v4", [&](nftnl_rule* r) {
    expr::match_saddr_v4(r);
    expr::meter_limit_over(r, names::rate_v4, rate.per_minute, rate.burst);
    expr::counter_ref(r, names::counter_register_rate);
    expr::verdict(r, NF_DROP);
  });
  const unsigned v6_prefix = spec_.meter_v6_prefix;
  add_rule(b, t, chain, "meter v6", [&](nftnl_rule* r) {
    expr::match_saddr_v6(r);
    if (v6_prefix < 128) expr::mask_prefix(r, 16, v6_prefix);
    expr::meter_limit_over(r, names::rate_v6, rate.per_minute, rate.burst);
    expr::counter_ref(r, names::counter_register_rate);
    expr::verdict(r, NF_DROP);
  });
}

void ruleset_builder::add_queue_rules(nft_batch& b) const {
  if (!spec_.inspect) return;
  add_rule(b, spec_.table, names::input, "queue UDP SIP", [&](nftnl_rule* r) {
    expr::match_udp_dport_in(r, names::sip_ports);
    queue_rule(r, spec_);
  });
}

nft_batch ruleset_builder::ensure_table(std::uint32_t seq) const {
  nft_batch b{seq};
  add_table(b);
  add_counters(b);
  add_sets(b);
  add_sip_ports(b);
  add_chains(b);
  for (const char* chain : {names::prerouting, names::register_rate, names::input}) flush_chain(b, chain);
  add_rate_rules(b);
  add_prerouting_rules(b);
  add_queue_rules(b);
  b.finish();
  return b;
}

nft_batch ruleset_builder::set_rate(std::uint32_t seq, register_rate rate) {
  spec_.rate = rate;
  nft_batch b{seq};
  flush_chain(b, names::register_rate);
  flush_set(b, spec_.table, names::rate_v4);
  flush_set(b, spec_.table, names::rate_v6);
  add_rate_rules(b);
  b.finish();
  return b;
}

nft_batch ruleset_builder::set_inspect(std::uint32_t seq, bool inspect) {
  spec_.inspect = inspect;
  nft_batch b{seq};
  flush_chain(b, names::input);
  add_queue_rules(b);
  b.finish();
  return b;
}

nft_batch ruleset_builder::teardown(std::uint32_t seq) const {
  nft_batch b{seq};
  table_message(b, NFT_MSG_DELTABLE, 0, spec_.table, "table inet " + spec_.table);
  b.finish();
  return b;
}

nft_batch ruleset_builder::probe_queue(std::uint32_t seq, queue_kind kind) const {
  table_spec probe = spec_;
  probe.table = spec_.table + "_probe";
  probe.queue = kind;
  nft_batch b{seq};
  table_message(b, NFT_MSG_NEWTABLE, NLM_F_CREATE, probe.table, "probe table");
  add_base_chain(b, probe.table, names::input, NF_INET_LOCAL_IN, input_priority);
  add_rule(b, probe.table, names::input, "probe queue", [&](nftnl_rule* r) { queue_rule(r, probe); });
  // Deleting a table that does not exist fails, so the kernel aborts the whole probe.
  table_message(b, NFT_MSG_DELTABLE, 0, spec_.table + "_probe_absent", "probe end");
  b.finish();
  return b;
}

}  // namespace tollgate::netfilter
