// Scanner fingerprints: a short list, matched case-insensitively as substrings.
#include "policy/scanner_match.hpp"

#include <algorithm>
#include <cctype>

namespace tollgate::policy {
namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
}  // namespace

const std::vector<std::string>& default_scanner_user_agents() {
  static const std::vector<std::string> list{"friendly-scanner", "sipvicious", "sipcli",  "sundayddr", "iWar",
                                             "sip-scan",         "VaxSIPUserAgent", "pplsip", "SIVuS", "smap"};
  return list;
}

scanner_match::scanner_match(std::vector<std::string> fingerprints) : fingerprints_(std::move(fingerprints)) {
  for (const auto& f : fingerprints_) {
    if (f.empty()) continue;  // an empty fingerprint would match every User-Agent
    std::string l(f.size(), '\0');
    std::transform(f.begin(), f.end(), l.begin(), lower);
    lowered_.push_back(std::move(l));
  }
}

std::string_view scanner_match::match(std::string_view user_agent) const {
  if (user_agent.empty()) return {};
  for (const auto& needle : lowered_) {
    const auto it = std::search(user_agent.begin(), user_agent.end(), needle.begin(), needle.end(),
                                [](char a, char b) { return lower(a) == b; });
    if (it != user_agent.end()) return needle;
  }
  return {};
}

}  // namespace tollgate::policy
