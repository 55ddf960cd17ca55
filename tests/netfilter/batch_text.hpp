// Decodes a built batch back into text with libnftnl, so tests read like `nft --debug=netlink`.
#pragma once

#include "netfilter/nft_batch.hpp"

#include <string>
#include <vector>

namespace tollgate::netfilter::test {

struct decoded_message {
  std::uint16_t type = 0;  // NFT_MSG_* (or NFNL_MSG_BATCH_BEGIN/END)
  bool batch_control = false;
  std::uint32_t seq = 0;
  std::uint16_t flags = 0;
  std::string text;        // libnftnl's rendering of the object
};

std::vector<decoded_message> decode(const nft_batch& batch);

/// A copy of an element message whose list entries are typed NFTA_LIST_ELEM, as the kernel
/// sends them in dumps (libnftnl numbers them 1, 2, 3... when building, and its parser
/// accepts only the kernel's form).
std::vector<std::byte> as_dump(const nlmsghdr* nlh);
/// The expressions of every NEWRULE message, one rule per entry.
std::vector<std::string> rules_of(const nft_batch& batch);

}  // namespace tollgate::netfilter::test
