// One nf_tables transaction as bytes, built with libnftnl's header helpers.
#include "netfilter/nft_batch.hpp"

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nfnetlink.h>

#include <cassert>
#include <cstring>
#include <memory>

namespace tollgate::netfilter {

nft_batch::nft_batch(std::uint32_t first_seq) : first_seq_(first_seq) {
  buffer_.resize(MNL_NLMSG_HDRLEN + 64);
  auto* nlh = nftnl_batch_begin(reinterpret_cast<char*>(buffer_.data()), first_seq_);
  buffer_.resize(NLMSG_ALIGN(nlh->nlmsg_len));
}

void nft_batch::add(std::uint16_t type, std::uint16_t family, std::uint16_t flags,
                    std::string object, const std::function<void(nlmsghdr*)>& build) {
  assert(!finished_);
  // Built in an uninitialised scratch area and copied at its real length: a zero-filled
  // max_message_size per message would dominate bulk element batches.
  thread_local std::unique_ptr<std::byte[]> scratch{new std::byte[max_message_size]};
  const auto seq = first_seq_ + static_cast<std::uint32_t>(objects_.size()) + 1;
  std::memset(scratch.get(), 0, MNL_NLMSG_HDRLEN + sizeof(nfgenmsg));
  auto* nlh = nftnl_nlmsg_build_hdr(reinterpret_cast<char*>(scratch.get()), type, family, flags | NLM_F_ACK, seq);
  build(nlh);
  assert(nlh->nlmsg_len <= max_message_size);
  const std::size_t length = NLMSG_ALIGN(nlh->nlmsg_len);
  // Padding up to the alignment must be zero, as the kernel may look at it.
  std::memset(scratch.get() + nlh->nlmsg_len, 0, length - nlh->nlmsg_len);
  buffer_.insert(buffer_.end(), scratch.get(), scratch.get() + length);
  objects_.push_back(std::move(object));
}

void nft_batch::finish() {
  assert(!finished_);
  const std::size_t offset = buffer_.size();
  buffer_.resize(offset + MNL_NLMSG_HDRLEN + 64);
  auto* nlh = nftnl_batch_end(reinterpret_cast<char*>(buffer_.data() + offset), end_seq());
  buffer_.resize(offset + NLMSG_ALIGN(nlh->nlmsg_len));
  finished_ = true;
}

std::string nft_batch::object_for(std::uint32_t seq) const {
  if (seq <= first_seq_ || seq >= end_seq()) return "batch";
  return objects_[seq - first_seq_ - 1];
}

std::vector<const nlmsghdr*> split_messages(std::span<const std::byte> bytes) {
  std::vector<const nlmsghdr*> out;
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
  int remaining = static_cast<int>(bytes.size());
  while (mnl_nlmsg_ok(nlh, remaining)) {
    out.push_back(nlh);
    nlh = mnl_nlmsg_next(nlh, &remaining);
  }
  return out;
}

}  // namespace tollgate::netfilter
