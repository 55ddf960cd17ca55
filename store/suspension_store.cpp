// The suspensions table.
#include "store/suspension_store.hpp"

namespace tollgate::store {

result<void> suspension_store::upsert(const suspension_row& row) {
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO suspensions (endpoint, until_ms, failures, since_ms, known) VALUES (?, ?, ?, ?, ?)");
  if (!st) return st.error();
  (*st)->bind_all(row.endpoint, row.until, row.failures, row.since, static_cast<std::int64_t>(row.known ? 1 : 0));
  return (*st)->run();
}

result<bool> suspension_store::erase(const std::string& endpoint) {
  auto st = db_.prepare("DELETE FROM suspensions WHERE endpoint = ?");
  if (!st) return st.error();
  (*st)->bind_all(endpoint);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes() > 0;
}

result<std::vector<suspension_row>> suspension_store::list() {
  auto st = db_.prepare("SELECT endpoint, until_ms, failures, since_ms, known FROM suspensions ORDER BY endpoint");
  if (!st) return st.error();
  std::vector<suspension_row> rows;
  for (;;) {
    auto more = (*st)->step();
    if (!more) return more.error();
    if (!*more) break;
    rows.push_back({std::string((*st)->get_text(0)), (*st)->get_time(1), (*st)->get_int64(2), (*st)->get_time(3),
                    (*st)->get_int64(4) != 0});
  }
  return rows;
}

result<std::int64_t> suspension_store::erase_expired(base::timestamp now) {
  auto st = db_.prepare("DELETE FROM suspensions WHERE until_ms <= ?");
  if (!st) return st.error();
  (*st)->bind_all(now);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes();
}

}  // namespace tollgate::store
