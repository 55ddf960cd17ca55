// A directory under /tmp removed with everything in it when the test ends.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tollgate::test {

class temp_dir {
public:
  /// A fresh directory /tmp/PREFIX-XXXXXX with `mode` (0755 when unprivileged test users must
  /// reach a socket inside; mkdtemp's 0700 otherwise).
  explicit temp_dir(std::string_view prefix = "tollgate-test",
                    std::filesystem::perms mode = std::filesystem::perms::owner_all) {
    std::string pattern = (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
    std::filesystem::permissions(path_, mode);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

}  // namespace tollgate::test
