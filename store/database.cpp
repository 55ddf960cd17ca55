// The SQLite connection: opening, pragmas, the statement cache, steps and transactions.
#include "store/database.hpp"

#include <sqlite3.h>

namespace tollgate::store {

void sqlite3_closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
void sqlite3_stmt_finalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

failure make_sqlite_error(sqlite3* db, int code, std::string_view sql) {
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  if (!sql.empty()) {
    message += " (in: ";
    message += sql;
    message += ")";
  }
  return failure{make_error_code(from_sqlite(code)), std::move(message), code};
}

failure make_error(errc code, std::string message) { return failure{make_error_code(code), std::move(message), 0}; }

namespace {

/// Every step of this connection goes through here, so that the countdown sees them all.
/// True when an injected fault fires instead of the step.
bool fault_fires(detail::connection_state* connection) {
  if (connection->fault_countdown < 0) return false;
  if (connection->fault_countdown > 0) {
    --connection->fault_countdown;
    return false;
  }
  connection->fault_countdown = -1;
  ++connection->faults_injected;
  return true;
}

}  // namespace

// ---- statement ----

statement::statement(detail::connection_state* connection, sqlite3_stmt_ptr stmt)
    : connection_(connection), stmt_(std::move(stmt)) {}

// Bind errors (SQLITE_RANGE, SQLITE_NOMEM) are programming errors or out-of-memory; they
// surface at step(), which then fails on the unbound or misbound statement's own check.
statement& statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}
statement& statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_.get(), index, value);
  return *this;
}
statement& statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
statement& statement::bind(int index, std::nullptr_t) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

result<bool> statement::step() {
  if (fault_fires(connection_)) {
    sqlite3_reset(stmt_.get());
    return failure{make_error_code(errc::io_error),
                   std::string("injected fault (in: ") + sqlite3_sql(stmt_.get()) + ")", SQLITE_IOERR};
  }
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  auto fail = make_sqlite_error(connection_->db.get(), rc, sqlite3_sql(stmt_.get()));
  sqlite3_reset(stmt_.get());
  return fail;
}

result<void> statement::run() {
  for (;;) {
    auto more = step();
    if (!more) return more.error();
    if (!*more) return {};
  }
}

void statement::reset() noexcept {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool statement::is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }
std::int64_t statement::get_int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
double statement::get_double(int column) const { return sqlite3_column_double(stmt_.get(), column); }

std::string_view statement::get_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
  if (!text) return {};
  return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column))};
}

std::optional<std::int64_t> statement::get_optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_int64(column);
}

std::optional<base::timestamp> statement::get_optional_time(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_time(column);
}

std::string_view statement::sql() const { return sqlite3_sql(stmt_.get()); }

// ---- database ----

database::database(std::unique_ptr<detail::connection_state> state) : state_(std::move(state)) {}
database::~database() = default;

result<database> database::open(const std::string& path, const open_options& options) {
  const int flags = options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  sqlite3_ptr handle(raw);
  if (rc != SQLITE_OK) {
    auto fail = make_sqlite_error(handle.get(), rc, "");
    fail.message = path + ": " + fail.message;
    return fail;
  }
  sqlite3_extended_result_codes(handle.get(), 1);
  sqlite3_busy_timeout(handle.get(), static_cast<int>(options.busy_timeout.count()));

  auto state = std::make_unique<detail::connection_state>();
  state->db = std::move(handle);
  state->path = path;
  state->read_only = options.read_only;
  database db(std::move(state));

  const char* pragmas = options.read_only ? "PRAGMA query_only = ON; PRAGMA foreign_keys = ON;"
                                          : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                                            "PRAGMA foreign_keys = ON;";
  if (auto done = db.exec(pragmas); !done) {
    auto fail = done.error();
    fail.message = path + ": " + fail.message;
    return fail;
  }
  return db;
}

result<void> database::exec(std::string_view sql) {
  const char* cursor = sql.data();
  const char* const end = sql.data() + sql.size();
  while (cursor < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(handle(), cursor, static_cast<int>(end - cursor), &raw, &tail);
    if (rc != SQLITE_OK)
      return make_sqlite_error(handle(), rc, std::string_view(cursor, static_cast<std::size_t>(end - cursor)));
    cursor = tail;
    if (!raw) continue;  // whitespace or a comment
    statement one(state_.get(), sqlite3_stmt_ptr(raw));
    if (auto done = one.run(); !done) return done;
  }
  return {};
}

result<statement_ref> database::prepare(std::string_view sql) {
  auto found = cache_.find(std::string(sql));
  if (found == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(handle(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &raw, nullptr);
    if (rc != SQLITE_OK) return make_sqlite_error(handle(), rc, sql);
    if (!raw) return make_error(errc::misuse, "empty SQL statement");
    found = cache_.emplace(std::string(sql), std::make_unique<statement>(state_.get(), sqlite3_stmt_ptr(raw))).first;
  }
  found->second->reset();
  return statement_ref(found->second.get());
}

result<std::int64_t> database::user_version() {
  auto st = prepare("PRAGMA user_version");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  return (*st)->get_int64(0);
}

result<void> database::set_user_version(std::int64_t version) {
  return exec("PRAGMA user_version = " + std::to_string(version));
}

std::int64_t database::last_insert_rowid() const { return sqlite3_last_insert_rowid(handle()); }
std::int64_t database::changes() const { return sqlite3_changes64(handle()); }
bool database::in_transaction() const { return sqlite3_get_autocommit(handle()) == 0; }

// ---- transaction ----

result<transaction> transaction::begin(database& db) {
  auto st = db.prepare("BEGIN IMMEDIATE");
  if (!st) return st.error();
  if (auto done = (*st)->run(); !done) return done.error();
  return transaction(&db);
}

result<void> transaction::commit() {
  auto st = db_->prepare("COMMIT");
  if (!st) return st.error();
  if (auto done = (*st)->run(); !done) return done;
  db_ = nullptr;
  return {};
}

transaction::~transaction() {
  // Not through the fault countdown: rolling back is the recovery path. SQLite may have
  // rolled back already (some I/O errors do); then there is nothing left to undo.
  if (db_ && db_->in_transaction()) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace tollgate::store
