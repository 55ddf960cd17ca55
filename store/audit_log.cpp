// The audit log.
#include "store/audit_log.hpp"

#include <algorithm>

namespace tollgate::store {

result<std::int64_t> audit_log::append(const audit_entry& entry) {
  auto st =
      db_.prepare("INSERT INTO audit (time_ms, actor, action, subject, reason, evidence) VALUES (?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  (*st)->bind_all(entry.time, entry.actor, entry.action, entry.subject, entry.reason, entry.evidence);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.last_insert_rowid();
}

result<std::vector<audit_entry>> audit_log::since(base::timestamp since, std::size_t limit) {
  return select(
      "SELECT id, time_ms, actor, action, subject, reason, evidence FROM audit "
      "WHERE time_ms >= ? ORDER BY id LIMIT ?",
      since.time_since_epoch().count(), limit);
}

result<std::vector<audit_entry>> audit_log::after(std::int64_t id, std::size_t limit) {
  return select(
      "SELECT id, time_ms, actor, action, subject, reason, evidence FROM audit "
      "WHERE id > ? ORDER BY id LIMIT ?",
      id, limit);
}

result<std::vector<audit_entry>> audit_log::select(std::string_view sql, std::int64_t key, std::size_t limit) {
  auto st = db_.prepare(sql);
  if (!st) return st.error();
  const auto capped = static_cast<std::int64_t>(std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
  (*st)->bind_all(key, capped);
  std::vector<audit_entry> rows;
  for (;;) {
    auto more = (*st)->step();
    if (!more) return more.error();
    if (!*more) break;
    const auto& s = **st;
    rows.push_back({s.get_int64(0), s.get_time(1), std::string(s.get_text(2)), std::string(s.get_text(3)),
                    std::string(s.get_text(4)), std::string(s.get_text(5)), std::string(s.get_text(6))});
  }
  return rows;
}

result<std::int64_t> audit_log::prune_older_than(base::timestamp cutoff) {
  auto st = db_.prepare("DELETE FROM audit WHERE time_ms < ?");
  if (!st) return st.error();
  (*st)->bind_all(cutoff);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes();
}

}  // namespace tollgate::store
