// The whitelist table.
#include "store/whitelist_store.hpp"

namespace tollgate::store {

result<void> whitelist_store::upsert(const whitelist_row& row) {
  auto st = db_.prepare("INSERT OR REPLACE INTO whitelist (cidr, created_ms, actor) VALUES (?, ?, ?)");
  if (!st) return st.error();
  (*st)->bind_all(row.cidr.to_string(), row.created, row.actor);
  return (*st)->run();
}

result<bool> whitelist_store::erase(const base::ip_prefix& cidr) {
  auto st = db_.prepare("DELETE FROM whitelist WHERE cidr = ?");
  if (!st) return st.error();
  (*st)->bind_all(cidr.to_string());
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes() > 0;
}

result<std::vector<whitelist_row>> whitelist_store::list() {
  auto st = db_.prepare("SELECT cidr, created_ms, actor FROM whitelist ORDER BY cidr");
  if (!st) return st.error();
  std::vector<whitelist_row> rows;
  for (;;) {
    auto more = (*st)->step();
    if (!more) return more.error();
    if (!*more) break;
    const auto text = (*st)->get_text(0);
    auto cidr = base::ip_prefix::parse(text);
    if (!cidr) return make_error(errc::corrupt, "whitelist: stored CIDR \"" + std::string(text) + "\" is not a CIDR");
    rows.push_back({*cidr, (*st)->get_time(1), std::string((*st)->get_text(2))});
  }
  return rows;
}

}  // namespace tollgate::store
