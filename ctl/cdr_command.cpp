// `tollgatectl cdr`: filters, the read-only open of switch.db, and the three outputs.
#include "ctl/cdr_command.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>

#include "ctl/arguments.hpp"
#include "ctl/table.hpp"
#include "store/migrations.hpp"
#include "store/switch_schema.hpp"

namespace tollgate::ctl {
namespace {

using store::cdr_record;

/// "2026-11-26T10:00:00Z", with milliseconds when there are any.
std::string iso_time(base::timestamp t) {
  const auto ms = t.time_since_epoch().count();
  const auto seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const auto fraction = ms - static_cast<std::int64_t>(seconds) * 1000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  std::string out = text;
  if (fraction != 0) {
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03d", static_cast<int>(fraction));
    out += millis;
  }
  return out + "Z";
}

std::string source_of(const cdr_record& r) {
  const bool v6 = r.src_ip.find(':') != std::string::npos;
  std::string text = v6 ? "[" + r.src_ip + "]" : r.src_ip;
  text += ":" + std::to_string(r.src_port);
  if (!r.transport.empty()) text += "/" + r.transport;
  return text;
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string optional_iso(const std::optional<base::timestamp>& t) { return t ? iso_time(*t) : ""; }

const char* const csv_header[] = {"id",        "call_id",         "start_time",   "answer_time",     "end_time",
                                  "duration_s", "caller",         "callee",       "src_ip",          "src_port",
                                  "transport", "user_agent",      "account",      "routing_gateway", "billing_mode",
                                  "disconnect_code", "disconnect_reason"};

}  // namespace

std::string cdr_database_path(const cdr_arguments& a) {
  if (!a.db.empty()) return a.db;
  const std::string dir = a.state_dir.empty() ? default_state_dir : a.state_dir;
  return (std::filesystem::path(dir) / "switch.db").string();
}

std::variant<store::cdr_filter, std::string> make_cdr_filter(const cdr_arguments& a, base::timestamp now) {
  store::cdr_filter filter;
  if (!a.billing_mode.empty()) {
    filter.mode = store::parse_billing_mode(a.billing_mode);
    if (!filter.mode) {
      return "--billing-mode \"" + a.billing_mode +
             "\" is not a billing mode (illegal, endpoint, gateway, none, or 4, 0, 1, -1)";
    }
  }
  if (!a.since.empty()) {
    auto since = parse_time_argument(a.since, now);
    if (auto* e = std::get_if<std::string>(&since)) return "--since " + *e;
    filter.since = std::get<base::timestamp>(since);
  }
  if (!a.until.empty()) {
    auto until = parse_time_argument(a.until, now);
    if (auto* e = std::get_if<std::string>(&until)) return "--until " + *e;
    filter.until = std::get<base::timestamp>(until);
  }
  if (filter.since && filter.until && *filter.until <= *filter.since) {
    return "--until must be later than --since";
  }
  if (!a.src.empty()) {
    const auto address = base::ip_address::parse(a.src);
    if (!address) return "--src \"" + a.src + "\" is not an IPv4 or IPv6 address";
    filter.src_ip = address->to_string();
  }
  if (a.limit == 0) return "--limit must be at least 1";
  filter.limit = a.limit;
  return filter;
}

std::variant<store::database, std::string> open_cdr_database(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return path + " does not exist (give the switch's state directory with --state-dir, or the file with --db)";
  }
  if (std::filesystem::is_directory(path, ec)) return path + " is a directory, not switch.db";
  const auto not_ours = [&](const std::string& why) { return path + " is not a Tollgate switch.db (" + why + ")"; };

