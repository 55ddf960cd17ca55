// NFQUEUE receiver: packets from one queue on a non-blocking socket, verdicts in batches.
#pragma once

#include "netfilter/error.hpp"
#include "netfilter/nft_socket.hpp"
#include "netfilter/verdict.hpp"

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tollgate::netfilter {

struct queue_config {
  std::uint16_t num = 0;
  std::uint32_t max_len = 4096;        // packets the kernel holds for us before fail-open
  std::uint32_t copy_range = 0xffff;   // bytes of each packet copied to us
  bool fail_open = true;               // NFQA_CFG_F_FAIL_OPEN: accept when our queue is full
  std::size_t batch = 64;              // packets read per receive() call at most
  std::uint32_t receive_buffer = 8u << 20;
};

/// A queued packet; `payload` (the IP packet, up to copy_range bytes) is valid until the
/// next receive().
struct queued_packet {
  std::uint32_t id = 0;
  std::uint16_t hw_protocol = 0;  // ETH_P_IP or ETH_P_IPV6
  std::uint8_t hook = 0;
  std::span<const std::uint8_t> payload;
};

/// Invariant: every packet handed out by receive() must get a verdict through verdict()
/// and flush(); until then the kernel holds it (and with fail-open, accepts packets beyond
/// max_len instead of dropping them).
class queue_receiver {
public:
  queue_receiver() = default;
  /// Binds queue `config.num` in the calling thread's network namespace. queue_busy when
  /// another process holds that queue number.
  static result<queue_receiver> open(const queue_config& config);

  /// Readable when packets wait (register it with Asio's stream_descriptor).
  int fd() const;
  /// Reads up to config.batch packets without blocking; empty when none wait.
  result<std::span<const queued_packet>> receive();
  /// Queues a verdict; sent by flush().
  void verdict(std::uint32_t id, netfilter::verdict v);
  /// Sends every queued verdict in one sendmsg (one VERDICT_BATCH message when all are
  /// accepts and nothing received is left undecided).
  error flush();

  std::uint64_t received() const { return received_; }

private:
  error configure(const queue_config& config);

  mnl_socket_ptr sock_;
  queue_config config_;
  std::vector<std::vector<char>> buffers_;
  std::vector<mmsghdr> headers_;
  std::vector<iovec> iovecs_;
  std::vector<queued_packet> packets_;
  struct pending {
    std::uint32_t id;
    netfilter::verdict v;
  };
  std::vector<pending> pending_;
  std::vector<char> out_;
  std::uint64_t received_ = 0;
  std::uint64_t decided_ = 0;
};

}  // namespace tollgate::netfilter
