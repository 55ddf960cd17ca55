// Replays every committed fuzz input (seed corpus and kept crashers) through the fuzz targets.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

#include "tests/sip/testdata.hpp"

int fuzz_message(const std::uint8_t* data, std::size_t size);

namespace {

std::size_t replay(const std::string& target, int (*fn)(const std::uint8_t*, std::size_t)) {
  const std::filesystem::path root = std::filesystem::path(TOLLGATE_SOURCE_DIR) / "tests/sip/fuzz";
  std::size_t count = 0;
  for (const char* kind : {"corpus", "regressions"}) {
    const auto dir = root / kind / target;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string bytes = tollgate::sip::testing::read_file(entry.path());
      INFO(entry.path().string());
      CHECK(fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
      ++count;
    }
  }
  return count;
}

}  // namespace

TEST_CASE("the message corpus replays cleanly", "[sip][fuzz]") {
  CHECK(replay("message", fuzz_message) >= 55);
}