  store::open_options options;
  options.read_only = true;
  auto db = store::database::open(path, options);
  if (!db) {
    if (db.error().code == store::errc::corrupt) return not_ours("not an SQLite database");
    return path + ": " + db.error().message;
  }
  {
    auto st = db->prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cdr'");
    if (!st) {
      if (st.error().code == store::errc::corrupt) return not_ours("not an SQLite database");
      return path + ": " + st.error().message;
    }
    auto row = (*st)->step();
    if (!row) {
      if (row.error().code == store::errc::corrupt) return not_ours("not an SQLite database");
      return path + ": " + row.error().message;
    }
    if (!*row || (*st)->get_int64(0) == 0) return not_ours("it has no cdr table");
  }
  if (auto version = store::check_version(*db, store::switch_schema()); !version) return version.error().message;
  return std::move(*db);
}

void print_cdr_table(std::span<const cdr_record> rows, std::ostream& out) {
  if (rows.empty()) {
    out << "no CDRs\n";
    return;
  }
  table t({"ID", "START", "MODE", "CALLER", "CALLEE", "SOURCE", "ACCOUNT", "GATEWAY", "DURATION", "CODE", "REASON"});
  for (const auto& r : rows) {
    t.add_row({std::to_string(r.id), time_cell(base::to_unix_seconds(r.start_time)),
               std::string(store::to_string(r.mode)), or_dash(r.caller), or_dash(r.callee), source_of(r),
               or_dash(r.account), or_dash(r.routing_gateway), std::to_string(r.duration_s) + "s",
               std::to_string(r.disconnect_code), or_dash(r.disconnect_reason)});
  }
  t.print(out);
}

void write_cdr_csv(std::span<const cdr_record> rows, std::ostream& out) {
  bool first = true;
  for (const char* name : csv_header) {
    out << (first ? "" : ",") << name;
    first = false;
  }
  out << "\r\n";
  for (const auto& r : rows) {
    const std::string fields[] = {std::to_string(r.id),
                                  r.call_id,
                                  iso_time(r.start_time),
                                  optional_iso(r.answer_time),
                                  optional_iso(r.end_time),
                                  std::to_string(r.duration_s),
                                  r.caller,
                                  r.callee,
                                  r.src_ip,
                                  std::to_string(r.src_port),
                                  r.transport,
                                  r.user_agent,
                                  r.account,
                                  r.routing_gateway,
                                  std::to_string(static_cast<int>(r.mode)),
                                  std::to_string(r.disconnect_code),
                                  r.disconnect_reason};
    first = true;
    for (const auto& f : fields) {
      out << (first ? "" : ",") << csv_field(f);
      first = false;
    }
    out << "\r\n";
  }
}

wire::json cdr_json(std::span<const cdr_record> rows) {
  const auto time = [](const std::optional<base::timestamp>& t) {
    return t ? wire::json(base::to_unix_seconds(*t)) : wire::json(nullptr);
  };
  wire::json list = wire::json::array();
  for (const auto& r : rows) {
    wire::json j;
    j["id"] = r.id;
    j["call_id"] = r.call_id;
    j["start_time"] = base::to_unix_seconds(r.start_time);
    j["answer_time"] = time(r.answer_time);
    j["end_time"] = time(r.end_time);
    j["duration_s"] = r.duration_s;
    j["caller"] = r.caller;
    j["callee"] = r.callee;
    j["src_ip"] = r.src_ip;
    j["src_port"] = r.src_port;
    j["transport"] = r.transport;
    j["user_agent"] = r.user_agent;
    j["account"] = r.account;
    j["routing_gateway"] = r.routing_gateway;
    j["billing_mode"] = static_cast<int>(r.mode);
    j["disconnect_code"] = r.disconnect_code;
    j["disconnect_reason"] = r.disconnect_reason;
    list.push_back(std::move(j));
  }
  return list;
}

int run_cdr(const cdr_arguments& a, bool json, base::timestamp now, std::ostream& out, std::ostream& err) {
  if (json && a.csv) return usage_error("cdr", "--csv and --json exclude each other", err);
  auto filter = make_cdr_filter(a, now);
  if (auto* e = std::get_if<std::string>(&filter)) return usage_error("cdr", *e, err);
  const std::string path = cdr_database_path(a);
  auto opened = open_cdr_database(path);
  if (auto* e = std::get_if<std::string>(&opened)) {
    err << "tollgatectl cdr: " << *e << '\n';
    return exit_failed;
  }
  store::cdr_query query(std::get<store::database>(opened));
  auto rows = query.find(std::get<store::cdr_filter>(filter));
  if (!rows) {
    err << "tollgatectl cdr: " << path << ": " << rows.error().message << '\n';
    return exit_failed;
  }
  if (json) {
    out << cdr_json(*rows).dump(2) << '\n';
  } else if (a.csv) {
    write_cdr_csv(*rows, out);
  } else {
    print_cdr_table(*rows, out);
  }
  return exit_done;
}

void add_cdr_command(CLI::App& app, const ctl_options& options, action& chosen) {
  auto a = std::make_shared<cdr_arguments>();
  auto* cdr = app.add_subcommand("cdr", "call detail records from switch.db (read-only), newest first");
  cdr->add_option("--billing-mode", a->billing_mode, "illegal, endpoint, gateway, none, or the number 4, 0, 1, -1");
  cdr->add_option("--since", a->since,
                  "from this time on: Unix seconds, ISO 8601 (2026-11-26T10:00:00Z; UTC without a zone) or a "
                  "duration back from now (1h, 7d)");
  cdr->add_option("--until", a->until, "before this time (same forms as --since)");
  cdr->add_option("--src", a->src, "only calls from this source IP address");
  cdr->add_option("--limit", a->limit, "at most this many records")->capture_default_str()->check(CLI::Range(1, 100000000));
  cdr->add_flag("--csv", a->csv, "print CSV with a header row (RFC 4180)");
  auto* state = cdr->add_option("--state-dir", a->state_dir, "the switch's state directory (switch.db is in it)");
  auto* db = cdr->add_option("--db", a->db, "the switch.db file itself");
  state->excludes(db);
  cdr->footer("Default file: /var/lib/tollgate/switch.db. Example: tollgatectl cdr --billing-mode illegal --since 1d --csv\n");
  const ctl_options* o = &options;
  on_parsed(cdr, chosen, [o, a] {
    if (a->state_dir.empty() && a->db.empty()) a->state_dir = o->state_dir;  // tollgatectl --config/--state-dir
    const base::system_clock clock;
    return run_cdr(*a, o->json, clock.now(), std::cout, std::cerr);
  });
}

}  // namespace tollgate::ctl
