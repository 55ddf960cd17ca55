// The SQLite connection: RAII handles, prepared statements, transactions, fault injection.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "base/clock.hpp"
#include "store/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tollgate::store {

struct sqlite3_closer {
  void operator()(sqlite3* db) const noexcept;
};
struct sqlite3_stmt_finalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept;
};
using sqlite3_ptr = std::unique_ptr<sqlite3, sqlite3_closer>;
using sqlite3_stmt_ptr = std::unique_ptr<sqlite3_stmt, sqlite3_stmt_finalizer>;

namespace detail {
/// What statements share with their connection: the handle and the fault countdown.
struct connection_state {
  sqlite3_ptr db;
  std::string path;
  bool read_only = false;
  /// Steps left before an injected failure; negative when no fault is armed.
  std::int64_t fault_countdown = -1;
  std::int64_t faults_injected = 0;
};
}  // namespace detail

/// One prepared statement. Indexes are 1-based for bind() (as SQLite's) and 0-based for
/// columns (as SQLite's). Times are stored as INTEGER milliseconds since the Unix epoch.
class statement {
public:
  statement(detail::connection_state* connection, sqlite3_stmt_ptr stmt);

  statement& bind(int index, std::int64_t value);
  statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  statement& bind(int index, unsigned value) { return bind(index, static_cast<std::int64_t>(value)); }
  statement& bind(int index, double value);
  statement& bind(int index, std::string_view text);
  statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  statement& bind(int index, std::nullptr_t);
  statement& bind(int index, std::nullopt_t) { return bind(index, nullptr); }
  statement& bind(int index, base::timestamp t) {
    return bind(index, static_cast<std::int64_t>(t.time_since_epoch().count()));
  }
  template <class T>
  statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }
  /// Binds every argument in order, starting at parameter 1.
  template <class... Args>
  statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  /// Advances: true when a row is ready, false when the statement is done.
  result<bool> step();
  /// Steps to completion, ignoring rows; for INSERT, UPDATE, DELETE and DDL.
  result<void> run();
  /// Rewinds for another execution and clears the bindings.
  void reset() noexcept;

  bool is_null(int column) const;
  std::int64_t get_int64(int column) const;
  double get_double(int column) const;
  /// Valid until the next step() or reset().
  std::string_view get_text(int column) const;
  base::timestamp get_time(int column) const { return base::timestamp{base::millis{get_int64(column)}}; }
  std::optional<std::int64_t> get_optional_int64(int column) const;
  std::optional<base::timestamp> get_optional_time(int column) const;

  std::string_view sql() const;
  sqlite3_stmt* handle() const { return stmt_.get(); }

private:
  detail::connection_state* connection_;
  sqlite3_stmt_ptr stmt_;
};

/// A cached statement on loan: reset (bindings cleared) when the loan ends, so the next
/// user finds it fresh and no read transaction is left open by a half-read SELECT.
class statement_ref {
public:
  explicit statement_ref(statement* s) : s_(s) {}
  statement_ref(statement_ref&& other) noexcept : s_(std::exchange(other.s_, nullptr)) {}
  statement_ref& operator=(statement_ref&&) = delete;
  ~statement_ref() {
    if (s_) s_->reset();
  }
  statement* operator->() const { return s_; }
  statement& operator*() const { return *s_; }

private:
  statement* s_;
};

struct open_options {
  /// Opens without write access, for readers beside a live writer (`tollgatectl cdr`
  /// reading switch.db). Fails if the file does not exist.
  bool read_only = false;
  /// How long to wait for another connection's lock before SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5000};
};

/// A connection. Writable connections run in WAL mode with synchronous=NORMAL: a commit
/// is durable against a crash of the process (the WAL is written before COMMIT returns),
/// and only an OS crash or power loss can roll back the last transactions, never corrupt
/// the file. That trade buys an fsync per checkpoint instead of one per commit.
/// Foreign keys are enforced. Not thread-safe: one connection per thread.
class database {
public:
  /// Opens (creating it unless read_only) the file at `path`; ":memory:" works for tests.
  static result<database> open(const std::string& path, const open_options& options = {});

  database(database&&) noexcept = default;
  database& operator=(database&&) noexcept = default;
  ~database();

  /// Runs one or more ;-separated statements, without caching them.
  result<void> exec(std::string_view sql);
  /// A statement from the cache (prepared on first use), reset for fresh bindings.
  result<statement_ref> prepare(std::string_view sql);

  result<std::int64_t> user_version();
  result<void> set_user_version(std::int64_t version);
  std::int64_t last_insert_rowid() const;
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;
  bool in_transaction() const;
  bool read_only() const { return state_->read_only; }
  const std::string& path() const { return state_->path; }
  sqlite3* handle() const { return state_->db.get(); }

  /// Test hook, style.md's "fault injection by countdown": after `steps` more statement
  /// steps (every sqlite3_step of this connection, BEGIN and COMMIT included) the next
  /// one fails with SQLITE_IOERR without running. Negative disarms it.
  void inject_fault_after(std::int64_t steps) { state_->fault_countdown = steps; }
  /// How many faults fired since the connection opened.
  std::int64_t faults_injected() const { return state_->faults_injected; }

private:
  explicit database(std::unique_ptr<detail::connection_state> state);
  std::unique_ptr<detail::connection_state> state_;
  std::unordered_map<std::string, std::unique_ptr<statement>> cache_;
};

/// BEGIN IMMEDIATE ... COMMIT. commit() must be called explicitly; a transaction that
/// ends without a successful commit (early return on error, exception) rolls back, so a
/// failure never leaves half of a change behind. IMMEDIATE takes the write lock up front,
/// so two writers wait on busy_timeout instead of deadlocking on a lock upgrade.
class transaction {
public:
  static result<transaction> begin(database& db);
  transaction(transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  transaction& operator=(transaction&&) = delete;
  ~transaction();

  result<void> commit();

private:
  explicit transaction(database* db) : db_(db) {}
  database* db_;
};

/// Builds an error for a failed SQLite call: the code, sqlite3_errmsg and the SQL.
failure make_sqlite_error(sqlite3* db, int code, std::string_view sql);
/// A Tollgate-level error with a message.
failure make_error(errc code, std::string message);

}  // namespace tollgate::store
