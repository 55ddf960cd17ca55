// Store errors: the category, its messages, and the SQLite result-code mapping.
#include "store/error.hpp"

#include <sqlite3.h>

namespace tollgate::store {
namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "tollgate.store"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::busy: return "database is busy";
      case errc::locked: return "database table is locked";
      case errc::constraint: return "constraint violated";
      case errc::corrupt: return "database file is corrupt or not a database";
      case errc::io_error: return "disk I/O error";
      case errc::full: return "disk is full";
      case errc::cannot_open: return "cannot open database file";
      case errc::read_only: return "write to a read-only database";
      case errc::misuse: return "bad SQL or misuse of the SQLite interface";
      case errc::schema_too_new: return "database schema is newer than this program";
      case errc::schema_too_old: return "database schema is older than this program";
      case errc::other: return "SQLite error";
    }
    return "unknown store error";
  }
};

}  // namespace

const std::error_category& store_category() {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), store_category()}; }

errc from_sqlite(int sqlite_code) {
  switch (sqlite_code & 0xff) {
    case SQLITE_BUSY: return errc::busy;
    case SQLITE_LOCKED: return errc::locked;
    case SQLITE_CONSTRAINT: return errc::constraint;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return errc::corrupt;
    case SQLITE_IOERR: return errc::io_error;
    case SQLITE_FULL: return errc::full;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH: return errc::cannot_open;
    case SQLITE_READONLY: return errc::read_only;
    case SQLITE_ERROR:
    case SQLITE_MISUSE:
    case SQLITE_RANGE: return errc::misuse;
    default: return errc::other;
  }
}

}  // namespace tollgate::store
