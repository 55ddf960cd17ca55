// The agent core: reports through the policy, decisions to the kernel, the database, the
// audit log and the switch, in that order. Single-threaded; the event loop calls it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/kernel_port.hpp"
#include "agent/latency_histogram.hpp"
#include "agent/state_journal.hpp"
#include "base/clock.hpp"
#include "policy/engine.hpp"
#include "store/parameter_store.hpp"
#include "store/whitelist_store.hpp"

namespace tollgate::agent {

struct core_options {
  std::size_t max_queued_reports = 100'000;  // beyond this the oldest are dropped (counted)
  std::size_t max_batch = 8192;              // reports run through the policy per flush
  std::vector<base::ip_prefix> config_whitelist;
  std::vector<base::ip_prefix> gateways;
};

struct core_counters {
  std::array<std::uint64_t, policy::report_type_count> reports{};    // by policy::report_type
  std::array<std::uint64_t, 5> decisions{};  // suspend, unsuspend, block, protected, release
  std::uint64_t dropped_reports = 0;
  std::uint64_t kernel_failures = 0;
  std::uint64_t store_failures = 0;
  std::uint64_t reconciliations = 0;
  std::uint64_t reconcile_repairs = 0;  // elements added or removed to make the kernel agree
};

/// The answer to an admin command: done (with the decision or row it made) or refused.
struct command_outcome {
  bool ok = false;
  std::string error;                          // when !ok: one line for the admin
  std::optional<policy::decision> decision;   // when a decision was made
};

/// Invariants between flushes: every decision the policy returned is (1) in the kernel or
/// the kernel is marked for reconciliation, (2) in agent.db or in `unwritten_`, retried
/// in order on every flush and tick, and (3) audited and pushed once it is written.
class core {
public:
  core(policy::engine& engine, kernel_port& kernel, state_journal& journal, base::clock& clock,
       core_options options = {});

  /// Restores blocks, suspensions, repeat-offender history, runtime parameters and the
  /// whitelist from agent.db, then brings the kernel table in line (adds what is missing,
  /// removes what should not be there, leaves the rest alone: no re-block storm).
  /// Expired-while-away blocks and suspensions are released and audited.
  kernel_status start();

  /// Queues a report (drop-oldest when full). `received` is when it arrived.
  void submit(policy::report report, base::steady_timestamp received);
  /// Runs up to max_batch queued reports through the policy and commits the decisions
  /// as one kernel batch and one database transaction.
  void flush();
  /// Timer decisions due now, retries of anything unwritten, reconciliation if marked.
  void tick();
  /// When tick() is next needed for a timer (nullopt: no timer).
  std::optional<base::timestamp> next_due() const { return engine_.next_due(); }
  bool has_queued_reports() const { return !queue_.empty(); }

  /// How thoroughly to bring the kernel's block sets in line with the policy's blocks.
  /// `add_missing` re-adds every block (the kernel keeps elements it has, with their
  /// timeouts): linear, used at start. `full` also lists the sets and removes what the
  /// policy does not hold; listing a large set is slow in the kernel (each dump chunk
  /// restarts its walk), so it runs after failures and now and then.
  enum class reconcile_mode { add_missing, full };
  kernel_status reconcile(reconcile_mode mode = reconcile_mode::full);
  /// Marks the kernel as needing a full restore (table deleted or ruleset flushed).
  void kernel_lost() { kernel_lost_ = true; }

  // Admin commands; `actor` is the admin's user name.
  command_outcome block(const base::ip_prefix& prefix, std::optional<std::chrono::seconds> duration,
                        const std::string& actor, const std::string& note, bool force);
  command_outcome unblock(const base::ip_prefix& prefix, const std::string& actor);
  std::size_t flush_blacklist(const std::string& actor);
  command_outcome whitelist_add(const base::ip_prefix& cidr, const std::string& actor);
  command_outcome whitelist_del(const base::ip_prefix& cidr, const std::string& actor);
  command_outcome clear_suspension(const std::string& endpoint, const std::string& actor);
  command_outcome set_parameter(const std::string& name, std::int64_t value, const std::string& actor);
  /// A reloaded config: its whitelist, gateways and parameters. Parameters set at run
  /// time keep their runtime values; the kernel follows the rest.
  void reconfigure(std::vector<base::ip_prefix> config_whitelist, std::vector<base::ip_prefix> gateways,
                   const policy::parameter_set& config_parameters);
  /// Audits a refused connection or command.
  void audit_refusal(const std::string& who, const std::string& what);

  struct whitelist_entry {
    base::ip_prefix cidr;
    std::string origin;  // "config" or "runtime"
  };
  std::vector<whitelist_entry> whitelist() const;

  /// Every audit row, once written (JSON log line, `audit --follow`).
  std::function<void(const store::audit_entry&)> on_audit;
  /// Suspensions and their ends, for the connected switch.
  std::function<void(const policy::decision&)> on_switch_decision;

  const core_counters& counters() const { return counters_; }
  const latency_histogram& latency() const { return latency_; }
  std::size_t queued_reports() const { return queue_.size(); }
  std::size_t unwritten_batches() const { return unwritten_.size(); }
  const policy::engine& engine() const { return engine_; }

private:
  struct queued {
    policy::report report;
    base::steady_timestamp received;
  };
  struct batch {
    std::vector<policy::decision> decisions;
    std::vector<store::audit_entry> audit;
  };

  void commit(std::vector<policy::decision> decisions, std::vector<store::audit_entry> changes,
              const std::vector<base::steady_timestamp>& waiting_for_kernel);
  bool apply_to_kernel(const std::vector<policy::decision>& decisions);
  void apply_trust_changes();
  void write_unwritten();
  void apply_parameter_to_kernel(policy::parameter p);
  void refresh_protections();
  kernel_status restore_kernel();

  policy::engine& engine_;
  kernel_port& kernel_;
  state_journal& journal_;
  store::parameter_store parameters_;
  store::whitelist_store whitelist_;
  base::clock& clock_;
  core_options options_;
  std::vector<base::ip_prefix> runtime_whitelist_;
  std::deque<queued> queue_;
  std::deque<batch> unwritten_;
  core_counters counters_;
  latency_histogram latency_;
  bool kernel_dirty_ = false;
  bool kernel_lost_ = false;
};

}  // namespace tollgate::agent
