// Store errors: SQLite result codes as std::error_code, with the SQL and SQLite's message.
#pragma once

#include <string>
#include <system_error>
#include <utility>
#include <variant>

namespace tollgate::store {

/// What went wrong, in the terms a caller can act on. Each SQLite primary result code maps
/// to one of these (see from_sqlite); the last two are Tollgate's own.
enum class errc {
  busy = 1,        // SQLITE_BUSY: another connection holds the lock past busy_timeout
  locked,          // SQLITE_LOCKED: a conflict inside this connection
  constraint,      // SQLITE_CONSTRAINT: unique key, foreign key, NOT NULL, CHECK
  corrupt,         // SQLITE_CORRUPT / SQLITE_NOTADB: the file is not a sound database
  io_error,        // SQLITE_IOERR: the disk failed (or an injected fault)
  full,            // SQLITE_FULL: the disk is full
  cannot_open,     // SQLITE_CANTOPEN / SQLITE_PERM / SQLITE_AUTH: path or permission
  read_only,       // SQLITE_READONLY: a write on a read-only connection
  misuse,          // SQLITE_MISUSE / SQLITE_RANGE / SQLITE_ERROR: a programming error or bad SQL
  schema_too_new,  // the file was written by a newer Tollgate; refused rather than guessed at
  schema_too_old,  // a read-only open of a file that has not been migrated yet
  other,           // any other SQLite code
};

const std::error_category& store_category();
std::error_code make_error_code(errc e);
/// The errc of an SQLite result code (primary or extended).
errc from_sqlite(int sqlite_code);

/// A failure with its context: the code to branch on and a message for people, e.g.
/// "UNIQUE constraint failed: blocks.prefix (in: INSERT INTO blocks ...)".
struct failure {
  std::error_code code;
  std::string message;
  /// The SQLite result code (extended), or 0 for Tollgate's own errors.
  int sqlite_code = 0;
};

/// A value or an error. Kept tiny on purpose; std::expected arrives with C++23.
template <class T>
class [[nodiscard]] result {
public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  result(failure e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const store::failure& error() const { return std::get<1>(v_); }

private:
  std::variant<T, store::failure> v_;
};

template <>
class [[nodiscard]] result<void> {
public:
  result() = default;
  result(store::failure e) : error_(std::move(e)), failed_(true) {}

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  const store::failure& error() const { return error_; }

private:
  store::failure error_;
  bool failed_ = false;
};

}  // namespace tollgate::store

template <>
struct std::is_error_code_enum<tollgate::store::errc> : std::true_type {};
