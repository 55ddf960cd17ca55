// TCP pacing: the header deadline and the minimum rate of an incomplete message.
#include "switch/tcp_pacing.hpp"

#include <algorithm>

namespace tollgate::switch_ {

void message_pacing::on_read(std::size_t bytes, std::size_t completed, bool pending, bool headers_done,
                             base::steady_timestamp now) {
  if (completed > 0 || !pending) started_.reset();
  if (!pending) return;
  if (!started_) {
    // A new message: its window starts with the bytes of it in this read (all of them,
    // when it began here; an over-count of at most one read in the sender's favour).
    started_ = now;
    window_start_ = now;
    window_bytes_ = 0;
  }
  window_bytes_ += bytes;
  headers_done_ = headers_done;
}

pacing_verdict message_pacing::check(base::steady_timestamp now) {
  if (!started_) return pacing_verdict::ok;
  if (!headers_done_ && now - *started_ >= limits_.header_timeout) return pacing_verdict::header_timeout;
  if (limits_.min_rate > 0 && now - window_start_ >= limits_.window) {
    const auto seconds = std::chrono::duration_cast<std::chrono::milliseconds>(now - window_start_).count();
    const auto needed = limits_.min_rate * static_cast<std::size_t>(seconds) / 1000;
    if (window_bytes_ < needed) return pacing_verdict::too_slow;
    window_start_ = now;
    window_bytes_ = 0;
  }
  return pacing_verdict::ok;
}

std::optional<base::steady_timestamp> message_pacing::next_check() const {
  if (!started_) return std::nullopt;
  std::optional<base::steady_timestamp> next;
  if (!headers_done_) next = *started_ + limits_.header_timeout;
  if (limits_.min_rate > 0) {
    const auto window_end = window_start_ + limits_.window;
    next = next ? std::min(*next, window_end) : window_end;
  }
  return next;
}

}  // namespace tollgate::switch_
