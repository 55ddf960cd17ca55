// Evidence against one source: the sliding-window counter and distinct endpoint names.
#include "policy/source_evidence.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace tollgate::policy {
namespace {

std::uint32_t index_of(base::timestamp now, base::millis window) {
  const auto ms = now.time_since_epoch().count();
  return ms <= 0 ? 0 : static_cast<std::uint32_t>(ms / window.count());
}

std::uint16_t saturating_increment(std::uint16_t v) {
  return v == std::numeric_limits<std::uint16_t>::max() ? v : static_cast<std::uint16_t>(v + 1);
}

}  // namespace

void source_evidence::roll(base::timestamp now, base::millis window) {
  const std::uint32_t index = index_of(now, window);
  if (index == window_) return;
  if (index == window_ + 1) {
    previous_ = current_;
    endpoint_overflow_previous_ = endpoint_overflow_current_;
    endpoint_used_ &= endpoint_in_current_;  // names only in the old previous window go
  } else {
    // More than one window passed, or the window length changed under us: start over.
    previous_ = {};
    endpoint_overflow_previous_ = 0;
    endpoint_used_ = 0;
  }
  current_ = {};
  endpoint_overflow_current_ = 0;
  endpoint_in_current_ = 0;
  window_ = index;
}

std::uint32_t source_evidence::weighted(std::uint32_t previous, std::uint32_t current, base::timestamp now,
                                        base::millis window) const {
  const auto into_window = now.time_since_epoch().count() - static_cast<std::int64_t>(window_) * window.count();
  const auto remaining = std::max<std::int64_t>(0, window.count() - into_window);
  return current + static_cast<std::uint32_t>(static_cast<std::int64_t>(previous) * remaining / window.count());
}

std::uint32_t source_evidence::add(evidence_kind kind, base::timestamp now, base::millis window) {
  roll(now, window);
  const auto k = static_cast<std::size_t>(kind);
  current_[k] = saturating_increment(current_[k]);
  return weighted(previous_[k], current_[k], now, window);
}

std::uint32_t source_evidence::add_endpoint(std::uint32_t name_hash, base::timestamp now, base::millis window) {
  roll(now, window);
  bool found = false;
  for (std::size_t i = 0; i < inline_endpoints; ++i) {
    if ((endpoint_used_ >> i & 1u) && endpoint_hashes_[i] == name_hash) {
      endpoint_in_current_ |= static_cast<std::uint8_t>(1u << i);
      found = true;
      break;
    }
  }
  if (!found) {
    const auto free_slots = static_cast<std::uint8_t>(~endpoint_used_ & ((1u << inline_endpoints) - 1));
    if (free_slots != 0) {
      const int slot = std::countr_zero(free_slots);
      endpoint_hashes_[static_cast<std::size_t>(slot)] = name_hash;
      endpoint_used_ |= static_cast<std::uint8_t>(1u << slot);
      endpoint_in_current_ |= static_cast<std::uint8_t>(1u << slot);
    } else {
      // Past the inline slots a name cannot be told from one seen before; counting it as
      // new can only make a source that already failed five names look like more.
      endpoint_overflow_current_ = saturating_increment(endpoint_overflow_current_);
    }
  }
  const auto in_current = static_cast<std::uint32_t>(std::popcount(endpoint_in_current_)) + endpoint_overflow_current_;
  const auto only_previous =
      static_cast<std::uint32_t>(std::popcount(static_cast<std::uint8_t>(endpoint_used_ & ~endpoint_in_current_))) +
      endpoint_overflow_previous_;
  return weighted(only_previous, in_current, now, window);
}

bool source_evidence::stale(base::timestamp now, base::millis window) const {
  return index_of(now, window) > window_ + 1 || index_of(now, window) < window_;
}

}  // namespace tollgate::policy
