// The policy engine: reports in, decisions out. Pure: no I/O, no threads, no clock reads.
#pragma once

#include <chrono>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "policy/auth_suspend.hpp"
#include "policy/block_table.hpp"
#include "policy/decision.hpp"
#include "policy/parameters.hpp"
#include "policy/protection.hpp"
#include "policy/report.hpp"
#include "policy/scanner_match.hpp"
#include "policy/source_tracker.hpp"

namespace tollgate::policy {

struct engine_options {
  auth_suspend_limits endpoints;
  std::size_t max_sources = 2'000'000;  // sources with evidence in the window
  std::vector<std::string> scanner_user_agents = default_scanner_user_agents();
};

/// How a manual block request ended.
enum class manual_block_result { blocked, refused_whitelisted, refused_invalid };

/// Evidence and decisions as product.md §3 states them:
/// - authentication suspend per endpoint (auth_suspend);
/// - a dynamic blacklist per IPv4 address and IPv6 prefix (BLACKLIST_IPV6_PREFIX):
///   failed registrations and failed call authentications, distinct endpoints failed,
///   illegal calls and malformed SIP (counted against BLACKLIST_REGISTER_FAILURES, as the
///   product has no parameter of its own for it) in BLACKLIST_WINDOW; a scanner
///   User-Agent blocks at once when BLACKLIST_SCANNER_UA = 1;
/// - protected sources (whitelist, gateways, live registrations) get a `protected`
///   decision instead of a block.
/// Every decision is appended to `out`; callers reuse the vector across calls.
class engine {
public:
  explicit engine(parameter_set params = {}, engine_options options = {});

  void on_report(const report& r, base::timestamp now, std::vector<decision>& out);
  /// Timer decisions due at or before `now` (each stamped with its due time), plus
  /// bounded housekeeping. Call at least at next_due() and now and then.
  void on_tick(base::timestamp now, std::vector<decision>& out);
  std::optional<base::timestamp> next_due() const;

  /// `tollgatectl blacklist add`: duration nullopt means permanent. A whitelisted prefix
  /// is refused unless `force`.
  manual_block_result block_manually(const base::ip_prefix& prefix, std::optional<std::chrono::seconds> duration,
                                     const std::string& actor, const std::string& note, bool force,
                                     base::timestamp now, std::vector<decision>& out);
  /// `tollgatectl blacklist del`.
  bool release_manually(const base::ip_prefix& prefix, const std::string& actor, base::timestamp now,
                        std::vector<decision>& out);
  /// `tollgatectl suspend clear`.
  bool clear_suspension(const std::string& endpoint, const std::string& actor, base::timestamp now,
                        std::vector<decision>& out);

  /// Restoring persisted state at start: no decisions, the kernel already has them.
  void restore_block(const base::ip_prefix& prefix, const block_table::entry& entry) { blocks_.add(prefix, entry); }
  void restore_suspension(const std::string& endpoint, base::timestamp until) { suspend_.restore(endpoint, until, true); }
  void restore_history(const base::ip_prefix& prefix, base::timestamp released, std::uint32_t repeat) {
    blocks_.restore_history(prefix, released, repeat);
  }

  /// The prefix a source address is judged (and blocked) as.
  base::ip_prefix source_of(const base::ip_address& address) const;

  parameter_set& parameters() { return params_; }
  const parameter_set& parameters() const { return params_; }
  protection_set& protections() { return protections_; }
  const protection_set& protections() const { return protections_; }
  const auth_suspend& suspensions() const { return suspend_; }
  const block_table& blocks() const { return blocks_; }
  const source_tracker& sources() const { return sources_; }
  const scanner_match& scanners() const { return scanners_; }

  /// Sources that gained or lost a live registration since the last call: the kernel's
  /// trusted sets (exempt from the REGISTER rate limit) follow them.
  struct trust_change {
    base::ip_address address;
    bool trusted = false;
  };
  std::vector<trust_change> take_trust_changes() { return std::exchange(trust_changes_, {}); }

private:
  void judge(const base::ip_prefix& source, block_reason reason, std::uint32_t count, const report& r,
             base::timestamp now, std::vector<decision>& out);
  void add_evidence(const report& r, const base::ip_prefix& source, base::timestamp now, std::vector<decision>& out);

  parameter_set params_;
  scanner_match scanners_;
  auth_suspend suspend_;
  source_tracker sources_;
  block_table blocks_;
  protection_set protections_;
  base::timestamp last_housekeeping_{};
  std::vector<trust_change> trust_changes_;
};

}  // namespace tollgate::policy
