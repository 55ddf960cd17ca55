// The named counters of our table, one per drop reason, as read from the kernel.
#include "netfilter/counters.hpp"

#include "netfilter/handles.hpp"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

namespace tollgate::netfilter {

void build_counter_dump_request(nlmsghdr* nlh, const std::string& table) {
  auto obj = make_obj();
  nftnl_obj_set_str(obj.get(), NFTNL_OBJ_TABLE, table.c_str());
  nftnl_obj_set_u32(obj.get(), NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
  nftnl_obj_nlmsg_build_payload(nlh, obj.get());
}

void parse_counter(const nlmsghdr* nlh, const std::string& table, std::vector<counter_value>& out) {
  auto obj = make_obj();
  if (nftnl_obj_nlmsg_parse(nlh, obj.get()) < 0) return;
  if (!nftnl_obj_is_set(obj.get(), NFTNL_OBJ_TABLE) || table != nftnl_obj_get_str(obj.get(), NFTNL_OBJ_TABLE)) return;
  if (nftnl_obj_get_u32(obj.get(), NFTNL_OBJ_TYPE) != NFT_OBJECT_COUNTER) return;
  out.push_back({nftnl_obj_get_str(obj.get(), NFTNL_OBJ_NAME), nftnl_obj_get_u64(obj.get(), NFTNL_OBJ_CTR_PKTS),
                 nftnl_obj_get_u64(obj.get(), NFTNL_OBJ_CTR_BYTES)});
}

}  // namespace tollgate::netfilter
