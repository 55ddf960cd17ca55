// The suspensions the agent decided: which endpoints the switch refuses at once, until when.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.hpp"
#include "policy/decision.hpp"

namespace tollgate::switch_ {

/// The switch keeps what the agent told it and enforces it while the agent is away; an entry
/// past its end time no longer counts even before the agent's unsuspend arrives.
/// Invariant: at most one entry per endpoint; the latest decision for it wins.
class suspension_table {
public:
  /// Applies a suspend or unsuspend decision; other decisions are ignored (false).
  bool apply(const policy::decision& d);
  void suspend(const std::string& endpoint, base::timestamp until);
  bool unsuspend(std::string_view endpoint);
  bool is_suspended(std::string_view endpoint, base::timestamp now) const;
  /// Drops entries whose end is at or before `now`; returns how many.
  std::size_t prune(base::timestamp now);
  std::size_t size() const { return until_.size(); }

private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, base::timestamp, string_hash, std::equal_to<>> until_;
};

}  // namespace tollgate::switch_
