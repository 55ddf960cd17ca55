// Call detail records in switch.db: the record, batched writing, and the CLI's query.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "store/database.hpp"

namespace tollgate::store {

/// product.md section 4's billing modes, with their VOS3000 numbers.
enum class billing_mode : int { none = -1, endpoint = 0, gateway = 1, illegal = 4 };
/// "none", "endpoint", "gateway", "illegal".
std::string_view to_string(billing_mode mode);
/// A name above or a number ("-1", "0", "1", "4"), as `tollgatectl cdr --billing-mode` takes it.
std::optional<billing_mode> parse_billing_mode(std::string_view text);

/// One call attempt, field for field the cdr table.
struct cdr_record {
  std::int64_t id = 0;  // assigned when written; 0 before
  std::string call_id;
  base::timestamp start_time;
  std::optional<base::timestamp> answer_time;
  std::optional<base::timestamp> end_time;
  std::int64_t duration_s = 0;
  std::string caller;
  std::string callee;
  std::string src_ip;  // the address as base::ip_address::to_string() prints it
  std::uint16_t src_port = 0;
  std::string transport;  // "udp", "tcp"
  std::string user_agent;
  std::string account;  // endpoint or gateway name; "" when illegal
  std::string routing_gateway;
  billing_mode mode = billing_mode::none;
  int disconnect_code = 0;  // SIP status
  std::string disconnect_reason;

  friend bool operator==(const cdr_record&, const cdr_record&) = default;
};

/// Writes records in batches: one transaction per write(), so a flood of illegal INVITEs
/// costs one commit per batch, not per call. A write that returns success is durable
/// against a crash of the process; one that fails wrote nothing.
class cdr_writer {
public:
  explicit cdr_writer(database& db) : db_(db) {}
  result<void> write(std::span<const cdr_record> records);
  /// Deletes at most `max_rows` of the oldest records that started before `cutoff`
  /// (`[switch] cdr_retention`), in one transaction; returns how many went. Bounded so a
  /// large backlog is pruned in steps that do not stall signalling.
  result<std::int64_t> prune_older_than(base::timestamp cutoff, std::size_t max_rows);

private:
  database& db_;
};

struct cdr_filter {
  std::optional<billing_mode> mode{};
  std::optional<base::timestamp> since{};  // start_time >= since
  std::optional<base::timestamp> until{};  // start_time < until
  std::optional<std::string> src_ip{};     // exact address
  std::size_t limit = 100;
};

/// Reads records for `tollgatectl cdr`; works on a read-only connection beside the writer.
class cdr_query {
public:
  explicit cdr_query(database& db) : db_(db) {}
  /// The newest `limit` records matching every given filter, newest first.
  result<std::vector<cdr_record>> find(const cdr_filter& filter);

private:
  database& db_;
};

}  // namespace tollgate::store
