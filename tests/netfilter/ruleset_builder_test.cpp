// ruleset_builder: every transaction built, then parsed back and compared with nft's encoding.
#include "netfilter/ruleset_builder.hpp"

#include "tests/netfilter/batch_text.hpp"

#include <catch2/catch.hpp>

#include <linux/netfilter/nf_tables.h>

#include <algorithm>

using namespace tollgate::netfilter;
using test::decode;
using test::rules_of;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::uint16_t> types(const nft_batch& batch) {
  std::vector<std::uint16_t> out;
  for (const auto& m : decode(batch)) {
    if (!m.batch_control) out.push_back(m.type);
  }
  return out;
}

}  // namespace

TEST_CASE("ensure_table creates table, counters, sets, chains, then replaces the rules", "[netfilter][ruleset_builder]") {
  const ruleset_builder builder{table_spec{}};
  const auto batch = builder.ensure_table(1);
  const auto t = types(batch);
  REQUIRE(t.size() == 1 + 2 + 10 + 2 + 3 + 3 + 4 + 6 + 1);
  CHECK(t.front() == NFT_MSG_NEWTABLE);
  CHECK(std::count(t.begin(), t.end(), NFT_MSG_NEWOBJ) == 2);
  CHECK(std::count(t.begin(), t.end(), NFT_MSG_NEWSET) == 10);
  CHECK(std::count(t.begin(), t.end(), NFT_MSG_NEWCHAIN) == 3);
  CHECK(std::count(t.begin(), t.end(), NFT_MSG_DELRULE) == 3);
  CHECK(std::count(t.begin(), t.end(), NFT_MSG_NEWRULE) == 11);
  // Nothing is created exclusively: an existing table is adopted.
  for (const auto& m : decode(batch)) CHECK((m.flags & NLM_F_EXCL) == 0);
  // Chains exist before the rules that use them; rules are flushed before being re-added.
  const auto first_rule = std::find(t.begin(), t.end(), NFT_MSG_NEWRULE);
  CHECK(std::find(first_rule, t.end(), NFT_MSG_NEWCHAIN) == t.end());
  CHECK(std::find(first_rule, t.end(), NFT_MSG_DELRULE) == t.end());
}

TEST_CASE("the sets have the key types and flags of the spec", "[netfilter][ruleset_builder]") {
  table_spec spec;
  spec.table = "tg_test";
  spec.sip_ports = {5060, 5080};
  const auto messages = decode(ruleset_builder{spec}.ensure_table(1));
  std::vector<std::string> sets;
  for (const auto& m : messages) {
    if (!m.batch_control && m.type == NFT_MSG_NEWSET) sets.push_back(m.text);
  }
  REQUIRE(sets.size() == 10);
  CHECK(contains(sets[0], "block_v4 tg_test 10"));      // timeout
  CHECK(contains(sets[1], "block_net_v4 tg_test 14"));  // interval | timeout
  CHECK(contains(sets[2], "block_v6 tg_test 14"));
  CHECK(contains(sets[3], "allow_v4 tg_test 4"));       // interval
  CHECK(contains(sets[6], "trusted_v6 tg_test 4"));
  CHECK(contains(sets[7], "sip_ports tg_test 0"));
  CHECK(contains(sets[8], "register_meter_v4 tg_test 30 timeout 60000ms size 65535"));  // dynamic | timeout
  std::string ports;
  for (const auto& m : messages) {
    if (!m.batch_control && m.type == NFT_MSG_NEWSETELEM) ports = m.text;
  }
  CHECK(contains(ports, "element 0000c413"));  // 5060, network order
  CHECK(contains(ports, "element 0000d813"));  // 5080
}

TEST_CASE("prerouting rules: allow, block with counter, REGISTER to the rate chain", "[netfilter][ruleset_builder]") {
  const auto rules = rules_of(ruleset_builder{table_spec{}}.ensure_table(1));
  REQUIRE(rules.size() == 11);
  // register_rate first (4), then prerouting (6), then input (1).
  CHECK(contains(rules[4], "inet tollgate prerouting"));
  CHECK(contains(rules[4], "[ cmp eq reg 1 0x00000002 ]\n  [ payload load 4b @ network header + 12 => reg 1 ]\n"
                           "  [ lookup reg 1 set allow_v4 ]\n  [ immediate reg 0 accept ]"));
  CHECK(contains(rules[5], "[ cmp eq reg 1 0x0000000a ]\n  [ payload load 16b @ network header + 8 => reg 1 ]\n"
                           "  [ lookup reg 1 set allow_v6 ]"));
  CHECK(contains(rules[6], "[ lookup reg 1 set block_v4 ]\n  [ objref type 1 name drop_blocked"));
  CHECK(contains(rules[8], "[ lookup reg 1 set block_v6 ]\n  [ objref type 1 name drop_blocked"));
  CHECK(contains(rules[9], "[ meta load l4proto => reg 1 ]\n  [ cmp eq reg 1 0x00000011 ]\n"
                           "  [ payload load 2b @ transport header + 2 => reg 1 ]\n  [ lookup reg 1 set sip_ports ]\n"
                           "  [ payload load 8b @ transport header + 8 => reg 1 ]\n"
                           "  [ cmp eq reg 1 0x49474552 0x52455453 ]\n  [ immediate reg 0 jump -> register_rate ]"));
}

