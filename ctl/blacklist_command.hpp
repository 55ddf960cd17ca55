// `tollgatectl blacklist list|add|del|flush`: the agent's blocks.
#pragma once

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <variant>

#include "ctl/agent_command.hpp"

namespace tollgate::ctl {

struct blacklist_add_arguments {
  std::string address;
  std::string duration;  // --for; empty: permanent
  bool permanent = false;
  std::string reason;
  bool force = false;
};

/// Checks the arguments of `blacklist add`; the error is one line for people.
std::variant<wire::blacklist_add_request, std::string> make_blacklist_add(const blacklist_add_arguments& arguments);

void print_blacklist(const wire::json& rows, std::ostream& out);
/// "blocked 203.0.113.0/24 until 2026-11-26 15:00:00 UTC (manual)" for a block decision.
void print_block(const wire::json& decision, std::ostream& out);

void add_blacklist_commands(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
