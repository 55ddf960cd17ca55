// TCP admission: which connection gets a slot, and which one gives its slot up when the
// table is full. Pure: no sockets, no clock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>

#include "base/clock.hpp"
#include "base/ip_address.hpp"

namespace tollgate::switch_ {

/// The address a connection is counted under: IPv4 (and IPv4-mapped) addresses as they
/// are, IPv6 addresses as their network of `v6_prefix` bits, since one site holds a /64.
base::ip_address source_key(const base::ip_address& ip, unsigned v6_prefix);

struct admission_limits {
  std::size_t max_connections = 4096;
  std::size_t max_per_source = 64;
  unsigned v6_source_prefix = 64;
};

/// A source with a live registration or a configured gateway: exempt from the per-source
/// limit and evicted only for another trusted source, and last.
using trust_test = std::function<bool(const base::ip_address&)>;

struct admission {
  enum class verdict : std::uint8_t { accept, evict_then_accept, refuse_per_source, refuse_full };
  verdict what = verdict::accept;
  std::uint64_t victim = 0;  // evict_then_accept: the connection to close first
};

/// The open connections and what each has done lately.
///
/// Invariant: per_source_[k] is the number of entries whose key is k, and no key maps to 0.
/// Entries are accepted connections only; those the switch opens share max_connections
/// (the caller passes the total open) but are never evicted.
/// Eviction order, first to go: untrusted connections in the middle of a message (or that
/// have not completed one since they connected), oldest start first, so a trickling
/// client goes before a phone that is quiet between REGISTERs; then untrusted idle ones,
/// least recently heard from first; then trusted ones in the same order.
class tcp_admission {
public:
  explicit tcp_admission(admission_limits limits) : limits_(limits) {}
  void set_limits(admission_limits limits) { limits_ = limits; }
  const admission_limits& limits() const { return limits_; }

  /// May a connection from `source` come in now, with `open` connections open in all
  /// (accepted and outbound)? With evict_then_accept the caller closes `victim`
  /// (remove()), then add()s the newcomer. O(connections) only when full.
  admission admit(const base::ip_address& source, std::size_t open, const trust_test& trusted) const;
  /// A slot for `id`, accepted from `source`.
  void add(std::uint64_t id, const base::ip_address& source, base::steady_timestamp now);
  void remove(std::uint64_t id);
  /// Bytes arrived, completing `completed` messages; `pending`: a message is incomplete
  /// after them.
  void on_read(std::uint64_t id, std::size_t completed, bool pending, base::steady_timestamp now);

  std::size_t size() const { return entries_.size(); }
  /// Connections counted under `source`'s key.
  std::size_t from_source(const base::ip_address& source) const;

private:
  struct entry {
    base::ip_address key;
    bool proven = false;  // has completed a message
    std::optional<base::steady_timestamp> pending_since;  // first byte of an incomplete message
    base::steady_timestamp last_read{};
    base::ip_address source;
  };
  std::optional<std::uint64_t> victim(bool newcomer_trusted, const trust_test& trusted) const;


  admission_limits limits_;
  std::unordered_map<std::uint64_t, entry> entries_;
  std::unordered_map<base::ip_address, std::size_t> per_source_;
};

}  // namespace tollgate::switch_
