// Decisions: the names the audit log and the JSON lines use.
#include "policy/decision.hpp"

namespace tollgate::policy {

std::string_view to_string(block_reason reason) {
  switch (reason) {
    case block_reason::register_failures: return "register_failures";
    case block_reason::distinct_endpoints: return "distinct_endpoints";
    case block_reason::illegal_calls: return "illegal_calls";
    case block_reason::scanner_ua: return "scanner_ua";
    case block_reason::malformed_sip: return "malformed_sip";
    case block_reason::manual: return "manual";
  }
  return "manual";
}

std::optional<block_reason> parse_block_reason(std::string_view text) {
  for (auto r : {block_reason::register_failures, block_reason::distinct_endpoints, block_reason::illegal_calls,
                 block_reason::scanner_ua, block_reason::malformed_sip, block_reason::manual}) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

std::string_view to_string(protection kind) {
  switch (kind) {
    case protection::whitelist: return "whitelist";
    case protection::gateway: return "gateway";
    case protection::registered: return "registered";
  }
  return "whitelist";
}

std::string_view kind_name(const decision& d) {
  struct namer {
    std::string_view operator()(const suspend&) const { return "suspend"; }
    std::string_view operator()(const unsuspend&) const { return "unsuspend"; }
    std::string_view operator()(const block&) const { return "block"; }
    std::string_view operator()(const protected_source&) const { return "protected"; }
    std::string_view operator()(const release&) const { return "release"; }
  };
  return std::visit(namer{}, d.what);
}

}  // namespace tollgate::policy
