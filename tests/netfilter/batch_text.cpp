// Decodes a built batch back into text with libnftnl, so tests read like `nft --debug=netlink`.
#include "tests/netfilter/batch_text.hpp"

#include "netfilter/handles.hpp"

#include <libmnl/libmnl.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

namespace tollgate::netfilter::test {
namespace {

template <typename T, typename Parse, typename Print>
std::string render(const nlmsghdr* nlh, T object, Parse parse, Print print) {
  if (parse(nlh, object.get()) < 0) return "unparsable";
  std::string buffer(8192, '\0');
  const int n = print(buffer.data(), buffer.size(), object.get(), 0, 0);
  buffer.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return buffer;
}

}  // namespace

std::vector<std::byte> as_dump(const nlmsghdr* nlh) {
  std::vector<std::byte> copy(reinterpret_cast<const std::byte*>(nlh),
                              reinterpret_cast<const std::byte*>(nlh) + nlh->nlmsg_len);
  auto* msg = reinterpret_cast<nlmsghdr*>(copy.data());
  auto* tail = static_cast<char*>(mnl_nlmsg_get_payload_tail(msg));
  for (auto* attr = static_cast<nlattr*>(mnl_nlmsg_get_payload_offset(msg, sizeof(nfgenmsg)));
       mnl_attr_ok(attr, static_cast<int>(tail - reinterpret_cast<char*>(attr))); attr = mnl_attr_next(attr)) {
    if (mnl_attr_get_type(attr) != NFTA_SET_ELEM_LIST_ELEMENTS) continue;
    auto* end = reinterpret_cast<char*>(attr) + attr->nla_len;
    for (auto* element = static_cast<nlattr*>(mnl_attr_get_payload(attr));
         mnl_attr_ok(element, static_cast<int>(end - reinterpret_cast<char*>(element))); element = mnl_attr_next(element)) {
      element->nla_type = static_cast<std::uint16_t>((element->nla_type & ~NLA_TYPE_MASK) | NFTA_LIST_ELEM);
    }
  }
  return copy;
}

std::vector<decoded_message> decode(const nft_batch& batch) {
  std::vector<decoded_message> out;
  for (const auto* nlh : split_messages(batch.bytes())) {
    decoded_message m;
    m.seq = nlh->nlmsg_seq;
    m.flags = nlh->nlmsg_flags;
    if (nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN || nlh->nlmsg_type == NFNL_MSG_BATCH_END) {
      m.type = nlh->nlmsg_type;
      m.batch_control = true;
      out.push_back(m);
      continue;
    }
    m.type = nlh->nlmsg_type & 0xff;
    switch (m.type) {
      case NFT_MSG_NEWRULE:
      case NFT_MSG_DELRULE:
        m.text = render(nlh, make_rule(), nftnl_rule_nlmsg_parse, nftnl_rule_snprintf);
        break;
      case NFT_MSG_NEWSET:
        m.text = render(nlh, make_set(), nftnl_set_nlmsg_parse, nftnl_set_snprintf);
        break;
      case NFT_MSG_NEWSETELEM:
      case NFT_MSG_DELSETELEM:
      {
        const auto copy = as_dump(nlh);
        m.text = render(reinterpret_cast<const nlmsghdr*>(copy.data()), make_set(), nftnl_set_elems_nlmsg_parse,
                        nftnl_set_snprintf);
      }
        break;
      case NFT_MSG_NEWCHAIN:
        m.text = render(nlh, make_chain(), nftnl_chain_nlmsg_parse, nftnl_chain_snprintf);
        break;
      case NFT_MSG_NEWTABLE:
      case NFT_MSG_DELTABLE:
        m.text = render(nlh, make_table(), nftnl_table_nlmsg_parse, nftnl_table_snprintf);
        break;
      case NFT_MSG_NEWOBJ:
        m.text = render(nlh, make_obj(), nftnl_obj_nlmsg_parse, nftnl_obj_snprintf);
        break;
      default: break;
    }
    out.push_back(m);
  }
  return out;
}

std::vector<std::string> rules_of(const nft_batch& batch) {
  std::vector<std::string> out;
  for (const auto& m : decode(batch)) {
    if (!m.batch_control && m.type == NFT_MSG_NEWRULE) out.push_back(m.text);
  }
  return out;
}

}  // namespace tollgate::netfilter::test
