#include "agent/latency_histogram.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::agent;
using namespace std::chrono_literals;

TEST_CASE("percentiles come from power-of-two buckets", "[agent][latency_histogram]") {
  latency_histogram h;
  CHECK(h.quantile(0.5) == 0us);
  for (int i = 0; i < 98; ++i) h.record(100us);
  h.record(3000us);
  h.record(9000us);
  CHECK(h.count() == 100);
  CHECK(h.quantile(0.5) == 128us);
  CHECK(h.quantile(0.99) == 4096us);
  CHECK(h.quantile(1.0) == 9000us);
  CHECK(h.max() == 9000us);
  const latency_histogram before = h;
  h.record(-5us);
  CHECK(h.buckets()[0] == 1);
  const auto delta = h.since(before);
  CHECK(delta.count() == 1);
  CHECK(delta.quantile(0.5) == 1us);
}

TEST_CASE("the histogram keeps the sum of its values, for the metrics", "[agent][latency_histogram]") {
  latency_histogram h;
  h.record(100us);
  h.record(2500us);
  h.record(-7us);  // counted as zero
  CHECK(h.sum() == 2600us);
  const latency_histogram before = h;
  h.record(400us);
  CHECK(h.since(before).sum() == 400us);
}
