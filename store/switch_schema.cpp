// switch.db's migrations. The cdr table has exactly the fields of product.md section 4;
// its times are INTEGER milliseconds since the Unix epoch (read them in sqlite3 with
// datetime(start_time / 1000, 'unixepoch')). Released migrations are never edited.
#include "store/switch_schema.hpp"

#include <array>

namespace tollgate::store {
namespace {

constexpr std::string_view v1 = R"sql(
CREATE TABLE cdr (
  id                INTEGER PRIMARY KEY,
  call_id           TEXT NOT NULL,
  start_time        INTEGER NOT NULL,
  answer_time       INTEGER,                   -- NULL: never answered
  end_time          INTEGER,
  duration_s        INTEGER NOT NULL DEFAULT 0,
  caller            TEXT NOT NULL,
  callee            TEXT NOT NULL,
  src_ip            TEXT NOT NULL,
  src_port          INTEGER NOT NULL,
  transport         TEXT NOT NULL,
  user_agent        TEXT NOT NULL,
  account           TEXT NOT NULL,             -- endpoint or gateway; '' when illegal
  routing_gateway   TEXT NOT NULL,
  billing_mode      INTEGER NOT NULL CHECK (billing_mode IN (-1, 0, 1, 4)),
  disconnect_code   INTEGER NOT NULL,
  disconnect_reason TEXT NOT NULL
);
-- The filters of `tollgatectl cdr`: each narrows by its column, then by time.
CREATE INDEX cdr_start_time ON cdr (start_time);
CREATE INDEX cdr_billing_mode ON cdr (billing_mode, start_time);
CREATE INDEX cdr_src_ip ON cdr (src_ip, start_time);

CREATE TABLE registrations (
  endpoint    TEXT NOT NULL,
  contact     TEXT NOT NULL,
  source_ip   TEXT NOT NULL,
  source_port INTEGER NOT NULL,
  transport   TEXT NOT NULL,
  expires_ms  INTEGER NOT NULL,
  user_agent  TEXT NOT NULL,
  call_id     TEXT NOT NULL,
  cseq        INTEGER NOT NULL,
  PRIMARY KEY (endpoint, contact)
) WITHOUT ROWID;
CREATE INDEX registrations_expires ON registrations (expires_ms);
)sql";

// The suspensions the switch enforces, its own and the agent's, so that a restart with the
// agent away keeps them. The same shape as agent.db's table.
constexpr std::string_view v2 = R"sql(
CREATE TABLE suspensions (
  endpoint TEXT PRIMARY KEY,
  until_ms INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  since_ms INTEGER NOT NULL DEFAULT 0,
  known    INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
)sql";

constexpr std::array<migration, 2> migrations{{{1, v1}, {2, v2}}};

}  // namespace

const schema& switch_schema() {
  static const schema s{"switch.db", migrations};
  return s;
}

result<database> open_switch_db(const std::string& path, const open_options& options) {
  return open_with_schema(path, switch_schema(), options);
}

}  // namespace tollgate::store
