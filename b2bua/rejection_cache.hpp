// Recently refused INVITEs: a retransmission of an INVITE the switch answered with 403 (or
// ignored) gets the same treatment again without a second CDR or report.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "base/expiring_cache.hpp"

namespace tollgate::b2bua {

/// Invariant: at most `capacity` keys are held, oldest dropped first; a key is remembered
/// for `lifetime` (64*T1 by default, as long as the caller may retransmit).
class rejection_cache {
public:
  explicit rejection_cache(std::size_t capacity = 65536, base::millis lifetime = base::millis{32'000})
      : keys_(capacity, lifetime) {}

  /// Remembers that the INVITE with this Call-ID and top Via branch was refused at `now`.
  void remember(std::string_view call_id, std::string_view branch, base::timestamp now);
  /// True when it was refused within the lifetime (a retransmission).
  bool seen(std::string_view call_id, std::string_view branch, base::timestamp now);
  std::size_t size() const { return keys_.size(); }

private:
  static std::string key(std::string_view call_id, std::string_view branch);
  base::expiring_cache<bool> keys_;
};

}  // namespace tollgate::b2bua
