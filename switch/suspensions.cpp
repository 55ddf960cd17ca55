// The switch's suspension table: local counting, the agent's decisions, switch.db rows.
#include "switch/suspensions.hpp"

#include <variant>

namespace tollgate::switch_ {

suspension_table::suspension_table(policy::auth_suspend_limits limits) : counts_(limits) {}

void suspension_table::on_report(const policy::report& r, const policy::parameter_set& params, base::timestamp now,
                                 std::vector<policy::decision>& out) {
  if (r.type == policy::report_type::register_ok) {
    counts_.on_success(r.endpoint);
    return;
  }
  if (r.type != policy::report_type::register_failed) return;
  const std::size_t before = out.size();
  counts_.on_failure(r, params, now, out);
  for (std::size_t i = before; i < out.size(); ++i) {
    auto* s = std::get_if<policy::suspend>(&out[i].what);
    if (s == nullptr) continue;
    s->actor = "switch";
    origin_[s->endpoint] =
        origin{now, s->failures, r.reason != policy::failure_reason::unknown_user, r.reason, r.call_id, r.user_agent};
    ++local_;
    mark(s->endpoint);
  }
}

bool suspension_table::apply(const policy::decision& d, base::timestamp now) {
  if (const auto* s = std::get_if<policy::suspend>(&d.what)) {
    if (s->until <= now) return true;
    auto [it, added] = origin_.try_emplace(s->endpoint);
    if (added) it->second.since = d.time;
    counts_.restore(s->endpoint, s->until, it->second.known);
    mark(s->endpoint);
    return true;
  }
  if (const auto* u = std::get_if<policy::unsuspend>(&d.what)) {
    std::vector<policy::decision> ignored;
    counts_.clear(u->endpoint, u->actor, now, ignored);
    if (origin_.erase(u->endpoint) > 0) mark(u->endpoint);
    return true;
  }
  return false;
}

void suspension_table::restore(const store::suspension_row& row, base::timestamp now) {
  if (row.until <= now) {
    mark(row.endpoint);  // its row goes
    return;
  }
  counts_.restore(row.endpoint, row.until, row.known);
  origin_[row.endpoint] = origin{row.since, static_cast<std::uint32_t>(row.failures), row.known,
                                 row.known ? policy::failure_reason::wrong_password : policy::failure_reason::unknown_user,
                                 {}, {}};
}

void suspension_table::on_tick(base::timestamp now, std::vector<policy::decision>& out) {
  const std::size_t before = out.size();
  counts_.on_tick(now, out);
  for (std::size_t i = before; i < out.size(); ++i) {
    if (const auto* u = std::get_if<policy::unsuspend>(&out[i].what)) {
      origin_.erase(u->endpoint);
      mark(u->endpoint);
    }
  }
}

bool suspension_table::is_suspended(std::string_view endpoint, base::timestamp now) const {
  return counts_.is_suspended(endpoint, now);
}

policy::report suspension_table::report_of(const policy::decision& local) const {
  const auto& s = std::get<policy::suspend>(local.what);
  policy::report r;
  r.type = policy::report_type::endpoint_suspended;
  r.time = local.time;
  r.endpoint = s.endpoint;
  r.until = s.until;
  r.failures = s.failures;
  r.verified = true;
  if (const auto it = origin_.find(s.endpoint); it != origin_.end()) {
    r.reason = it->second.reason;
    r.call_id = it->second.call_id;
    r.user_agent = it->second.user_agent;
  }
  return r;
}

std::vector<policy::report> suspension_table::active_reports(base::timestamp now) const {
  std::vector<policy::report> reports;
  for (const auto& s : counts_.suspensions()) {
    if (s.until <= now) continue;
    const auto it = origin_.find(s.endpoint);
    const base::timestamp since = it == origin_.end() || it->second.since == base::timestamp{} ? now : it->second.since;
    reports.push_back(report_of({since, policy::suspend{s.endpoint, s.until,
                                                        it == origin_.end() ? 0 : it->second.failures, {}}}));
  }
  return reports;
}

std::vector<suspension_table::change> suspension_table::take_changes(base::timestamp now) {
  std::vector<change> changes;
  changes.reserve(pending_.size());
  for (const auto& [endpoint, unused] : pending_) {
    const auto it = origin_.find(endpoint);
    const auto until = counts_.suspended_until(endpoint);
    if (it == origin_.end() || !until || *until <= now) {
      changes.push_back({endpoint, std::nullopt});
      continue;
    }
    store::suspension_row row;
    row.endpoint = endpoint;
    row.until = *until;
    row.failures = it->second.failures;
    row.since = it->second.since;
    row.known = it->second.known;
    changes.push_back({endpoint, std::move(row)});
  }
  pending_.clear();
  return changes;
}

store::result<void> write_changes(store::database& db, const std::vector<suspension_table::change>& changes) {
  if (changes.empty()) return {};
  auto tx = store::transaction::begin(db);
  if (!tx) return tx.error();
  store::suspension_store rows(db);
  for (const auto& c : changes) {
    if (c.row) {
      if (auto done = rows.upsert(*c.row); !done) return done;
    } else if (auto erased = rows.erase(c.endpoint); !erased) {
      return erased.error();
    }
  }
  return tx->commit();
}

}  // namespace tollgate::switch_
