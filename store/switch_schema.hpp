// switch.db: the switch's call detail records and registrations.
#pragma once

#include "store/migrations.hpp"

namespace tollgate::store {

const schema& switch_schema();
/// Opens switch.db and migrates it (or, read-only, checks its version).
result<database> open_switch_db(const std::string& path, const open_options& options = {});

}  // namespace tollgate::store
