// Schema migrations: applying pending steps and refusing files from the future.
#include "store/migrations.hpp"

#include <cassert>
#include <string>

namespace tollgate::store {
namespace {

failure too_new(const database& db, const schema& s, std::int64_t found) {
  return make_error(errc::schema_too_new,
                    db.path() + ": " + std::string(s.name) + " schema version " + std::to_string(found) +
                        " is newer than this program knows (" + std::to_string(s.latest()) +
                        "); it was written by a newer Tollgate, run that version or restore a backup");
}

}  // namespace

result<void> migrate(database& db, const schema& s) {
  auto version = db.user_version();
  if (!version) return version.error();
  if (*version > s.latest()) return too_new(db, s, *version);

  for (const auto& step : s.migrations) {
    assert(step.version > 0);
    if (step.version <= *version) continue;
    auto tx = transaction::begin(db);
    if (!tx) return tx.error();
    // Read again under the write lock: another process may have migrated meanwhile.
    auto current = db.user_version();
    if (!current) return current.error();
    if (*current >= step.version) continue;
    if (auto done = db.exec(step.sql); !done) {
      auto fail = done.error();
      fail.message = std::string(s.name) + " migration " + std::to_string(step.version) + ": " + fail.message;
      return fail;
    }
    if (auto done = db.set_user_version(step.version); !done) return done;
    if (auto done = tx->commit(); !done) return done;
  }
  return {};
}

result<void> check_version(database& db, const schema& s) {
  auto version = db.user_version();
  if (!version) return version.error();
  if (*version > s.latest()) return too_new(db, s, *version);
  if (*version < s.latest()) {
    return make_error(errc::schema_too_old, db.path() + ": " + std::string(s.name) + " schema version " +
                                                std::to_string(*version) + " is older than this program's (" +
                                                std::to_string(s.latest()) +
                                                "); start the daemon that owns it once to migrate it");
  }
  return {};
}

}  // namespace tollgate::store

namespace tollgate::store {

result<database> open_with_schema(const std::string& path, const schema& s, const open_options& options) {
  auto db = database::open(path, options);
  if (!db) return db;
  auto ready = options.read_only ? check_version(*db, s) : migrate(*db, s);
  if (!ready) return ready.error();
  return db;
}

}  // namespace tollgate::store
