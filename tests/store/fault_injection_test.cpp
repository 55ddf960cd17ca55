// Countdown fault injection and a killed writer: a failed transaction loses nothing that
// was acknowledged and leaves nothing half-applied.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>

#include "store/agent_schema.hpp"
#include "store/audit_log.hpp"
#include "store/block_store.hpp"
#include "store/cdr.hpp"
#include "store/database.hpp"
#include "store/switch_schema.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tollgate;
using namespace tollgate::store;
using namespace std::chrono_literals;

namespace {

base::timestamp at(std::int64_t seconds) { return base::timestamp{base::millis{seconds * 1000}}; }

std::vector<cdr_record> batch(int first, int size) {
  std::vector<cdr_record> records;
  for (int i = first; i < first + size; ++i) {
    cdr_record r;
    r.call_id = "c" + std::to_string(i);
    r.start_time = at(i);
    r.src_ip = "203.0.113.9";
    r.src_port = 5060;
    r.transport = "udp";
    r.mode = billing_mode::illegal;
    r.disconnect_code = 403;
    records.push_back(r);
  }
  return records;
}

std::int64_t scalar(database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  REQUIRE(st);
  auto row = (*st)->step();
  REQUIRE(row);
  REQUIRE(*row);
  return (*st)->get_int64(0);
}

/// One policy decision as the agent stores it: the block, its history row and its audit
/// row, together or not at all.
result<void> store_block(database& db, const block_row& row) {
  auto tx = transaction::begin(db);
  if (!tx) return tx.error();
  block_store blocks(db);
  if (auto done = blocks.upsert(row); !done) return done;
  if (auto done = blocks.record_history({row.prefix, row.created, 3600s}); !done) return done;
  if (auto done =
          audit_log(db).append({0, row.created, row.actor, "block", row.prefix.to_string(), row.reason, row.evidence});
      !done) {
    return done.error();
  }
  return tx->commit();
}

}  // namespace

TEST_CASE("a CDR batch failing at any step writes nothing, the retry writes it once", "[store][fault]") {
  test::temp_dir dir;
  auto db = open_switch_db(dir.file("switch.db"));
  REQUIRE(db);
  REQUIRE(cdr_writer(*db).write(batch(0, 20)));  // acknowledged before the faults

  int failures = 0;
  for (std::int64_t n = 0;; ++n) {
    INFO("fault after " << n << " steps");
    REQUIRE(n < 1000);
    db->inject_fault_after(n);
    auto done = cdr_writer(*db).write(batch(20, 50));
    CHECK_FALSE(db->in_transaction());
    // A second connection sees only whole batches, the acknowledged one always.
    auto other = open_switch_db(dir.file("switch.db"));
    REQUIRE(other);
    const auto rows = scalar(*other, "SELECT count(*) FROM cdr");
    if (!done) {
      ++failures;
      CHECK(done.error().code == errc::io_error);
      CHECK(rows == 20);
      CHECK(scalar(*other, "SELECT count(*) FROM cdr WHERE call_id = 'c19'") == 1);
      continue;
    }
    db->inject_fault_after(-1);
    CHECK(rows == 70);
    CHECK(scalar(*other, "SELECT count(DISTINCT call_id) FROM cdr") == 70);
    break;
  }
  // BEGIN, 50 INSERTs and COMMIT: 52 places to fail.
  CHECK(failures == 52);
}

TEST_CASE("a block decision failing at any step leaves block, history and audit unchanged", "[store][fault]") {
  test::temp_dir dir;
  auto db = open_agent_db(dir.file("agent.db"));
  REQUIRE(db);
  const block_row first{
      *base::ip_prefix::parse("203.0.113.9/32"), at(4600), "illegal_calls", at(1000), "policy", R"({"calls":3})"};
  REQUIRE(store_block(*db, first));

  block_row second = first;
  second.prefix = *base::ip_prefix::parse("2001:db8:bad::/64");
  second.reason = "register_failures";
  int failures = 0;
  for (std::int64_t n = 0;; ++n) {
    INFO("fault after " << n << " steps");
    REQUIRE(n < 100);
    db->inject_fault_after(n);
    auto done = store_block(*db, second);
    CHECK_FALSE(db->in_transaction());
    auto other = open_agent_db(dir.file("agent.db"));
    REQUIRE(other);
    const auto blocks = scalar(*other, "SELECT count(*) FROM blocks");
    const auto history = scalar(*other, "SELECT count(*) FROM block_history");
    const auto audit = scalar(*other, "SELECT count(*) FROM audit");
    if (!done) {
      ++failures;
      CHECK(blocks == 1);
      CHECK(history == 1);
      CHECK(audit == 1);
      continue;
    }
    db->inject_fault_after(-1);
    CHECK(blocks == 2);
    CHECK(history == 2);
    CHECK(audit == 2);
    auto stored = block_store(*other).find(second.prefix);
    REQUIRE(stored);
    REQUIRE(*stored);
    CHECK(**stored == second);
    break;
  }
  CHECK(failures == 5);  // BEGIN, three INSERTs, COMMIT
}

TEST_CASE("a writer killed mid-stream loses no acknowledged CDR batch and leaves no partial one", "[store][fault]") {
  test::temp_dir dir;
  const auto path = dir.file("switch.db");
  {
    auto db = open_switch_db(path);  // create the schema before the race
    REQUIRE(db);
  }
  int acks[2];
  REQUIRE(pipe(acks) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(acks[0]);
    auto db = open_switch_db(path);
    if (!db) _exit(2);
    cdr_writer writer(*db);
    for (int i = 0; i < 100000; ++i) {
      if (!writer.write(batch(i * 10, 10))) _exit(3);
      const char ack = 'a';
      if (write(acks[1], &ack, 1) != 1) _exit(4);
    }
    _exit(0);
  }
  close(acks[1]);
  std::int64_t acknowledged = 0;
  char buffer[256];
  while (acknowledged < 50) {
    const auto n = read(acks[0], buffer, sizeof buffer);
    REQUIRE(n > 0);
    acknowledged += n;
  }
  kill(child, SIGKILL);
  for (;;) {  // acknowledgements already in the pipe when the writer died
    const auto n = read(acks[0], buffer, sizeof buffer);
    if (n <= 0) break;
    acknowledged += n;
  }
  close(acks[0]);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));

  auto db = open_switch_db(path);
  REQUIRE(db);
  const auto rows = scalar(*db, "SELECT count(*) FROM cdr");
  INFO("acknowledged batches " << acknowledged << ", rows " << rows);
  CHECK(rows >= acknowledged * 10);
  CHECK(rows % 10 == 0);
  CHECK(scalar(*db, "PRAGMA integrity_check") == 0);
}
