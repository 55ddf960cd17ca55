// The live SIP trace's subscribers and their bounded, dropping queues.
#include "switch/trace_service.hpp"

namespace tollgate::switch_ {

trace_service::trace_service(const base::clock& clock, offer_function offer, trace_limits limits)
    : clock_(clock), offer_(std::move(offer)), limits_(limits) {}

trace_service::~trace_service() { clear(); }

std::optional<std::string> trace_service::subscribe(std::uint64_t connection, trace_filter filter) {
  if (subscribers_.size() >= limits_.max_subscribers && !subscribers_.contains(connection)) {
    return "too many traces at once (at most " + std::to_string(limits_.max_subscribers) + ")";
  }
  subscribers_[connection] = subscriber{std::move(filter), 0, {}};
  trace_tap::install(this);
  return std::nullopt;
}

std::optional<trace_counters> trace_service::unsubscribe(std::uint64_t connection) {
  const auto it = subscribers_.find(connection);
  if (it == subscribers_.end()) return std::nullopt;
  const trace_counters totals = it->second.totals;
  subscribers_.erase(it);
  if (subscribers_.empty()) trace_tap::install(nullptr);
  return totals;
}

void trace_service::clear() {
  if (subscribers_.empty()) return;
  subscribers_.clear();
  trace_tap::install(nullptr);
}

void trace_service::on_message(const trace_tap::message_view& m) {
  std::optional<base::timestamp> now;
  std::string line;
  for (auto& [connection, s] : subscribers_) {
    if (!matches(s.filter, m)) continue;
    if (!now) {
      now = clock_.now();
      line = trace_line(m, *now);
    }
    if (s.unreported_drops > 0) {
      if (!offer_(connection, dropped_line(s.unreported_drops, *now), limits_.queue_bytes)) {
        ++s.unreported_drops;
        ++s.totals.dropped;
        ++counters_.dropped;
        continue;
      }
      s.unreported_drops = 0;
    }
    if (offer_(connection, line, limits_.queue_bytes)) {
      ++s.totals.delivered;
      ++counters_.delivered;
    } else {
      ++s.unreported_drops;
      ++s.totals.dropped;
      ++counters_.dropped;
    }
  }
}

}  // namespace tollgate::switch_
