// The parameters table.
#include "store/parameter_store.hpp"

namespace tollgate::store {

result<void> parameter_store::upsert(const parameter_row& row) {
  auto st = db_.prepare("INSERT OR REPLACE INTO parameters (name, value, origin) VALUES (?, ?, ?)");
  if (!st) return st.error();
  (*st)->bind_all(row.name, row.value, row.origin);
  return (*st)->run();
}

result<bool> parameter_store::erase(const std::string& name) {
  auto st = db_.prepare("DELETE FROM parameters WHERE name = ?");
  if (!st) return st.error();
  (*st)->bind_all(name);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes() > 0;
}

result<std::vector<parameter_row>> parameter_store::load_all() {
  auto st = db_.prepare("SELECT name, value, origin FROM parameters ORDER BY name");
  if (!st) return st.error();
  std::vector<parameter_row> rows;
  for (;;) {
    auto more = (*st)->step();
    if (!more) return more.error();
    if (!*more) break;
    rows.push_back({std::string((*st)->get_text(0)), (*st)->get_int64(1), std::string((*st)->get_text(2))});
  }
  return rows;
}

}  // namespace tollgate::store
