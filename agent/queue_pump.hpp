// The queue pump: NFQUEUE packets through the inspector inside the agent's event loop.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <nlohmann/json.hpp>

#include "agent/inspector.hpp"
#include "base/clock.hpp"
#include "netfilter/queue_receiver.hpp"

namespace tollgate::agent {

struct pump_options {
  /// Longest a received packet waits for its verdict. Past it, the rest of the batch is
  /// accepted without a look (counted in overload_accepts): under overload SIP flows.
  std::chrono::microseconds hold_budget{2000};
  /// receive() calls per turn of the event loop before other handlers get their turn.
  std::size_t batches_per_turn = 16;
  std::size_t recent_drops = 32;  // drops kept for `status`
};

struct pump_counters {
  std::uint64_t packets = 0;
  std::uint64_t accepted = 0;
  std::uint64_t dropped = 0;
  std::array<std::uint64_t, inspect_reason_count> by_reason{};
  std::uint64_t overload_accepts = 0;  // accepted unchecked because the batch was over budget
  std::uint64_t disabled_accepts = 0;  // accepted unchecked while INSPECT_ENABLE = 0
  std::uint64_t receive_errors = 0;
  std::uint64_t verdict_errors = 0;
  std::uint64_t longest_hold_us = 0;   // longest receive-to-verdict time of one batch
};

struct drop_record {
  base::timestamp time{};
  base::ip_address source;
  std::uint16_t source_port = 0;
  inspect_reason reason = inspect_reason::malformed_sip;
  std::string user_agent;
  std::string call_id;
  std::string detail;
};

/// Invariant: every packet received gets its verdict in the same turn (flush() before the
/// handler returns), so the kernel never holds one of ours across turns of the loop.
class queue_pump {
public:
  queue_pump(boost::asio::io_context& io, netfilter::queue_receiver receiver, inspector inspector,
             base::clock& clock, pump_options options = {});
  ~queue_pump();
  queue_pump(const queue_pump&) = delete;
  queue_pump& operator=(const queue_pump&) = delete;

  /// Starts waiting for packets on the io_context.
  void start();
  /// Stops waiting; packets then queue in the kernel (and pass, fail-open, when it is full).
  void stop();
  /// Reads and judges what is waiting now, up to batches_per_turn batches.
  void drain();

  /// A new fingerprint list (config reload).
  void set_inspector(inspector next) { inspector_ = std::move(next); }
  /// Asked once per batch; false: every packet is accepted unchecked (INSPECT_ENABLE = 0).
  std::function<bool()> enabled;
  /// Called for every dropped packet (reports to the core).
  std::function<void(const inspection&, base::timestamp)> on_drop;

  const pump_counters& counters() const { return counters_; }
  /// Most recent last.
  const std::deque<drop_record>& recent_drops() const { return recent_; }
  /// Counters and recent drops as `tollgatectl status` shows them.
  nlohmann::ordered_json status() const;

private:
  void arm();
  void judge_batch(std::span<const netfilter::queued_packet> packets, bool inspect);
  void remember(const inspection& i, base::timestamp now);

  boost::asio::io_context& io_;
  netfilter::queue_receiver receiver_;
  inspector inspector_;
  base::clock& clock_;
  pump_options options_;
  std::unique_ptr<boost::asio::posix::stream_descriptor> fd_;
  std::shared_ptr<bool> alive_;
  pump_counters counters_;
  std::deque<drop_record> recent_;
};

}  // namespace tollgate::agent
