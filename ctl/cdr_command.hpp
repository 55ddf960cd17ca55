// `tollgatectl cdr`: call detail records from switch.db, read-only, as a table, CSV or JSON.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <variant>

#include "ctl/agent_command.hpp"
#include "store/cdr.hpp"

namespace tollgate::ctl {

inline constexpr const char* default_state_dir = "/var/lib/tollgate";

struct cdr_arguments {
  std::string billing_mode;  // a name or a number; empty: every mode
  std::string since;         // Unix seconds, ISO 8601 or a duration before now; empty: no bound
  std::string until;
  std::string src;           // an IP address; empty: every source
  std::size_t limit = 100;
  bool csv = false;
  std::string state_dir;  // switch.db is in it
  std::string db;         // the file itself; wins over state_dir
};

/// `--db`, else `--state-dir`/switch.db, else /var/lib/tollgate/switch.db.
std::string cdr_database_path(const cdr_arguments& a);

/// The query for the arguments, or a usage error naming the option ("--billing-mode ...").
std::variant<store::cdr_filter, std::string> make_cdr_filter(const cdr_arguments& a, base::timestamp now);

/// Opens switch.db read-only and checks that it is one: the error is one line naming the
/// path ("... does not exist", "... is not a Tollgate switch.db (...)").
std::variant<store::database, std::string> open_cdr_database(const std::string& path);

/// The table for people ("no CDRs" when empty).
void print_cdr_table(std::span<const store::cdr_record> rows, std::ostream& out);
/// CSV (RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF quoted, quotes
/// doubled): a header row with product.md section 4's field names, then one row per
/// record; times in ISO 8601 UTC, billing_mode as its number.
void write_cdr_csv(std::span<const store::cdr_record> rows, std::ostream& out);
/// A JSON array, one object per record with every field of product.md section 4; times as
/// Unix seconds (null when absent), billing_mode as its number.
wire::json cdr_json(std::span<const store::cdr_record> rows);

/// Runs the verb: exit_done, exit_failed (database errors) or exit_usage.
int run_cdr(const cdr_arguments& a, bool json, base::timestamp now, std::ostream& out, std::ostream& err);

void add_cdr_command(CLI::App& app, const ctl_options& options, action& chosen);

}  // namespace tollgate::ctl
