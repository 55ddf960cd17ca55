// The state journal: decisions and admin changes into agent.db, one transaction a batch.
#pragma once

#include <vector>

#include "policy/decision.hpp"
#include "store/audit_log.hpp"
#include "store/block_store.hpp"
#include "store/database.hpp"
#include "store/suspension_store.hpp"

namespace tollgate::agent {

class state_journal {
public:
  explicit state_journal(store::database& db) : db_(db), blocks_(db), suspensions_(db), audit_(db) {}

  /// Writes the state each decision changes (blocks and their history, suspensions) and
  /// one audit row per decision and per change, all in one transaction: on failure
  /// nothing is written and the caller retries the whole batch. Audit rows get their ids.
  store::result<void> write(const std::vector<policy::decision>& decisions, std::vector<store::audit_entry>& audit);

  store::block_store& blocks() { return blocks_; }
  store::suspension_store& suspensions() { return suspensions_; }
  store::audit_log& audit() { return audit_; }
  store::database& database() { return db_; }

private:
  store::result<void> apply(const policy::decision& d);

  store::database& db_;
  store::block_store blocks_;
  store::suspension_store suspensions_;
  store::audit_log audit_;
};

}  // namespace tollgate::agent
