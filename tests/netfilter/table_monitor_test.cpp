// table_monitor::parse: which nf_tables events concern our table.
#include "netfilter/table_monitor.hpp"

#include "netfilter/handles.hpp"

#include <catch2/catch.hpp>

#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <vector>

using namespace tollgate::netfilter;

namespace {

std::vector<char> table_message(std::uint16_t type, std::uint16_t family, const char* name) {
  std::vector<char> buffer(4096);
  auto* nlh = nftnl_nlmsg_build_hdr(buffer.data(), type, family, 0, 1);
  auto table = make_table();
  nftnl_table_set_str(table.get(), NFTNL_TABLE_NAME, name);
  nftnl_table_set_u32(table.get(), NFTNL_TABLE_FAMILY, family);
  nftnl_table_nlmsg_build_payload(nlh, table.get());
  return buffer;
}

std::vector<char> chain_event(const char* table_name, const char* chain_name) {
  std::vector<char> buffer(4096);
  auto* nlh = nftnl_nlmsg_build_hdr(buffer.data(), NFT_MSG_DELCHAIN, NFPROTO_INET, 0, 1);
  auto chain = make_chain();
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, table_name);
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, chain_name);
  nftnl_chain_nlmsg_build_payload(nlh, chain.get());
  return buffer;
}

std::vector<table_event> parse(const std::vector<char>& buffer) {
  std::vector<table_event> out;
  table_monitor::parse(reinterpret_cast<const nlmsghdr*>(buffer.data()), "tollgate", out);
  return out;
}

}  // namespace

TEST_CASE("deleting our table is an event, other tables are not", "[netfilter][table_monitor]") {
  auto ours = parse(table_message(NFT_MSG_DELTABLE, NFPROTO_INET, "tollgate"));
  REQUIRE(ours.size() == 1);
  CHECK(ours[0].kind == table_event_kind::table_deleted);
  CHECK(parse(table_message(NFT_MSG_DELTABLE, NFPROTO_INET, "other")).empty());
  CHECK(parse(table_message(NFT_MSG_DELTABLE, NFPROTO_IPV4, "tollgate")).empty());
  CHECK(parse(table_message(NFT_MSG_NEWTABLE, NFPROTO_INET, "tollgate")).empty());
}

TEST_CASE("deleting one of our chains is an event", "[netfilter][table_monitor]") {
  auto ours = parse(chain_event("tollgate", "prerouting"));
  REQUIRE(ours.size() == 1);
  CHECK(ours[0].kind == table_event_kind::chain_deleted);
  CHECK(ours[0].name == "prerouting");
  CHECK(parse(chain_event("other", "prerouting")).empty());
}
