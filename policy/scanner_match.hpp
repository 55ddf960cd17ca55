// Scanner fingerprints: User-Agent substrings that only attack tools send.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::policy {

/// The default list of product.md §3 ([inspector] user_agents).
const std::vector<std::string>& default_scanner_user_agents();

/// Case-insensitive substring match against a list of fingerprints.
class scanner_match {
public:
  explicit scanner_match(std::vector<std::string> fingerprints = default_scanner_user_agents());
  /// The fingerprint `user_agent` contains, or an empty view.
  std::string_view match(std::string_view user_agent) const;
  const std::vector<std::string>& fingerprints() const { return fingerprints_; }

private:
  std::vector<std::string> fingerprints_;  // as configured, for display
  std::vector<std::string> lowered_;       // lower case, for matching
};

}  // namespace tollgate::policy
