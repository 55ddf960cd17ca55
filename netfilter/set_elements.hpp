// Set elements on the wire: bulk add/delete/flush batches and parsing of element dumps.
#pragma once

#include "netfilter/element.hpp"
#include "netfilter/error.hpp"
#include "netfilter/nft_batch.hpp"

#include <linux/netlink.h>

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <functional>
#include <string>
#include <vector>

namespace tollgate::netfilter {

/// Where elements go: a set of our table, keyed by addresses of one family.
struct set_ref {
  std::string table;
  std::string set;
  base::ip_family family = base::ip_family::v4;
  bool interval = false;  // prefixes stored as [start, end) pairs
};

enum class element_op : std::uint8_t { add, remove };

/// Default cap on one transaction: the socket buffers are grown to hold it.
inline constexpr std::size_t default_max_batch_bytes = 8u << 20;

/// Splits `elements` into transactions of at most `max_batch_bytes` each (every one is
/// atomic on its own), NEWSETELEM or DELSETELEM messages of at most a few hundred
/// elements. `next_seq(messages)` hands out sequence numbers. Fails with invalid_argument
/// for an element of the wrong family or a prefix in a non-interval set.
result<std::vector<nft_batch>> build_element_batches(
    const set_ref& set, element_op op, const std::vector<element>& elements,
    const std::function<std::uint32_t(std::size_t)>& next_seq,
    std::size_t max_batch_bytes = default_max_batch_bytes);

/// One transaction that removes every element of the set.
nft_batch build_flush(const set_ref& set, std::uint32_t seq);

/// Appends to an open batch: one message emptying the set, or one message per few hundred
/// elements (for small transactions that combine several sets, e.g. replacing a whitelist).
void append_flush(nft_batch& batch, const set_ref& set);
void append_elements(nft_batch& batch, const set_ref& set, element_op op,
                     std::span<const element> elements);
/// invalid_argument when an element does not fit the set (family, prefix in a plain set).
error check_elements(const set_ref& set, std::span<const element> elements);

/// Writes a GETSETELEM dump request for `set` into `nlh`.
void build_element_dump_request(nlmsghdr* nlh, const set_ref& set);

/// Collects the elements of dump replies and turns interval pairs back into prefixes.
class element_collector {
public:
  explicit element_collector(set_ref set) : set_(std::move(set)) {}
  void on_message(const nlmsghdr* nlh);
  std::vector<listed_element> take();

private:
  struct raw {
    std::array<std::uint8_t, 16> key{};
    bool end = false;
    std::optional<base::millis> timeout;
    std::optional<base::millis> remaining;
  };
  set_ref set_;
  std::vector<raw> raw_;
};

/// The prefix covering exactly [first, last_plus_one) when that range is one CIDR block.
std::optional<base::ip_prefix> range_to_prefix(const base::ip_address& first,
                                               const std::optional<base::ip_address>& end);

}  // namespace tollgate::netfilter
