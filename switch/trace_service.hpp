// The live SIP trace: a few subscribers, each with a filter and a bounded queue; messages
// a slow subscriber has no room for are dropped and counted, never waited for.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "base/clock.hpp"
#include "switch/trace_filter.hpp"
#include "switch/trace_tap.hpp"

namespace tollgate::switch_ {

struct trace_limits {
  std::size_t max_subscribers = 4;
  /// Bytes that may wait for one subscriber; past that its messages are dropped.
  std::size_t queue_bytes = 1024 * 1024;
};

struct trace_counters {
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
};

/// Installs itself as the trace tap's sink while it has subscribers, so that the switch
/// pays nothing for tracing when nobody traces. Runs on the io_context's thread.
class trace_service final : public trace_tap::sink {
public:
  /// Queues a line on a connection unless more than `limit` bytes would then wait there;
  /// false when it was not queued.
  using offer_function = std::function<bool(std::uint64_t connection, std::string line, std::size_t limit)>;

  trace_service(const base::clock& clock, offer_function offer, trace_limits limits = {});
  ~trace_service() override;
  trace_service(const trace_service&) = delete;
  trace_service& operator=(const trace_service&) = delete;

  /// Starts sending `connection` the messages that pass `filter`. Returns the reason when
  /// it cannot (too many subscribers).
  std::optional<std::string> subscribe(std::uint64_t connection, trace_filter filter);
  /// Stops (trace_stop, or the connection closed) and returns what the trace counted;
  /// nullopt for a connection that was not tracing.
  std::optional<trace_counters> unsubscribe(std::uint64_t connection);
  /// Stops every trace (the socket stopped).
  void clear();

  std::size_t subscribers() const { return subscribers_.size(); }
  const trace_limits& limits() const { return limits_; }
  const trace_counters& counters() const { return counters_; }

  void on_message(const trace_tap::message_view& m) override;

private:
  struct subscriber {
    trace_filter filter;
    std::uint64_t unreported_drops = 0;  // told to the subscriber with its next line
    trace_counters totals;               // this trace's own, for its end
  };

  const base::clock& clock_;
  offer_function offer_;
  trace_limits limits_;
  std::map<std::uint64_t, subscriber> subscribers_;
  trace_counters counters_;
};

}  // namespace tollgate::switch_
