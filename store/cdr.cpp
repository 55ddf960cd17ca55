// Call detail records: batched inserts and filtered reads.
#include "store/cdr.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace tollgate::store {

std::string_view to_string(billing_mode mode) {
  switch (mode) {
    case billing_mode::none: return "none";
    case billing_mode::endpoint: return "endpoint";
    case billing_mode::gateway: return "gateway";
    case billing_mode::illegal: return "illegal";
  }
  return "none";
}

std::optional<billing_mode> parse_billing_mode(std::string_view text) {
  for (auto mode : {billing_mode::none, billing_mode::endpoint, billing_mode::gateway, billing_mode::illegal}) {
    if (text == to_string(mode)) return mode;
  }
  int number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  switch (number) {
    case -1: return billing_mode::none;
    case 0: return billing_mode::endpoint;
    case 1: return billing_mode::gateway;
    case 4: return billing_mode::illegal;
    default: return std::nullopt;
  }
}

result<void> cdr_writer::write(std::span<const cdr_record> records) {
  if (records.empty()) return {};
  auto tx = transaction::begin(db_);
  if (!tx) return tx.error();
  auto st = db_.prepare(
      "INSERT INTO cdr (call_id, start_time, answer_time, end_time, duration_s, caller, callee, src_ip, src_port, "
      "transport, user_agent, account, routing_gateway, billing_mode, disconnect_code, disconnect_reason) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  for (const auto& r : records) {
    (*st)->reset();
    (*st)->bind_all(r.call_id, r.start_time, r.answer_time, r.end_time, r.duration_s, r.caller, r.callee, r.src_ip,
                    static_cast<int>(r.src_port), r.transport, r.user_agent, r.account, r.routing_gateway,
                    static_cast<int>(r.mode), r.disconnect_code, r.disconnect_reason);
    if (auto done = (*st)->run(); !done) return done;
  }
  return tx->commit();
}

result<std::int64_t> cdr_writer::prune_older_than(base::timestamp cutoff, std::size_t max_rows) {
  auto st = db_.prepare(
      "DELETE FROM cdr WHERE id IN (SELECT id FROM cdr WHERE start_time < ? ORDER BY start_time LIMIT ?)");
  if (!st) return st.error();
  (*st)->bind_all(cutoff, static_cast<std::int64_t>(max_rows));
  if (auto done = (*st)->run(); !done) return done.error();
  return db_.changes();
}

result<std::vector<cdr_record>> cdr_query::find(const cdr_filter& filter) {
  // One SQL text per combination of filters (at most 16), each cached, so that SQLite
  // picks the index for the filters actually given.
  std::string sql =
      "SELECT id, call_id, start_time, answer_time, end_time, duration_s, caller, callee, src_ip, src_port, "
      "transport, user_agent, account, routing_gateway, billing_mode, disconnect_code, disconnect_reason FROM cdr "
      "WHERE 1";
  if (filter.mode) sql += " AND billing_mode = :mode";
  if (filter.since) sql += " AND start_time >= :since";
  if (filter.until) sql += " AND start_time < :until";
  if (filter.src_ip) sql += " AND src_ip = :src";
  sql += " ORDER BY start_time DESC, id DESC LIMIT :limit";
  auto st = db_.prepare(sql);
  if (!st) return st.error();
  int index = 0;
  if (filter.mode) (*st)->bind(++index, static_cast<int>(*filter.mode));
  if (filter.since) (*st)->bind(++index, *filter.since);
  if (filter.until) (*st)->bind(++index, *filter.until);
  if (filter.src_ip) (*st)->bind(++index, *filter.src_ip);
  (*st)->bind(++index,
              static_cast<std::int64_t>(std::min<std::size_t>(filter.limit, std::numeric_limits<std::int64_t>::max())));

  std::vector<cdr_record> rows;
  for (;;) {
    auto more = (*st)->step();
    if (!more) return more.error();
    if (!*more) break;
    const auto& s = **st;
    cdr_record r;
    r.id = s.get_int64(0);
    r.call_id = s.get_text(1);
    r.start_time = s.get_time(2);
    r.answer_time = s.get_optional_time(3);
    r.end_time = s.get_optional_time(4);
    r.duration_s = s.get_int64(5);
    r.caller = s.get_text(6);
    r.callee = s.get_text(7);
    r.src_ip = s.get_text(8);
    r.src_port = static_cast<std::uint16_t>(s.get_int64(9));
    r.transport = s.get_text(10);
    r.user_agent = s.get_text(11);
    r.account = s.get_text(12);
    r.routing_gateway = s.get_text(13);
    r.mode = static_cast<billing_mode>(s.get_int64(14));
    r.disconnect_code = static_cast<int>(s.get_int64(15));
    r.disconnect_reason = s.get_text(16);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace tollgate::store
