// The facade the agent drives: our table, its sets, the REGISTER limit, the queue rule.
#pragma once

#include "netfilter/counters.hpp"
#include "netfilter/element.hpp"
#include "netfilter/error.hpp"
#include "netfilter/nft_socket.hpp"
#include "netfilter/ruleset_builder.hpp"
#include "netfilter/set_elements.hpp"
#include "netfilter/table_spec.hpp"

#include <vector>

namespace tollgate::netfilter {

/// Every call is one or more atomic transactions on one netlink socket, opened in the
/// network namespace of the thread that calls open(). Not thread-safe.
class firewall {
public:
  /// A closed firewall; open() makes a usable one.
  firewall() = default;
  /// Opens the socket; talks to the kernel only from ensure_table() on.
  static result<firewall> open(table_spec spec);

  const table_spec& spec() const { return builder_.spec(); }

  /// Which queue rule the kernel accepts: native when CONFIG_NFT_QUEUE is there, else the
  /// xt NFQUEUE target. Leaves the kernel unchanged. not_supported when neither works.
  result<queue_kind> probe_queue_kind();
  /// Creates the table or adopts and reconciles an existing one (elements are kept).
  error ensure_table();
  error ensure_table(const table_spec& spec);
  /// Whether our table exists.
  result<bool> table_exists();
  /// Removes our table (and nothing else); success when it is already gone.
  error teardown();

  /// Blocks: IPv4 host addresses (/32) into block_v4, shorter IPv4 prefixes into
  /// block_net_v4, IPv6 prefixes into block_v6; bulk in transactions sized to the socket
  /// buffer. Adding an existing element keeps it. Prefixes inside one interval set must
  /// not overlap (the kernel refuses it); a /32 may lie inside a blocked IPv4 prefix.
  error add_blocks(const std::vector<element>& elements);
  /// Removes each prefix from the set add_blocks put it in. An element that is already
  /// gone (expired a moment ago) fails its whole transaction with object_not_found: the
  /// caller retries one by one (this kernel's DESTROYSETELEM is not in our headers).
  error remove_blocks(const std::vector<base::ip_prefix>& prefixes);
  /// block_v4, then block_net_v4, then block_v6, each prefix as it was added.
  result<std::vector<listed_element>> list_blocks();
  error flush_blocks();

  /// Replaces the whitelist / the trusted sources (both families) in one transaction.
  error set_allow(const std::vector<base::ip_prefix>& prefixes);
  error set_trusted(const std::vector<base::ip_prefix>& prefixes);
  error add_trusted(const std::vector<base::ip_prefix>& prefixes);
  error remove_trusted(const std::vector<base::ip_prefix>& prefixes);
  result<std::vector<listed_element>> list_allow();
  result<std::vector<listed_element>> list_trusted();

  /// REGISTER_RATE_LIMIT / REGISTER_RATE_BURST at run time (per_minute 0 = off).
  error set_rate(register_rate rate);
  /// INSPECT_ENABLE at run time: adds or removes the NFQUEUE rule.
  error set_inspect(bool inspect);
  /// The drop counters of our table.
  result<std::vector<counter_value>> counters();

  /// Sends a finished batch as it is (for benchmarks and tools).
  error send(const nft_batch& batch) { return socket_.send(batch); }
  nft_socket& socket() { return socket_; }
  set_ref ref(const char* set, base::ip_family family, bool interval) const;

private:
  firewall(nft_socket socket, table_spec spec) : socket_(std::move(socket)), builder_(std::move(spec)) {}
  error apply(const set_ref& set, element_op op, const std::vector<element>& elements);
  error apply_blocks(element_op op, const std::vector<element>& elements);
  error replace(const char* v4_set, const char* v6_set, const std::vector<base::ip_prefix>& prefixes);
  error change(const char* v4_set, const char* v6_set, element_op op, const std::vector<base::ip_prefix>& prefixes);
  result<std::vector<listed_element>> list(const set_ref& set);
  result<std::vector<listed_element>> list_pair(const char* v4_set, const char* v6_set);

  nft_socket socket_;
  ruleset_builder builder_;
};

}  // namespace tollgate::netfilter
