// Builds the transactions that create, reconcile, retune and remove our table.
#pragma once

#include "netfilter/nft_batch.hpp"
#include "netfilter/table_spec.hpp"

#include <cstdint>

namespace tollgate::netfilter {

/// Pure: every function returns a finished batch; nothing touches a socket.
class ruleset_builder {
public:
  ruleset_builder() = default;
  explicit ruleset_builder(table_spec spec) : spec_(std::move(spec)) {}
  const table_spec& spec() const { return spec_; }

  /// Creates the table, or adopts an existing one: table, counters, sets and chains are
  /// created when missing and kept (with their elements) when present; the rules of our
  /// chains and the sip_ports elements are replaced by the spec's.
  nft_batch ensure_table(std::uint32_t seq) const;
  /// Replaces the REGISTER rate rules (and forgets the meters' per-source state).
  nft_batch set_rate(std::uint32_t seq, register_rate rate);
  /// Adds or removes the NFQUEUE rule.
  nft_batch set_inspect(std::uint32_t seq, bool inspect);
  /// Deletes our table and everything in it; no other table is touched.
  nft_batch teardown(std::uint32_t seq) const;
  /// A transaction that always fails at its last message, so the kernel keeps nothing:
  /// it tells whether the kernel accepts a queue rule of `kind` (see probe_errors).
  nft_batch probe_queue(std::uint32_t seq, queue_kind kind) const;

private:
  void add_table(nft_batch& b) const;
  void add_counters(nft_batch& b) const;
  void add_sets(nft_batch& b) const;
  void add_sip_ports(nft_batch& b) const;
  void add_chains(nft_batch& b) const;
  void flush_chain(nft_batch& b, const char* chain) const;
  void add_prerouting_rules(nft_batch& b) const;
  void add_rate_rules(nft_batch& b) const;
  void add_queue_rules(nft_batch& b) const;

  table_spec spec_;
};

}  // namespace tollgate::netfilter
