// The blocks table and its history.
#include "store/block_store.hpp"

namespace tollgate::store {
namespace {

constexpr std::string_view select_columns = "SELECT prefix, until_ms, reason, created_ms, actor, evidence FROM blocks";

result<block_row> read_row(const statement& st) {
  const auto text = st.get_text(0);
  auto prefix = base::ip_prefix::parse(text);
  if (!prefix) return make_error(errc::corrupt, "blocks: stored prefix \"" + std::string(text) + "\" is not a CIDR");
  return block_row{*prefix,        st.get_optional_time(1),     std::string(st.get_text(2)),
                   st.get_time(3), std::string(st.get_text(4)), std::string(st.get_text(5))};
}

}  // namespace

result<void> block_store::upsert(const block_row& row) {
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO blocks (prefix, family, until_ms, reason, created_ms, actor, evidence) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  (*st)->bind_all(row.prefix.to_string(), static_cast<int>(row.prefix.family()), row.until, row.reason, row.created,
                  row.actor, row.evidence);
  return (*st)->run();
}

result<bool> block_store::erase(const base::ip_prefix& prefix) {
  auto st = db_.prepare("DELETE FROM blocks WHERE prefix = ?");
  if (!st) return st.error();
  (*st)->bind_all(prefix.to_string());
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes() > 0;
}

result<std::optional<block_row>> block_store::find(const base::ip_prefix& prefix) {
  auto st = db_.prepare(std::string(select_columns) + " WHERE prefix = ?");
  if (!st) return st.error();
  (*st)->bind_all(prefix.to_string());
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<block_row>{};
  auto found = read_row(**st);
  if (!found) return found.error();
  return std::optional<block_row>{std::move(*found)};
}

result<std::vector<block_row>> block_store::load_all() {
  auto total = count();
  if (!total) return total.error();
  auto st = db_.prepare(select_columns);
  if (!st) return st.error();
  std::vector<block_row> rows;
  rows.reserve(static_cast<std::size_t>(*total));
  for (;;) {
    auto more = (*st)->step();
    if (!more) return more.error();
    if (!*more) break;
    auto row = read_row(**st);
    if (!row) return row.error();
    rows.push_back(std::move(*row));
  }
  return rows;
}

result<std::int64_t> block_store::erase_expired(base::timestamp now) {
  auto st = db_.prepare("DELETE FROM blocks WHERE until_ms IS NOT NULL AND until_ms <= ?");
  if (!st) return st.error();
  (*st)->bind_all(now);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes();
}

result<std::int64_t> block_store::count() {
  auto st = db_.prepare("SELECT count(*) FROM blocks");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  return (*st)->get_int64(0);
}

result<void> block_store::record_history(const block_history_row& row) {
  auto st = db_.prepare("INSERT INTO block_history (prefix, blocked_at_ms, duration_s) VALUES (?, ?, ?)");
  if (!st) return st.error();
  (*st)->bind_all(row.prefix.to_string(), row.blocked_at, static_cast<std::int64_t>(row.duration.count()));
  return (*st)->run();
}

result<std::vector<block_history_row>> block_store::history(const base::ip_prefix& prefix, base::timestamp since) {
  auto st = db_.prepare(
      "SELECT blocked_at_ms, duration_s FROM block_history WHERE prefix = ? AND blocked_at_ms >= ? "
      "ORDER BY blocked_at_ms, id");
  if (!st) return st.error();
  (*st)->bind_all(prefix.to_string(), since);
  std::vector<block_history_row> rows;
  for (;;) {
    auto more = (*st)->step();
    if (!more) return more.error();
    if (!*more) break;
    rows.push_back({prefix, (*st)->get_time(0), std::chrono::seconds{(*st)->get_int64(1)}});
  }
  return rows;
}

result<std::vector<block_history_row>> block_store::history_since(base::timestamp since) {
  auto st = db_.prepare(
      "SELECT prefix, blocked_at_ms, duration_s FROM block_history WHERE blocked_at_ms >= ? ORDER BY blocked_at_ms, id");
  if (!st) return st.error();
  (*st)->bind_all(since);
  std::vector<block_history_row> rows;
  for (;;) {
    auto more = (*st)->step();
    if (!more) return more.error();
    if (!*more) break;
    const auto prefix = base::ip_prefix::parse((*st)->get_text(0));
    if (!prefix) continue;  // written by us, so never; a hand-edited row is skipped
    rows.push_back({*prefix, (*st)->get_time(1), std::chrono::seconds{(*st)->get_int64(2)}});
  }
  return rows;
}

result<std::int64_t> block_store::prune_history(base::timestamp cutoff) {
  auto st = db_.prepare("DELETE FROM block_history WHERE blocked_at_ms < ?");
  if (!st) return st.error();
  (*st)->bind_all(cutoff);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes();
}

}  // namespace tollgate::store
