// CDR write-behind with group commit: records queue up and are committed in one transaction
// every `max_delay` or every `batch` rows, and the messages that acknowledge them (a final
// response, the 200 to a BYE, the 403 of an illegal call) wait for that commit.
//
// When a write fails (a full disk, a broken file) signalling does not wait for storage: the
// spool turns degraded, releases every held message and holds none until a write succeeds
// again. The rows stay queued in memory, up to `capacity`, and are retried; past it the
// oldest are dropped, each one counted, so the loss is exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "b2bua/effect.hpp"
#include "base/clock.hpp"
#include "store/cdr.hpp"
#include "store/database.hpp"

namespace tollgate::switch_ {

struct cdr_spool_limits {
  base::millis max_delay{20};       // a queued row waits at most this long for its commit
  std::size_t batch = 512;          // or until this many rows are queued
  std::size_t capacity = 100'000;   // rows kept while writes fail; the oldest are dropped beyond
  base::millis retry_after{1000};   // after a failed write
};

struct cdr_spool_counters {
  std::uint64_t written = 0;
  std::uint64_t commits = 0;
  std::uint64_t write_failures = 0;
  std::uint64_t dropped = 0;  // rows lost because writes kept failing past `capacity`
  std::uint64_t released_unwritten = 0;  // messages sent while their rows were not yet durable
  std::uint64_t degraded_periods = 0;    // times writes started failing
};

/// A message held until the rows queued before it are committed.
struct held_message {
  std::uint64_t call = 0;  // the call that sent it (0: none)
  b2bua::destination to;
  std::string text;
};

/// Invariants: rows are committed in the order they were added; a held message is released
/// only once every row added before it was hold()-ed is committed (or dropped, counted);
/// held messages are released in the order they were held.
class cdr_spool {
public:
  using writer = std::function<store::result<void>(std::span<const store::cdr_record>)>;

  cdr_spool(writer write, cdr_spool_limits limits = {}) : write_(std::move(write)), limits_(limits) {}

  void add(store::cdr_record record, base::timestamp now);
  /// Holds `m` behind every row added so far; sent at once (returned by release) when none is
  /// queued. Degraded, it holds nothing: `m` comes back, to be sent now (and is counted).
  std::optional<held_message> hold(held_message m);
  /// True when a message held now would wait (some row is queued).
  bool pending() const { return !rows_.empty(); }

  /// When the next commit is due; nullopt when nothing is queued.
  std::optional<base::timestamp> due() const;
  /// Commits when due (or when `force`); returns the messages released, in order.
  std::vector<held_message> commit(base::timestamp now, bool force = false);
  /// Messages releasable without a commit (held while nothing was queued ahead of them).
  std::vector<held_message> release();

  /// A new `capacity` (`[switch] cdr_buffer` after a reload); rows beyond it are dropped now.
  void set_capacity(std::size_t capacity);

  std::size_t capacity() const { return limits_.capacity; }
  std::size_t queued() const { return rows_.size(); }
  std::size_t held() const { return held_.size(); }
  const cdr_spool_counters& counters() const { return counters_; }
  /// The error of the last failed write; empty after a success.
  const std::string& last_error() const { return last_error_; }
  /// Since when writes have been failing; nullopt while they succeed.
  std::optional<base::timestamp> degraded_since() const { return degraded_since_; }

private:
  struct waiting {
    std::uint64_t after;  // released once `done_` reaches this row sequence number
    held_message message;
  };
  std::vector<held_message> releasable();
  void trim();  // drops the oldest rows beyond capacity, counted

  writer write_;
  cdr_spool_limits limits_;
  std::deque<store::cdr_record> rows_;
  std::uint64_t added_ = 0;  // rows ever added
  std::uint64_t done_ = 0;   // rows committed or dropped, all in order
  std::deque<waiting> held_;
  base::timestamp first_queued_{};
  std::optional<base::timestamp> retry_at_;
  std::optional<base::timestamp> degraded_since_;
  cdr_spool_counters counters_;
  std::string last_error_;
};

}  // namespace tollgate::switch_
