// Benchmarks run in a network namespace of their own, so the host's ruleset is never touched.
#pragma once

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace tollgate::netfilter::bench {

/// Moves the process into a fresh network namespace (once) with loopback up; it vanishes
/// with the process. Aborts when that is impossible (benchmarks need root).
inline void enter_private_namespace() {
  static const bool done = [] {
    if (unshare(CLONE_NEWNET) != 0) {
      std::perror("unshare(CLONE_NEWNET) (run as root)");
      std::abort();
    }
    if (std::system("ip link set lo up") != 0) std::abort();
    return true;
  }();
  (void)done;
}

/// Percentiles over repetitions of single-operation runs.
inline double percentile(const std::vector<double>& values, double p) {
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[index];
}

}  // namespace tollgate::netfilter::bench
