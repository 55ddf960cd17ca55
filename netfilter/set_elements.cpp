// Set elements on the wire: bulk add/delete/flush batches and parsing of element dumps.
#include "netfilter/set_elements.hpp"

#include "netfilter/handles.hpp"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tollgate::netfilter {
namespace {

// Conservative bounds so that a message's element list (a 16-bit nested attribute) and a
// batch stay within their limits whatever the family.
constexpr std::size_t kernel_elements_per_message = 512;
constexpr std::size_t max_bytes_per_kernel_element = 64;
constexpr std::size_t max_message_bytes = kernel_elements_per_message * max_bytes_per_kernel_element + 256;

std::uint32_t key_len(base::ip_family f) { return f == base::ip_family::v4 ? 4 : 16; }

/// The next address, or nullopt past the last one.
std::optional<base::ip_address> increment(const base::ip_address& a) {
  auto bytes = a.bytes();
  const int len = static_cast<int>(key_len(a.family()));
  for (int i = len - 1; i >= 0; --i) {
    if (++bytes[static_cast<std::size_t>(i)] != 0) {
      if (a.is_v4()) return base::ip_address::v4({bytes[0], bytes[1], bytes[2], bytes[3]});
      return base::ip_address::v6(bytes);
    }
  }
  return std::nullopt;
}

base::ip_address from_key(base::ip_family f, const std::array<std::uint8_t, 16>& key) {
  if (f == base::ip_family::v4) return base::ip_address::v4({key[0], key[1], key[2], key[3]});
  return base::ip_address::v6(key);
}

set_ptr make_set_header(const set_ref& ref) {
  auto set = make_set();
  nftnl_set_set_str(set.get(), NFTNL_SET_TABLE, ref.table.c_str());
  nftnl_set_set_str(set.get(), NFTNL_SET_NAME, ref.set.c_str());
  nftnl_set_set_u32(set.get(), NFTNL_SET_FAMILY, NFPROTO_INET);
  return set;
}

/// timeout_ms < 0: no timeout (a permanent element, or a deletion).
void add_kernel_element(nftnl_set* set, const base::ip_address& key, bool end, std::int64_t timeout_ms) {
  auto* e = nftnl_set_elem_alloc();
  nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key.bytes().data(), key_len(key.family()));
  if (end) nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
  if (timeout_ms >= 0) nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT, static_cast<std::uint64_t>(timeout_ms));
  nftnl_set_elem_add(set, e);
}

}  // namespace

std::optional<base::ip_prefix> range_to_prefix(const base::ip_address& first,
                                               const std::optional<base::ip_address>& end) {
  for (unsigned length = 0; length <= first.bit_length(); ++length) {
    const auto p = base::ip_prefix::of(first, length);
    if (p.address() == first && increment(p.last()) == end) return p;
  }
  return std::nullopt;
}

error check_elements(const set_ref& ref, std::span<const element> elements) {
  for (const auto& e : elements) {
    if (e.prefix.family() != ref.family) {
      return error::from_errno(EAFNOSUPPORT, errc::invalid_argument,
                               "set " + ref.set + ": " + e.prefix.to_string() + " is of the other family");
    }
    if (!ref.interval && e.prefix.length() != e.prefix.address().bit_length()) {
      return error::from_errno(EINVAL, errc::invalid_argument,
                               "set " + ref.set + ": holds single addresses, not " + e.prefix.to_string());
    }
  }
  return {};
}

namespace {

std::size_t elements_per_message(const set_ref& ref) {
  return ref.interval ? kernel_elements_per_message / 2 : kernel_elements_per_message;
}

/// One NEWSETELEM/DELSETELEM message for at most elements_per_message() elements.
void append_message(nft_batch& batch, const set_ref& ref, element_op op, std::span<const element> chunk) {
  const auto type = op == element_op::add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM;
  const std::uint16_t flags = op == element_op::add ? NLM_F_CREATE : 0;
  const char* verb = op == element_op::add ? "add to set " : "delete from set ";
  auto set = make_set_header(ref);
  for (const auto& e : chunk) {
    const std::int64_t timeout = op == element_op::add && e.timeout ? e.timeout->count() : -1;
    add_kernel_element(set.get(), e.prefix.address(), false, timeout);
    if (ref.interval) {
      // The kernel refuses a timeout on an interval end: the start carries it for both.
      if (auto end = increment(e.prefix.last())) add_kernel_element(set.get(), *end, true, -1);
    }
  }
  std::string object = verb + ref.set + " (" + chunk.front().prefix.to_string();
  if (chunk.size() > 1) object += " and " + std::to_string(chunk.size() - 1) + " more";
  object += ")";
  batch.add(type, NFPROTO_INET, flags, std::move(object),
            [&](nlmsghdr* nlh) { nftnl_set_elems_nlmsg_build_payload(nlh, set.get()); });
}

}  // namespace

