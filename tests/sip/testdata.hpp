// Locating and reading the shared SIP test messages (../shared/testdata, or $TOLLGATE_SHARED_DIR).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace tollgate::sip::testing {

inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("TOLLGATE_SHARED_DIR"); env && *env) return env;
  return TOLLGATE_SHARED_DIR;
}

inline std::filesystem::path rfc4475_dir() { return shared_dir() / "testdata" / "rfc4475"; }

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace tollgate::sip::testing
