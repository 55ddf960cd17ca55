// Audit rows: what each decision and each admin change looks like in agent.db and the log.
#pragma once

#include <string>

#include "policy/decision.hpp"
#include "store/audit_log.hpp"

namespace tollgate::agent {

/// The audit row of a decision: action = its kind ("block", "suspend", …), actor "policy"
/// or the admin, subject the address or endpoint, evidence a JSON object.
store::audit_entry audit_of(const policy::decision& d);

/// The audit row of an admin change ("param_set", "whitelist_add", "refused", …).
store::audit_entry audit_change(base::timestamp time, std::string actor, std::string action, std::string subject,
                                std::string reason, std::string evidence = "{}");

/// One audit row as the JSON line the agent logs.
std::string audit_line(const store::audit_entry& entry);

}  // namespace tollgate::agent
