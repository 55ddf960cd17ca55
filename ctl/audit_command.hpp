// `tollgatectl audit [--since T] [--limit N] [--follow]`: the agent's audit log.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <variant>

#include "base/clock.hpp"
#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

struct audit_arguments {
  std::string since;       // Unix seconds or a duration before now; empty: from the start
  std::uint32_t limit = 0;  // 0: the agent's default
  bool follow = false;
};

std::variant<wire::audit_request, std::string> make_audit_request(const audit_arguments& arguments, base::timestamp now);

/// Rows as an aligned table (TIME ACTOR ACTION SUBJECT REASON DETAIL).
void print_audit(const wire::json& rows, std::ostream& out);
/// One row as one line with the same columns, for --follow where nothing can be aligned.
std::string audit_line(const wire::json& row);

/// Runs the verb: one answer, or with follow the answer and then every new row until the
/// agent closes the connection. With --json: the array, or (follow) one JSON row a line.
int run_audit(const ctl_options& options, const wire::audit_request& request, std::ostream& out, std::ostream& err);

void add_audit_command(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
