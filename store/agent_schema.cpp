// agent.db's migrations. Times are INTEGER milliseconds since the Unix epoch (`*_ms`);
// evidence columns hold a JSON object. Released migrations are never edited.
#include "store/agent_schema.hpp"

#include <array>

namespace tollgate::store {
namespace {

constexpr std::string_view v1 = R"sql(
CREATE TABLE blocks (
  prefix     TEXT PRIMARY KEY,                 -- "203.0.113.9/32", "2001:db8::/64"
  family     INTEGER NOT NULL CHECK (family IN (4, 6)),
  until_ms   INTEGER,                          -- NULL: permanent
  reason     TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  actor      TEXT NOT NULL,                    -- "policy" or the admin's user name
  evidence   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(evidence))
) WITHOUT ROWID;

-- Every block ever applied, for recidivism (BLACKLIST_RECIDIVE_WINDOW); pruned by age.
CREATE TABLE block_history (
  id            INTEGER PRIMARY KEY,
  prefix        TEXT NOT NULL,
  blocked_at_ms INTEGER NOT NULL,
  duration_s    INTEGER NOT NULL               -- 0: permanent
);
CREATE INDEX block_history_prefix ON block_history (prefix, blocked_at_ms);
CREATE INDEX block_history_time ON block_history (blocked_at_ms);

CREATE TABLE whitelist (
  cidr       TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  actor      TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE parameters (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('default', 'config', 'runtime'))
) WITHOUT ROWID;

CREATE TABLE suspensions (
  endpoint TEXT PRIMARY KEY,
  until_ms INTEGER NOT NULL,
  failures INTEGER NOT NULL
) WITHOUT ROWID;

-- Append-only (product.md section 7): AUTOINCREMENT so that ids never come back after
-- pruning (`audit --follow` resumes after an id), and a trigger refusing updates.
CREATE TABLE audit (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms  INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  subject  TEXT NOT NULL,
  reason   TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(evidence))
);
CREATE INDEX audit_time ON audit (time_ms);
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit rows are never updated');
END;
)sql";

// A suspension's start and whether its name is a configured endpoint, as switch.db keeps
// them too: one table shape, one store class.
constexpr std::string_view v2 = R"sql(
ALTER TABLE suspensions ADD COLUMN since_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE suspensions ADD COLUMN known INTEGER NOT NULL DEFAULT 1;
)sql";

constexpr std::array<migration, 2> migrations{{{1, v1}, {2, v2}}};

}  // namespace

const schema& agent_schema() {
  static const schema s{"agent.db", migrations};
  return s;
}

result<database> open_agent_db(const std::string& path, const open_options& options) {
  return open_with_schema(path, agent_schema(), options);
}

}  // namespace tollgate::store
