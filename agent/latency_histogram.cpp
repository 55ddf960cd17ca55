// A latency histogram in power-of-two microsecond buckets.
#include "agent/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tollgate::agent {

void latency_histogram::record(std::chrono::microseconds value) {
  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, value.count()));
  const std::size_t bucket = std::min<std::size_t>(bucket_count - 1, static_cast<std::size_t>(std::bit_width(us)));
  ++buckets_[bucket];
  ++count_;
  sum_ += std::chrono::microseconds{static_cast<std::int64_t>(us)};
  max_ = std::max(max_, value);
}

std::chrono::microseconds latency_histogram::quantile(double q) const {
  if (count_ == 0) return std::chrono::microseconds{0};
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      return std::min(std::chrono::microseconds{static_cast<std::int64_t>(bucket_bound(i))}, max_);
    }
  }
  return max_;
}

latency_histogram latency_histogram::since(const latency_histogram& earlier) const {
  latency_histogram delta = *this;
  for (std::size_t i = 0; i < bucket_count; ++i) delta.buckets_[i] -= earlier.buckets_[i];
  delta.count_ -= earlier.count_;
  delta.sum_ -= earlier.sum_;
  return delta;
}

}  // namespace tollgate::agent
