// agent.db: the security agent's state (blocks, whitelist, parameters, suspensions, audit).
#pragma once

#include "store/migrations.hpp"

namespace tollgate::store {

const schema& agent_schema();
/// Opens agent.db and migrates it (or, read-only, checks its version).
result<database> open_agent_db(const std::string& path, const open_options& options = {});

}  // namespace tollgate::store
