// The registrations table.
#include "store/binding_store.hpp"

namespace tollgate::store {

result<void> binding_store::upsert(const binding_row& row) {
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO registrations (endpoint, contact, source_ip, source_port, transport, expires_ms, "
      "user_agent, call_id, cseq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  (*st)->bind_all(row.endpoint, row.contact, row.source_ip.to_string(), static_cast<int>(row.source_port),
                  row.transport, row.expires_at, row.user_agent, row.call_id, static_cast<std::int64_t>(row.cseq));
  return (*st)->run();
}

result<bool> binding_store::erase(const std::string& endpoint, const std::string& contact) {
  auto st = db_.prepare("DELETE FROM registrations WHERE endpoint = ? AND contact = ?");
  if (!st) return st.error();
  (*st)->bind_all(endpoint, contact);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes() > 0;
}

result<std::int64_t> binding_store::erase_endpoint(const std::string& endpoint) {
  auto st = db_.prepare("DELETE FROM registrations WHERE endpoint = ?");
  if (!st) return st.error();
  (*st)->bind_all(endpoint);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes();
}

result<std::vector<binding_row>> binding_store::load_all() {
  auto st = db_.prepare(
      "SELECT endpoint, contact, source_ip, source_port, transport, expires_ms, user_agent, call_id, cseq "
      "FROM registrations ORDER BY endpoint, contact");
  if (!st) return st.error();
  std::vector<binding_row> rows;
  for (;;) {
    auto more = (*st)->step();
    if (!more) return more.error();
    if (!*more) break;
    const auto& s = **st;
    const auto ip_text = s.get_text(2);
    auto ip = base::ip_address::parse(ip_text);
    if (!ip)
      return make_error(errc::corrupt,
                        "registrations: stored address \"" + std::string(ip_text) + "\" is not an IP address");
    rows.push_back({std::string(s.get_text(0)), std::string(s.get_text(1)), *ip,
                    static_cast<std::uint16_t>(s.get_int64(3)), std::string(s.get_text(4)), s.get_time(5),
                    std::string(s.get_text(6)), std::string(s.get_text(7)),
                    static_cast<std::uint32_t>(s.get_int64(8))});
  }
  return rows;
}

result<std::int64_t> binding_store::erase_expired(base::timestamp now) {
  auto st = db_.prepare("DELETE FROM registrations WHERE expires_ms <= ?");
  if (!st) return st.error();
  (*st)->bind_all(now);
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes();
}

}  // namespace tollgate::store
