// Schema migrations: numbered steps, each applied once in its own transaction, tracked
// with PRAGMA user_version.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "store/database.hpp"

namespace tollgate::store {

/// Migration N turns a version N-1 database into version N. Never edit a released one:
/// add the next. `sql` may hold several statements.
struct migration {
  std::int64_t version;
  std::string_view sql;
};

/// A database's name for messages ("agent.db") and its migrations, versions 1..N in order.
struct schema {
  std::string_view name;
  std::span<const migration> migrations;
  std::int64_t latest() const { return migrations.empty() ? 0 : migrations.back().version; }
};

/// Brings `db` to the schema's latest version. Each pending migration and its new
/// user_version commit together or not at all. A database newer than the program is
/// refused with errc::schema_too_new and touched not at all.
result<void> migrate(database& db, const schema& s);

/// For read-only connections: succeeds when the file is exactly at the latest version,
/// errc::schema_too_new or errc::schema_too_old otherwise.
result<void> check_version(database& db, const schema& s);

}  // namespace tollgate::store

namespace tollgate::store {

/// Opens `path` and brings it to the schema's latest version; a read-only open only checks
/// the version (a reader never migrates a file a live daemon owns).
result<database> open_with_schema(const std::string& path, const schema& s, const open_options& options = {});

}  // namespace tollgate::store
