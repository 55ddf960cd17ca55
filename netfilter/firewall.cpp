// The facade the agent drives: our table, its sets, the REGISTER limit, the queue rule.
#include "netfilter/firewall.hpp"

#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "netfilter/handles.hpp"

namespace tollgate::netfilter {
namespace {

std::vector<element> permanent(const std::vector<base::ip_prefix>& prefixes, base::ip_family family) {
  std::vector<element> out;
  for (const auto& p : prefixes) {
    if (p.family() == family) out.push_back({p, std::nullopt});
  }
  return out;
}

}  // namespace

result<firewall> firewall::open(table_spec spec) {
  auto sock = nft_socket::open();
  if (!sock) return {firewall{}, sock.error};
  return {firewall{std::move(sock.value), std::move(spec)}, {}};
}

set_ref firewall::ref(const char* set, base::ip_family family, bool interval) const {
  return {spec().table, set, family, interval};
}

result<queue_kind> firewall::probe_queue_kind() {
  error last;
  for (const auto kind : {queue_kind::native, queue_kind::compat}) {
    const auto batch = builder_.probe_queue(socket_.next_seq(4), kind);
    const auto err = socket_.send(batch);
    // The probe always fails at its last message; an earlier failure means the queue rule
    // (or nf_tables itself) is not usable.
    if (err && err.object == "probe end") return {kind, {}};
    if (!err) return {kind, {}};
    last = err;
    if (err.code == errc::permission_denied || err.code == errc::nftables_unavailable) break;
  }
  return {queue_kind::compat, last};
}

error firewall::ensure_table() {
  const auto batch = builder_.ensure_table(socket_.next_seq(64));
  return socket_.send(batch);
}

error firewall::ensure_table(const table_spec& spec) {
  builder_ = ruleset_builder{spec};
  return ensure_table();
}

result<bool> firewall::table_exists() {
  bool found = false;
  const auto& name = spec().table;
  auto err = socket_.dump(
      NFT_MSG_GETTABLE, NFPROTO_INET, "list tables", [](nlmsghdr*) {},
      [&](const nlmsghdr* nlh) {
        auto table = make_table();
        if (nftnl_table_nlmsg_parse(nlh, table.get()) < 0) return;
        if (nftnl_table_get_u32(table.get(), NFTNL_TABLE_FAMILY) == NFPROTO_INET &&
            name == nftnl_table_get_str(table.get(), NFTNL_TABLE_NAME)) {
          found = true;
        }
      });
  return {found, err};
}

error firewall::teardown() {
  const auto err = socket_.send(builder_.teardown(socket_.next_seq(1)));
  if (err.code == errc::object_not_found) return {};
  return err;
}

error firewall::apply(const set_ref& set, element_op op, const std::vector<element>& elements) {
  if (elements.empty()) return {};
  auto batches = build_element_batches(set, op, elements,
                                       [this](std::size_t n) { return socket_.next_seq(n); });
  if (!batches) return batches.error;
  for (const auto& batch : batches.value) {
    if (auto err = socket_.send(batch)) return err;
  }
  return {};
}

// Each block goes to the one set that holds its kind of prefix; the hash of IPv4 hosts
// keeps bulk adds fast, the interval sets take what a hash cannot.
error firewall::apply_blocks(element_op op, const std::vector<element>& elements) {
  std::vector<element> hosts;
  std::vector<element> nets;
  std::vector<element> v6;
  for (const auto& e : elements) {
    if (e.prefix.family() == base::ip_family::v6) {
      v6.push_back(e);
    } else {
      (e.prefix.length() == e.prefix.address().bit_length() ? hosts : nets).push_back(e);
    }
  }
  if (auto err = apply(ref(names::block_v4, base::ip_family::v4, false), op, hosts)) return err;
  if (auto err = apply(ref(names::block_net_v4, base::ip_family::v4, true), op, nets)) return err;
  return apply(ref(names::block_v6, base::ip_family::v6, true), op, v6);
}

error firewall::add_blocks(const std::vector<element>& elements) { return apply_blocks(element_op::add, elements); }

error firewall::remove_blocks(const std::vector<base::ip_prefix>& prefixes) {
  std::vector<element> elements;
  elements.reserve(prefixes.size());
  for (const auto& p : prefixes) elements.push_back({p, std::nullopt});
  return apply_blocks(element_op::remove, elements);
}

error firewall::flush_blocks() {
  nft_batch batch{socket_.next_seq(3)};
  append_flush(batch, ref(names::block_v4, base::ip_family::v4, false));
  append_flush(batch, ref(names::block_net_v4, base::ip_family::v4, true));
  append_flush(batch, ref(names::block_v6, base::ip_family::v6, true));
  batch.finish();
  return socket_.send(batch);
}

result<std::vector<listed_element>> firewall::list(const set_ref& set) {
  element_collector collector{set};
  auto err = socket_.dump(
      NFT_MSG_GETSETELEM, NFPROTO_INET, set.set.c_str(),
      [&](nlmsghdr* nlh) { build_element_dump_request(nlh, set); },
      [&](const nlmsghdr* nlh) { collector.on_message(nlh); });
  return {collector.take(), err};
}

result<std::vector<listed_element>> firewall::list_pair(const char* v4_set, const char* v6_set) {
  auto v4 = list(ref(v4_set, base::ip_family::v4, true));
  if (!v4) return v4;
  auto v6 = list(ref(v6_set, base::ip_family::v6, true));
  if (!v6) return v6;
  v4.value.insert(v4.value.end(), v6.value.begin(), v6.value.end());
  return v4;
}

result<std::vector<listed_element>> firewall::list_blocks() {
  auto out = list(ref(names::block_v4, base::ip_family::v4, false));
  if (!out) return out;
  for (const auto& set : {ref(names::block_net_v4, base::ip_family::v4, true),
                          ref(names::block_v6, base::ip_family::v6, true)}) {
    auto more = list(set);
    if (!more) return more;
    out.value.insert(out.value.end(), more.value.begin(), more.value.end());
  }
  return out;
}

result<std::vector<listed_element>> firewall::list_allow() { return list_pair(names::allow_v4, names::allow_v6); }
result<std::vector<listed_element>> firewall::list_trusted() { return list_pair(names::trusted_v4, names::trusted_v6); }

error firewall::replace(const char* v4_set, const char* v6_set, const std::vector<base::ip_prefix>& prefixes) {
  const auto v4_ref = ref(v4_set, base::ip_family::v4, true);
  const auto v6_ref = ref(v6_set, base::ip_family::v6, true);
  const auto v4 = permanent(prefixes, base::ip_family::v4);
  const auto v6 = permanent(prefixes, base::ip_family::v6);
  // One transaction: readers never see an empty whitelist in between.
  nft_batch batch{socket_.next_seq(2 + (v4.size() + v6.size()) / 128 + 2)};
  append_flush(batch, v4_ref);
  append_flush(batch, v6_ref);
  append_elements(batch, v4_ref, element_op::add, v4);
  append_elements(batch, v6_ref, element_op::add, v6);
  batch.finish();
  return socket_.send(batch);
}

error firewall::change(const char* v4_set, const char* v6_set, element_op op,
                       const std::vector<base::ip_prefix>& prefixes) {
  if (auto err = apply(ref(v4_set, base::ip_family::v4, true), op, permanent(prefixes, base::ip_family::v4))) {
    return err;
  }
  return apply(ref(v6_set, base::ip_family::v6, true), op, permanent(prefixes, base::ip_family::v6));
}

error firewall::set_allow(const std::vector<base::ip_prefix>& p) { return replace(names::allow_v4, names::allow_v6, p); }
error firewall::set_trusted(const std::vector<base::ip_prefix>& p) { return replace(names::trusted_v4, names::trusted_v6, p); }
error firewall::add_trusted(const std::vector<base::ip_prefix>& p) {
  return change(names::trusted_v4, names::trusted_v6, element_op::add, p);
}
error firewall::remove_trusted(const std::vector<base::ip_prefix>& p) {
  return change(names::trusted_v4, names::trusted_v6, element_op::remove, p);
}

error firewall::set_rate(register_rate rate) {
  auto previous = builder_.spec().rate;
  const auto err = socket_.send(builder_.set_rate(socket_.next_seq(8), rate));
  if (err) builder_.set_rate(0, previous);  // the kernel kept the old rules: so do we
  return err;
}

error firewall::set_inspect(bool inspect) {
  const bool previous = builder_.spec().inspect;
  const auto err = socket_.send(builder_.set_inspect(socket_.next_seq(2), inspect));
  if (err) builder_.set_inspect(0, previous);
  return err;
}

result<std::vector<counter_value>> firewall::counters() {
  std::vector<counter_value> out;
  const auto& table = spec().table;
  auto err = socket_.dump(
      NFT_MSG_GETOBJ, NFPROTO_INET, "counters", [&](nlmsghdr* nlh) { build_counter_dump_request(nlh, table); },
      [&](const nlmsghdr* nlh) { parse_counter(nlh, table, out); });
  return {std::move(out), err};
}

}  // namespace tollgate::netfilter
