// store_bench: CDR rows written per second in batched transactions, blocks loaded per
// second from a 1M-row agent.db, audit rows appended per second. Files live in /tmp.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "store/agent_schema.hpp"
#include "store/audit_log.hpp"
#include "store/block_store.hpp"
#include "store/cdr.hpp"
#include "store/switch_schema.hpp"
#include "tests/support/sample_cdrs.hpp"

using namespace tollgate;
using namespace tollgate::store;

namespace {

class scratch {
public:
  scratch() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tollgate-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const char* name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

template <class T>
T must(result<T> r) {
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}
void must(result<void> r) {
  if (!r) throw std::runtime_error(r.error().message);
}

base::timestamp at(std::int64_t ms) { return base::timestamp{base::millis{ms}}; }

cdr_record illegal_cdr(std::int64_t i) {
  return test::illegal_cdr(at(1764158400000 + i), "1-" + std::to_string(i) + "@203.0.113.9",
                           "203.0.113." + std::to_string(i % 250));
}

void cdr_write(benchmark::State& state) {
  scratch dir;
  auto db = must(open_switch_db(dir.file("switch.db")));
  cdr_writer writer(db);
  const auto batch_size = state.range(0);
  std::vector<cdr_record> batch;
  std::int64_t next = 0;
  for (std::int64_t i = 0; i < batch_size; ++i) batch.push_back(illegal_cdr(next++));
  for (auto _ : state) {
    must(writer.write(batch));
  }
  state.SetItemsProcessed(state.iterations() * batch_size);
  state.counters["rows_per_batch"] = static_cast<double>(batch_size);
}
BENCHMARK(cdr_write)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

void block_load_all(benchmark::State& state) {
  scratch dir;
  const auto rows = state.range(0);
  auto db = must(open_agent_db(dir.file("agent.db")));
  {
    block_store blocks(db);
    auto tx = must(transaction::begin(db));
    for (std::int64_t i = 0; i < rows; ++i) {
      const bool v6 = i % 4 == 0;
      const auto address =
          v6 ? base::ip_address::v6({0x20, 0x01, 0x0d, 0xb8, static_cast<std::uint8_t>(i >> 24),
                                     static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                                     static_cast<std::uint8_t>(i)})
             : base::ip_address::v4({static_cast<std::uint8_t>(10 + (i >> 24)), static_cast<std::uint8_t>(i >> 16),
                                     static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)});
      must(blocks.upsert({base::ip_prefix::of(address, v6 ? 64 : 32),
                          i % 10 == 0 ? std::nullopt : std::optional(at(1764158400000 + i)), "register_failures",
                          at(1764150000000), "policy", R"({"failures":10})"}));
    }
    must(tx.commit());
  }
  for (auto _ : state) {
    auto all = must(block_store(db).load_all());
    if (all.size() != static_cast<std::size_t>(rows)) throw std::runtime_error("short load");
    benchmark::DoNotOptimize(all.data());
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(block_load_all)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void audit_append(benchmark::State& state) {
  scratch dir;
  auto db = must(open_agent_db(dir.file("agent.db")));
  audit_log audit(db);
  const auto per_transaction = state.range(0);
  std::int64_t i = 0;
  for (auto _ : state) {
    auto tx = must(transaction::begin(db));
    for (std::int64_t k = 0; k < per_transaction; ++k, ++i) {
      must(audit.append({0, at(1764158400000 + i), "policy", "block", "203.0.113.9/32", "illegal_calls",
                         R"({"call_id":"abc","user_agent":"friendly-scanner"})"}));
    }
    must(tx.commit());
  }
  state.SetItemsProcessed(state.iterations() * per_transaction);
}
BENCHMARK(audit_append)->Arg(1)->Arg(100)->UseRealTime();

}  // namespace
