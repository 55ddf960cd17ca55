// The agent core against the real kernel and SQLite: reports per second while blocks are
// created, report-to-kernel-ACK latency at 1k reports/s, RSS with 100k blocks, and the
// time to restart with 1M stored blocks. Runs in a private network namespace (root).
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

#include "agent/core.hpp"
#include "agent/netfilter_kernel.hpp"
#include "bench/netfilter/private_namespace.hpp"
#include "store/agent_schema.hpp"

using namespace tollgate;
using steady = std::chrono::steady_clock;

namespace {

long rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

base::ip_address nth_address(std::uint32_t i) {
  return base::ip_address::v4({static_cast<std::uint8_t>(10 + (i >> 24)), static_cast<std::uint8_t>(i >> 16),
                               static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)});
}

struct agent_fixture {
  std::string dir;
  store::database db;
  agent::state_journal journal;
  policy::engine engine;
  netfilter::firewall firewall;
  agent::netfilter_kernel kernel;
  base::system_clock clock;
  agent::core core;

  explicit agent_fixture(const std::string& state_dir)
      : dir(state_dir),
        db(open_db(state_dir + "/agent.db")),
        journal(db),
        engine(parameters()),
        firewall(open_firewall()),
        kernel(firewall),
        core(engine, kernel, journal, clock) {}

  static store::database open_db(const std::string& path) {
    auto db = store::open_agent_db(path);
    if (!db) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), db.error().message.c_str());
      std::exit(1);
    }
    return std::move(db).value();
  }
  static policy::parameter_set parameters() {
    policy::parameter_set p;
    (void)p.set(policy::parameter::BLACKLIST_ILLEGAL_CALLS, 1, policy::parameter_origin::config);
    (void)p.set(policy::parameter::INSPECT_ENABLE, 0, policy::parameter_origin::config);
    return p;
  }
  static netfilter::firewall open_firewall() {
    netfilter::table_spec spec;
    spec.inspect = false;
    auto f = netfilter::firewall::open(spec);
    if (!f) {
      std::fprintf(stderr, "netlink: %s\n", f.error.message().c_str());
      std::exit(1);
    }
    return std::move(f.value);
  }
};

policy::report illegal(std::uint32_t i) {
  policy::report r;
  r.type = policy::report_type::illegal_call;
  r.ip = nth_address(i);
  r.call_id = "bench";
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::uint32_t restart_blocks = argc > 1 ? static_cast<std::uint32_t>(std::atoi(argv[1])) : 1'000'000;
  netfilter::bench::enter_private_namespace();
  char pattern[] = "/tmp/tollgate-agent-bench-XXXXXX";
  const std::string dir = mkdtemp(pattern);

  {
    agent_fixture a(dir);
    if (auto f = a.core.start()) {
      std::fprintf(stderr, "start: %s\n", f->message.c_str());
      return 1;
    }
    // 1. Sustained reports, every one creating a block (threshold 1), in batches of 512.
    constexpr std::uint32_t flood = 100'000;
    const auto rss_before = rss_kib();
    const auto t0 = steady::now();
    for (std::uint32_t i = 0; i < flood; ++i) {
      a.core.submit(illegal(i), steady::now());
      if (i % 512 == 511) a.core.flush();
    }
    a.core.flush();
    const double seconds = std::chrono::duration<double>(steady::now() - t0).count();
    std::printf("reports_with_new_blocks_per_s %.0f  (%u reports, each a new block, kernel + agent.db, %.2f s)\n",
                flood / seconds, flood, seconds);
    std::printf("rss_with_100k_blocks_mib %.1f  (process RSS; %.1f MiB before the blocks)\n", rss_kib() / 1024.0,
                rss_before / 1024.0);

    // 2. Latency at 1k reports/s: one report a millisecond, each creating a block, flushed
    //    at once; from submit to the kernel's ACK (the core's histogram) and to commit.
    std::vector<double> to_commit;
    const auto before = a.core.latency();
    for (std::uint32_t i = 0; i < 2000; ++i) {
      const auto start = steady::now();
      a.core.submit(illegal(flood + i), start);
      a.core.flush();
      to_commit.push_back(std::chrono::duration<double, std::micro>(steady::now() - start).count());
      std::this_thread::sleep_until(start + std::chrono::milliseconds{1});
    }
    const auto h = a.core.latency().since(before);
    std::printf("report_to_kernel_ack_us p50<=%lld p99<=%lld max=%lld  (%llu samples, bucket upper bounds)\n",
                static_cast<long long>(h.quantile(0.5).count()), static_cast<long long>(h.quantile(0.99).count()),
                static_cast<long long>(h.max().count()), static_cast<unsigned long long>(h.count()));
    std::printf("report_to_db_commit_us p50=%.0f p99=%.0f\n", netfilter::bench::percentile(to_commit, 0.5),
                netfilter::bench::percentile(to_commit, 0.99));
  }

  // 3. Restart with many stored blocks: agent.db rows and kernel elements exist; measure
  //    a new agent from open to serving (restore + reconcile, nothing to change).
  {
    const std::string restart_dir = dir + "/restart";
    std::filesystem::create_directories(restart_dir);
    {
      auto db = store::open_agent_db(restart_dir + "/agent.db");
      store::block_store blocks(*db);
      auto tx = store::transaction::begin(*db);
      const auto now = base::system_clock{}.now();
      std::vector<netfilter::element> elements;
      for (std::uint32_t i = 0; i < restart_blocks; ++i) {
        const auto prefix = base::ip_prefix::host(nth_address(i));
        (void)blocks.upsert({prefix, now + std::chrono::hours{1}, "illegal_calls", now, "policy", "{\"repeat\":0}"});
        elements.push_back({prefix, base::millis{std::chrono::hours{1}}});
      }
      (void)tx->commit();
      auto firewall = agent_fixture::open_firewall();
      (void)firewall.ensure_table();
      (void)firewall.flush_blocks();
      if (auto err = firewall.add_blocks(elements)) std::fprintf(stderr, "add: %s\n", err.message().c_str());
    }
    const auto t0 = steady::now();
    agent_fixture b(restart_dir);
    if (auto f = b.core.start()) std::fprintf(stderr, "restart: %s\n", f->message.c_str());
    const double seconds = std::chrono::duration<double>(steady::now() - t0).count();
    std::printf("restart_to_serving_s %.2f  (%u stored blocks, %llu kernel changes needed)\n", seconds, restart_blocks,
                static_cast<unsigned long long>(b.core.counters().reconcile_repairs));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
