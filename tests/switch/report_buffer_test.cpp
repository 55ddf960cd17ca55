#include "switch/report_buffer.hpp"

#include <catch2/catch.hpp>

using tollgate::switch_::report_buffer;

TEST_CASE("the report buffer drops the oldest when full and counts it", "[switch][report_buffer]") {
  report_buffer b(3);
  for (int i = 1; i <= 5; ++i) b.push("r" + std::to_string(i));
  CHECK(b.size() == 3);
  CHECK(b.dropped() == 2);
  CHECK(b.take_chunk(1 << 16) == "r3\nr4\nr5\n");
  CHECK(b.empty());
}

TEST_CASE("chunks respect the byte limit but hold at least one line", "[switch][report_buffer]") {
  report_buffer b(10);
  b.push("aaaa");
  b.push("bbbb");
  b.push("cccc");
  CHECK(b.take_chunk(2) == "aaaa\n");
  CHECK(b.take_chunk(10) == "bbbb\ncccc\n");
}

TEST_CASE("an unwritten chunk goes back before newer lines", "[switch][report_buffer]") {
  report_buffer b(4);
  b.push("a");
  b.push("b");
  const std::string chunk = b.take_chunk(100);
  b.push("c");
  b.unget_chunk(chunk);
  CHECK(b.take_chunk(100) == "a\nb\nc\n");
  // When full, the unwritten (oldest) lines are the ones dropped.
  b.push("1");
  b.push("2");
  b.push("3");
  const std::string old = b.take_chunk(2);
  b.push("4");
  b.push("5");
  b.unget_chunk(old);
  CHECK(b.dropped() == 1);
  CHECK(b.take_chunk(100) == "2\n3\n4\n5\n");
}

