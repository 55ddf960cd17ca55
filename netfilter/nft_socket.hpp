// The netlink socket to nf_tables: sends a batch, checks every ACK, runs dumps.
#pragma once

#include "netfilter/error.hpp"
#include "netfilter/nft_batch.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

struct mnl_socket;

namespace tollgate::netfilter {

struct mnl_socket_deleter {
  void operator()(mnl_socket* s) const;
};
using mnl_socket_ptr = std::unique_ptr<mnl_socket, mnl_socket_deleter>;

/// Opens a NETLINK_NETFILTER socket in the calling thread's network namespace, bound with
/// an automatic port id. Fails with nftables_unavailable when nfnetlink is missing.
result<mnl_socket_ptr> open_netfilter_socket(unsigned groups = 0);

class nft_socket {
public:
  /// A closed socket; open() makes a usable one.
  nft_socket() = default;
  /// A socket in the calling thread's network namespace.
  static result<nft_socket> open();
  bool is_open() const { return sock_ != nullptr; }

  /// Sends a finished batch as one transaction and reads one reply per message. The first
  /// failing message decides the error (errno + its object); the kernel then applied
  /// nothing. Grows the socket buffers to fit the batch and its ACKs.
  error send(const nft_batch& batch);

  /// Sends one NLM_F_DUMP request built by `build` and calls `on_message` per reply until
  /// NLMSG_DONE. Restarts (at most three times) when the kernel interrupts the dump.
  error dump(std::uint16_t type, std::uint16_t family, const char* object,
             const std::function<void(nlmsghdr*)>& build,
             const std::function<void(const nlmsghdr*)>& on_message);

  /// A fresh sequence number for a batch: batches must not reuse numbers in flight.
  std::uint32_t next_seq(std::size_t messages);

  int fd() const;

private:
  explicit nft_socket(mnl_socket_ptr sock);
  error grow_buffers(std::size_t send_bytes, std::size_t replies);
  error drain_dump(std::uint32_t seq, const char* object);

  mnl_socket_ptr sock_;
  std::uint32_t portid_ = 0;
  std::uint32_t seq_ = 1;
  std::size_t sndbuf_ = 0;
  std::size_t rcvbuf_ = 0;
  std::vector<char> rx_;
};

}  // namespace tollgate::netfilter