void append_elements(nft_batch& batch, const set_ref& ref, element_op op, std::span<const element> elements) {
  const std::size_t per_message = elements_per_message(ref);
  for (std::size_t i = 0; i < elements.size(); i += per_message) {
    append_message(batch, ref, op, elements.subspan(i, std::min(per_message, elements.size() - i)));
  }
}

void append_flush(nft_batch& batch, const set_ref& ref) {
  auto set = make_set_header(ref);
  batch.add(NFT_MSG_DELSETELEM, NFPROTO_INET, 0, "flush set " + ref.set,
            [&](nlmsghdr* nlh) { nftnl_set_elems_nlmsg_build_payload(nlh, set.get()); });
}

result<std::vector<nft_batch>> build_element_batches(
    const set_ref& ref, element_op op, const std::vector<element>& elements,
    const std::function<std::uint32_t(std::size_t)>& next_seq, std::size_t max_batch_bytes) {
  if (auto err = check_elements(ref, elements)) return {{}, err};
  const std::size_t per_message = elements_per_message(ref);
  const std::size_t per_batch =
      per_message * std::max<std::size_t>(1, max_batch_bytes / max_message_bytes);
  const std::span<const element> all{elements};
  std::vector<nft_batch> batches;
  for (std::size_t i = 0; i < all.size(); i += per_batch) {
    const auto chunk = all.subspan(i, std::min(per_batch, all.size() - i));
    nft_batch batch{next_seq((chunk.size() + per_message - 1) / per_message)};
    append_elements(batch, ref, op, chunk);
    batch.finish();
    batches.push_back(std::move(batch));
  }
  return {std::move(batches), {}};
}

nft_batch build_flush(const set_ref& ref, std::uint32_t seq) {
  nft_batch batch{seq};
  append_flush(batch, ref);
  batch.finish();
  return batch;
}

void build_element_dump_request(nlmsghdr* nlh, const set_ref& ref) {
  auto set = make_set_header(ref);
  nftnl_set_elems_nlmsg_build_payload(nlh, set.get());
}

void element_collector::on_message(const nlmsghdr* nlh) {
  auto set = make_set();
  if (nftnl_set_elems_nlmsg_parse(nlh, set.get()) < 0) return;
  auto* iter = nftnl_set_elems_iter_create(set.get());
  if (iter == nullptr) return;
  const auto len = key_len(set_.family);
  for (auto* e = nftnl_set_elems_iter_next(iter); e != nullptr; e = nftnl_set_elems_iter_next(iter)) {
    raw r;
    std::uint32_t data_len = 0;
    const void* key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &data_len);
    if (key == nullptr || data_len != len) continue;
    std::memcpy(r.key.data(), key, len);
    if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS)) {
      r.end = (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_INTERVAL_END) != 0;
    }
    if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_TIMEOUT)) {
      r.timeout = base::millis{static_cast<std::int64_t>(nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_TIMEOUT))};
    }
    if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_EXPIRATION)) {
      r.remaining = base::millis{static_cast<std::int64_t>(nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_EXPIRATION))};
    }
    raw_.push_back(r);
  }
  nftnl_set_elems_iter_destroy(iter);
}

std::vector<listed_element> element_collector::take() {
  std::vector<listed_element> out;
  const auto family = set_.family;
  if (!set_.interval) {
    for (const auto& r : raw_) {
      out.push_back({base::ip_prefix::host(from_key(family, r.key)), r.timeout, r.remaining});
    }
    raw_.clear();
    return out;
  }
  // Intervals: order by key, an end before a start at the same key (adjacent ranges).
  std::sort(raw_.begin(), raw_.end(), [](const raw& a, const raw& b) {
    if (a.key != b.key) return a.key < b.key;
    return a.end && !b.end;
  });
  for (std::size_t i = 0; i < raw_.size(); ++i) {
    if (raw_[i].end) continue;
    const auto first = from_key(family, raw_[i].key);
    std::optional<base::ip_address> end;
    if (i + 1 < raw_.size() && raw_[i + 1].end) end = from_key(family, raw_[i + 1].key);
    if (auto p = range_to_prefix(first, end)) out.push_back({*p, raw_[i].timeout, raw_[i].remaining});
  }
  raw_.clear();
  return out;
}

}  // namespace tollgate::netfilter
