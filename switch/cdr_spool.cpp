// Group commit of CDR rows, and the messages waiting for it.
#include "switch/cdr_spool.hpp"

#include <algorithm>
#include <vector>

namespace tollgate::switch_ {

void cdr_spool::add(store::cdr_record record, base::timestamp now) {
  if (rows_.empty()) first_queued_ = now;
  rows_.push_back(std::move(record));
  ++added_;
  if (rows_.size() > limits_.capacity) {
    rows_.pop_front();
    ++done_;
    ++counters_.dropped;
  }
}

void cdr_spool::hold(held_message m) { held_.push_back({added_, std::move(m)}); }

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
        last_error_.clear();
      } else {
        ++counters_.write_failures;
        last_error_ = written.error().message;
        retry_at_ = now + limits_.retry_after;
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
