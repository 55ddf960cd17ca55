// Group commit of CDR rows, and the messages waiting for it.
#include "switch/cdr_spool.hpp"

#include <algorithm>
#include <vector>

namespace tollgate::switch_ {

void cdr_spool::add(store::cdr_record record, base::timestamp now) {
  if (rows_.empty()) first_queued_ = now;
  rows_.push_back(std::move(record));
  ++added_;
  trim();
}

void cdr_spool::set_capacity(std::size_t capacity) {
  limits_.capacity = std::max<std::size_t>(capacity, 1);
  trim();
}

void cdr_spool::trim() {
  while (rows_.size() > limits_.capacity) {
    rows_.pop_front();
    ++done_;
    ++counters_.dropped;
  }
}

std::optional<held_message> cdr_spool::hold(held_message m) {
  if (degraded_since_ && added_ > done_) {  // its rows wait in memory; the message does not
    ++counters_.released_unwritten;
    return m;
  }
  held_.push_back({added_, std::move(m)});
  return std::nullopt;
}

std::optional<base::timestamp> cdr_spool::due() const {
  if (rows_.empty()) return std::nullopt;
  if (retry_at_) return *retry_at_;
  if (rows_.size() >= limits_.batch) return first_queued_;
  return first_queued_ + limits_.max_delay;
}

std::vector<held_message> cdr_spool::commit(base::timestamp now, bool force) {
  if (!rows_.empty()) {
    const auto when = due();
    if (force || (when && *when <= now)) {
      std::vector<store::cdr_record> batch(rows_.begin(), rows_.end());
      if (auto written = write_(batch); written) {
        counters_.written += batch.size();
        ++counters_.commits;
        done_ += batch.size();
        rows_.clear();
        retry_at_.reset();
        degraded_since_.reset();
        last_error_.clear();
      } else {
        ++counters_.write_failures;
        last_error_ = written.error().message;
        retry_at_ = now + limits_.retry_after;
        if (!degraded_since_) {
          degraded_since_ = now;
          ++counters_.degraded_periods;
        }
        // Everything held goes now: answering must not wait for a disk that may not return.
        for (auto& w : held_) {
          if (w.after > done_) {
            w.after = 0;
            ++counters_.released_unwritten;
          }
        }
      }
    }
  }
  return releasable();
}

std::vector<held_message> cdr_spool::release() { return releasable(); }

std::vector<held_message> cdr_spool::releasable() {
  std::vector<held_message> out;
  while (!held_.empty() && held_.front().after <= done_) {
    out.push_back(std::move(held_.front().message));
    held_.pop_front();
  }
  return out;
}

}  // namespace tollgate::switch_
