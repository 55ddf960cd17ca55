// Reports waiting for the agent: a bounded queue that drops the oldest and counts what it drops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace tollgate::switch_ {

/// Invariant: size() <= capacity(); every line pushed is either still queued, taken, or
/// counted in dropped().
class report_buffer {
public:
  explicit report_buffer(std::size_t capacity = 100000) : capacity_(capacity) {}

  /// Queues one line (without its newline); drops the oldest line when full.
  void push(std::string line);
  /// Moves up to `max_bytes` of queued lines (at least one when any is queued) into one
  /// newline-terminated chunk for a single write.
  std::string take_chunk(std::size_t max_bytes);
  /// Puts a chunk that could not be written back at the front (before newer lines).
  void unget_chunk(const std::string& chunk);

  bool empty() const { return lines_.empty(); }
  std::size_t size() const { return lines_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::uint64_t dropped() const { return dropped_; }

private:
  std::size_t capacity_;
  std::deque<std::string> lines_;
  std::uint64_t dropped_ = 0;
};

}  // namespace tollgate::switch_
