// One nf_tables transaction as bytes: BEGIN, messages, END; built without a socket.
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace tollgate::netfilter {

/// A batch is one atomic transaction: the kernel applies every message or none.
/// Invariant: bytes() always holds a BATCH_BEGIN, then messages with consecutive sequence
/// numbers, each recorded with the object it concerns; END is appended by finish().
class nft_batch {
public:
  /// Largest single message a builder may write (element messages are capped below it).
  static constexpr std::size_t max_message_size = 128 * 1024;

  explicit nft_batch(std::uint32_t first_seq = 1);

  /// Appends one message of nf_tables type `type` (NFT_MSG_*), requesting an ACK. `build`
  /// receives the header already written and adds the payload (at most max_message_size).
  void add(std::uint16_t type, std::uint16_t family, std::uint16_t flags, std::string object,
           const std::function<void(nlmsghdr*)>& build);
  /// Closes the transaction. Further add() calls are a bug.
  void finish();

  std::span<const std::byte> bytes() const { return {buffer_.data(), buffer_.size()}; }
  std::size_t size() const { return buffer_.size(); }
  /// Messages between BEGIN and END.
  std::size_t message_count() const { return objects_.size(); }
  bool empty() const { return objects_.empty(); }
  std::uint32_t begin_seq() const { return first_seq_; }
  std::uint32_t end_seq() const { return first_seq_ + static_cast<std::uint32_t>(objects_.size()) + 1; }
  /// The object a message concerns, by sequence number ("batch" for BEGIN/END).
  std::string object_for(std::uint32_t seq) const;

private:
  std::vector<std::byte> buffer_;
  std::vector<std::string> objects_;
  std::uint32_t first_seq_;
  bool finished_ = false;
};

/// Walks the netlink messages in a byte range (for tests and dumps).
std::vector<const nlmsghdr*> split_messages(std::span<const std::byte> bytes);

}  // namespace tollgate::netfilter