TEST_CASE("IPv4 prefixes have their own interval set and rule, after the host set", "[netfilter][ruleset_builder]") {
  const auto rules = rules_of(ruleset_builder{table_spec{}}.ensure_table(1));
  REQUIRE(rules.size() == 11);
  INFO(rules[7]);
  // As `nft --debug=netlink` encodes "ip saddr @block_net_v4 counter name drop_blocked drop".
  CHECK(contains(rules[7], "inet tollgate prerouting\n  [ meta load nfproto => reg 1 ]\n"
                           "  [ cmp eq reg 1 0x00000002 ]\n  [ payload load 4b @ network header + 12 => reg 1 ]\n"
                           "  [ lookup reg 1 set block_net_v4 ]\n  [ objref type 1 name drop_blocked"));
  CHECK(contains(rules[7], "]\n  [ immediate reg 0 drop ]"));
  CHECK(contains(rules[6], "set block_v4 ]"));
}

TEST_CASE("the REGISTER meter skips trusted sources and drops over the rate", "[netfilter][ruleset_builder]") {
  const auto rules = rules_of(ruleset_builder{table_spec{}}.ensure_table(1));
  CHECK(contains(rules[0], "inet tollgate register_rate"));
  CHECK(contains(rules[0], "[ lookup reg 1 set trusted_v4 ]\n  [ immediate reg 0 return ]"));
  CHECK(contains(rules[1], "[ lookup reg 1 set trusted_v6 ]\n  [ immediate reg 0 return ]"));
  CHECK(contains(rules[2], "[ dynset update reg_key 1 set register_meter_v4 expr [ limit rate 10/minute burst 10 type packets flags 0x1 ] ]\n"
                           "  [ objref type 1 name drop_register_rate"));
  CHECK(contains(rules[3], "set register_meter_v6 expr [ limit rate 10/minute burst 10"));
  // IPv6 sources are metered per /64 by default.
  CHECK(contains(rules[3], "[ payload load 16b @ network header + 8 => reg 1 ]\n"
                           "  [ bitwise reg 1 = ( reg 1 & 0xffffffff 0xffffffff 0x00000000 0x00000000 ) ^ "
                           "0x00000000 0x00000000 0x00000000 0x00000000 ]\n  [ dynset update"));
  table_spec per_address;
  per_address.meter_v6_prefix = 128;
  const auto exact = rules_of(ruleset_builder{per_address}.ensure_table(1));
  CHECK_FALSE(contains(exact[3], "bitwise"));
}

TEST_CASE("set_rate replaces the meter rules and forgets per-source state", "[netfilter][ruleset_builder]") {
  ruleset_builder builder{table_spec{}};
  const auto batch = builder.set_rate(1, {120, 30});
  CHECK(builder.spec().rate == register_rate{120, 30});
  const auto t = types(batch);
  REQUIRE(t.size() == 3 + 4);
  CHECK(t[0] == NFT_MSG_DELRULE);
  CHECK(t[1] == NFT_MSG_DELSETELEM);
  CHECK(t[2] == NFT_MSG_DELSETELEM);
  const auto rules = rules_of(batch);
  CHECK(contains(rules[2], "limit rate 120/minute burst 30 type packets flags 0x1"));
  const auto off = builder.set_rate(1, {0, 30});
  CHECK(rules_of(off).empty());
  CHECK(types(off).size() == 3);
}

TEST_CASE("the queue rule: compat target, native expression, or none", "[netfilter][ruleset_builder]") {
  table_spec spec;
  spec.queue_num = 7;
  spec.queue = queue_kind::compat;
  auto rules = rules_of(ruleset_builder{spec}.ensure_table(1));
  CHECK(contains(rules.back(), "inet tollgate input"));
  CHECK(contains(rules.back(), "[ lookup reg 1 set sip_ports ]\n  [ target name NFQUEUE rev 3 ]"));
  spec.queue = queue_kind::native;
  rules = rules_of(ruleset_builder{spec}.ensure_table(1));
  CHECK(contains(rules.back(), "[ queue num 7 bypass ]"));
  ruleset_builder builder{spec};
  CHECK(rules_of(builder.set_inspect(1, false)).empty());
  CHECK_FALSE(builder.spec().inspect);
  CHECK(rules_of(builder.set_inspect(1, true)).size() == 1);
  spec.inspect = false;
  CHECK(rules_of(ruleset_builder{spec}.ensure_table(1)).size() == 10);
}

TEST_CASE("teardown deletes our table only, the probe always aborts", "[netfilter][ruleset_builder]") {
  table_spec spec;
  spec.table = "mine";
  const ruleset_builder builder{spec};
  const auto teardown = decode(builder.teardown(1));
  REQUIRE(teardown.size() == 3);
  CHECK(teardown[1].type == NFT_MSG_DELTABLE);
  CHECK(teardown[1].text.rfind("table mine inet", 0) == 0);
  const auto probe = builder.probe_queue(1, queue_kind::native);
  const auto messages = decode(probe);
  REQUIRE(messages.size() == 6);
  CHECK(contains(messages[1].text, "mine_probe"));
  CHECK(contains(messages[3].text, "[ queue num 0 bypass ]"));
  CHECK(messages[4].type == NFT_MSG_DELTABLE);
  CHECK(contains(messages[4].text, "mine_probe_absent"));
  CHECK(probe.object_for(5) == "probe end");
}
