// The state journal: one SQLite transaction per batch of decisions.
#include "agent/state_journal.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

namespace tollgate::agent {

store::result<void> state_journal::apply(const policy::decision& d) {
  if (const auto* s = std::get_if<policy::suspend>(&d.what)) {
    return suspensions_.upsert({s->endpoint, s->until, s->failures, d.time, true});
  }
  if (const auto* u = std::get_if<policy::unsuspend>(&d.what)) {
    auto erased = suspensions_.erase(u->endpoint);
    if (!erased) return erased.error();
    return {};
  }
  if (const auto* b = std::get_if<policy::block>(&d.what)) {
    store::block_row row;
    row.prefix = b->address;
    row.until = b->until;
    row.reason = std::string(policy::to_string(b->reason));
    row.created = d.time;
    row.actor = b->actor;
    nlohmann::json evidence{{"repeat", b->repeat}};
    if (!b->note.empty()) evidence["note"] = b->note;
    row.evidence = evidence.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (auto r = blocks_.upsert(row); !r) return r;
    const auto duration = b->until ? std::chrono::duration_cast<std::chrono::seconds>(*b->until - d.time)
                                   : std::chrono::seconds{0};
    return blocks_.record_history({b->address, d.time, duration});
  }
  if (const auto* r = std::get_if<policy::release>(&d.what)) {
    auto erased = blocks_.erase(r->address);
    if (!erased) return erased.error();
    return {};
  }
  return {};  // protected: audit only
}

store::result<void> state_journal::write(const std::vector<policy::decision>& decisions,
                                         std::vector<store::audit_entry>& audit) {
  auto tx = store::transaction::begin(db_);
  if (!tx) return tx.error();
  for (const auto& d : decisions) {
    if (auto r = apply(d); !r) return r;
  }
  for (auto& entry : audit) {
    auto id = audit_.append(entry);
    if (!id) return id.error();
    entry.id = *id;
  }
  return tx->commit();
}

}  // namespace tollgate::agent
