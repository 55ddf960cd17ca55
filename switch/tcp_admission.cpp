// TCP admission: per-source and total limits, trusted sources, and the eviction order.
#include "switch/tcp_admission.hpp"

#include <tuple>

namespace tollgate::switch_ {

base::ip_address source_key(const base::ip_address& ip, unsigned v6_prefix) {
  const auto plain = ip.unmapped();
  if (plain.is_v4()) return plain;
  return base::ip_prefix::of(plain, v6_prefix).address();
}

admission tcp_admission::admit(const base::ip_address& source, std::size_t open, const trust_test& trusted) const {
  const bool is_trusted = trusted && trusted(source);
  if (!is_trusted && from_source(source) >= limits_.max_per_source) return {admission::verdict::refuse_per_source};
  if (open < limits_.max_connections) return {admission::verdict::accept};
  if (const auto v = victim(is_trusted, trusted)) return {admission::verdict::evict_then_accept, *v};
  return {admission::verdict::refuse_full};
}

std::optional<std::uint64_t> tcp_admission::victim(bool newcomer_trusted, const trust_test& trusted) const {
  // (trusted, idle, time): the smallest goes first.
  using rank = std::tuple<bool, bool, base::steady_timestamp>;
  std::optional<std::uint64_t> best;
  rank best_rank{};
  for (const auto& [id, e] : entries_) {
    const bool is_trusted = trusted && trusted(e.source);
    if (is_trusted && !newcomer_trusted) continue;
    const bool busy = e.pending_since.has_value() || !e.proven;
    const rank r{is_trusted, !busy, e.pending_since ? *e.pending_since : e.last_read};
    if (!best || r < best_rank) {
      best = id;
      best_rank = r;
    }
  }
  return best;
}

void tcp_admission::add(std::uint64_t id, const base::ip_address& source, base::steady_timestamp now) {
  remove(id);
  entry e;
  e.key = source_key(source, limits_.v6_source_prefix);
  e.source = source;
  e.last_read = now;
  ++per_source_[e.key];
  entries_.emplace(id, e);
}

void tcp_admission::remove(std::uint64_t id) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return;
  const auto count = per_source_.find(it->second.key);
  if (count != per_source_.end() && --count->second == 0) per_source_.erase(count);
  entries_.erase(it);
}

void tcp_admission::on_read(std::uint64_t id, std::size_t completed, bool pending, base::steady_timestamp now) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return;
  auto& e = it->second;
  e.last_read = now;
  if (completed > 0) {
    e.proven = true;
    e.pending_since.reset();
  }
  if (!pending) {
    e.pending_since.reset();
  } else if (!e.pending_since) {
    e.pending_since = now;
  }
}

std::size_t tcp_admission::from_source(const base::ip_address& source) const {
  const auto it = per_source_.find(source_key(source, limits_.v6_source_prefix));
  return it == per_source_.end() ? 0 : it->second;
}

}  // namespace tollgate::switch_
