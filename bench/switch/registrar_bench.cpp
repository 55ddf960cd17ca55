// The registrar core without sockets: full REGISTER exchanges (challenge, then credentials)
// per second, and the resident memory of 100k bindings.
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "switch/switch_fixture.hpp"  // tests/switch: the registrar fixture and its test secret

using namespace tollgate;

namespace {

/// Resident set size in bytes, from /proc/self/statm.
double rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

std::shared_ptr<const config::config> many_endpoints(int n) {
  auto c = std::make_shared<config::config>(config::built_in_defaults());
  c->endpoints.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    config::endpoint e;
    e.name = std::to_string(100000 + i);
    e.password = "s3cret-" + e.name + "-Long";
    c->endpoints.push_back(std::move(e));
  }
  return c;
}

struct core {
  explicit core(std::shared_ptr<const config::config> c)
      : directory(std::move(c)),
        digest({}, test::test_secret(), directory.credentials()),
        reg(directory, digest, suspensions, bindings, {}),
        handler(reg, digest, policy::scanner_match{}) {}
  base::manual_clock clock{base::from_unix_seconds(1764158400)};
  switch_::endpoint_directory directory;
  sip::digest_server digest;
  switch_::suspension_table suspensions;
  switch_::binding_table bindings;
  switch_::registrar reg;
  switch_::request_handler handler;
  std::uint64_t random = 1;

  std::string request(const std::string& user, std::uint32_t cseq, const std::string& auth = {}) {
    sip::request_builder b("REGISTER", "sip:tollgate");
    b.via("UDP", "198.51.100.20:5062", sip::make_branch(random++))
        .from("<sip:" + user + "@tollgate>", "ft1")
        .to("<sip:" + user + "@tollgate>")
        .call_id("c-" + user)
        .cseq(cseq)
        .contact("<sip:" + user + "@198.51.100.20:5062>")
        .header("Expires", "3600");
    if (!auth.empty()) b.header("Proxy-Authorization", auth);
    return b.build();
  }

  /// One REGISTER exchange; true when it ended in 200.
  bool register_once(const std::string& user, const std::string& password, std::uint32_t& cseq) {
    const switch_::peer phone{config::transport::udp, *base::ip_address::parse("198.51.100.20"), 5062};
    auto challenge = handler.on_datagram(request(user, cseq++), phone, clock.now());
    auto parsed = sip::parse(challenge->bytes);
    sip::digest_client client([this] { return random++; });
    const auto values = parsed.msg->header_values("Proxy-Authenticate");
    auto answer = client.answer(407, values, "REGISTER", "sip:tollgate", user, password);
    auto ok = handler.on_datagram(request(user, cseq++, std::get<sip::digest_answer>(answer).value), phone, clock.now());
    (void)handler.take_reports();
    clock.advance(base::millis{1});  // the nc cache orders nonces by issue time, as in real traffic
    return ok->bytes.starts_with("SIP/2.0 200");
  }
};

void BM_register_with_digest(benchmark::State& state) {
  core c(many_endpoints(1000));
  std::uint32_t cseq = 1;
  int i = 0;
  for (auto _ : state) {
    const std::string user = std::to_string(100000 + (i++ % 1000));
    if (!c.register_once(user, "s3cret-" + user + "-Long", cseq)) state.SkipWithError("not registered");
    if (c.bindings.pending_changes() > 10000) (void)c.bindings.take_changes();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_register_with_digest)->Unit(benchmark::kMicrosecond);

void BM_rss_100k_bindings(benchmark::State& state) {
  constexpr int n = 100000;
  for (auto _ : state) {
    const double before = rss_bytes();
    core c(many_endpoints(n));
    const double with_config = rss_bytes();
    std::uint32_t cseq = 1;
    for (int i = 0; i < n; ++i) {
      const std::string user = std::to_string(100000 + i);
      if (!c.register_once(user, "s3cret-" + user + "-Long", cseq)) state.SkipWithError("not registered");
      if (c.bindings.pending_changes() > 10000) (void)c.bindings.take_changes();
    }
    c.handler.prune(c.clock.now() + std::chrono::seconds(60));  // transactions forgotten, as in steady state
    const double after = rss_bytes();
    state.counters["bindings"] = static_cast<double>(c.bindings.size());
    state.counters["rss_MB_total"] = after / 1e6;
    state.counters["rss_MB_endpoints"] = (with_config - before) / 1e6;
    state.counters["bytes_per_binding"] = (after - with_config) / n;
  }
}
BENCHMARK(BM_rss_100k_bindings)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
