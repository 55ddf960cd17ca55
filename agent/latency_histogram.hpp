// A latency histogram: microsecond values in power-of-two buckets, for percentiles in
// `status` and the metrics endpoint.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace tollgate::agent {

/// Bucket i counts values below 2^i µs (bucket 0: under 1 µs); the last takes the rest.
/// Percentiles are reported as the bucket's upper bound: at most twice the true value.
class latency_histogram {
public:
  static constexpr std::size_t bucket_count = 32;

  void record(std::chrono::microseconds value);
  std::uint64_t count() const { return count_; }
  std::chrono::microseconds max() const { return max_; }
  /// The sum of every recorded value (negative values count as zero), for a Prometheus _sum.
  std::chrono::microseconds sum() const { return sum_; }
  /// The upper bound of the bucket holding the q-quantile (0 < q <= 1); zero when empty.
  std::chrono::microseconds quantile(double q) const;
  /// What was recorded after `earlier` (a copy of this histogram taken before); the max
  /// is the later max, an upper bound.
  latency_histogram since(const latency_histogram& earlier) const;
  const std::array<std::uint64_t, bucket_count>& buckets() const { return buckets_; }
  /// Upper bound of bucket i, in microseconds.
  static std::uint64_t bucket_bound(std::size_t i) { return std::uint64_t{1} << i; }

private:
  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
  std::chrono::microseconds max_{0};
  std::chrono::microseconds sum_{0};
};

}  // namespace tollgate::agent
