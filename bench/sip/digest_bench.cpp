// Digest server throughput: verifications per second (MD5, SHA-256, unknown user) and
// challenges per second, on one core.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "sip/digest_client.hpp"
#include "sip/digest_server.hpp"

using namespace tollgate;
using namespace tollgate::sip;

namespace {

const base::ip_address phone = *base::ip_address::parse("192.0.2.10");
const base::timestamp t0{base::millis{1764158400000}};

nonce_secret bench_secret() {
  nonce_secret s;
  s.bytes.fill(0x42);
  return s;
}

std::shared_ptr<const digest_credential_store> bench_store() {
  auto store = std::make_shared<digest_credential_store>("tollgate");
  for (int i = 0; i < 10000; ++i) store->add_password(std::to_string(1000 + i), "pw" + std::to_string(i));
  return store;
}

// Answers with rising nc on one nonce, so every verification in the first pass is fresh and
// later passes take the same path up to the nc check (each still parses, checks the nonce
// HMAC, computes HA2 and the response and compares).
std::vector<std::string> answers(digest_server& server, std::size_t index, const std::string& user,
                                 const std::string& password, std::size_t count) {
  const auto ch = server.challenge(challenge_mode::www_authenticate, "REGISTER", phone, t0);
  const std::string_view value = ch.values.at(index);
  std::uint64_t random = 1;
  digest_client client([&] { return random++; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    auto a = client.answer(401, std::span<const std::string_view>(&value, 1), "REGISTER", "sip:tollgate", user, password);
    out.push_back(std::get<digest_answer>(a).value);
  }
  return out;
}

void verify(benchmark::State& state, std::size_t algorithm_index, const std::string& user) {
  digest_server server(digest_server_config{}, bench_secret(), bench_store());
  const auto batch = answers(server, algorithm_index, user, "pw1", 1 << 16);
  std::size_t i = 0;
  for (auto _ : state) {
    auto v = server.verify(batch[i++ & (batch.size() - 1)], "REGISTER", phone, t0);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_verify_md5(benchmark::State& state) { verify(state, 0, "1001"); }
void BM_verify_sha256(benchmark::State& state) { verify(state, 1, "1001"); }
void BM_verify_md5_unknown_user(benchmark::State& state) { verify(state, 0, "99999"); }

void BM_challenge_md5_and_sha256(benchmark::State& state) {
  digest_server server(digest_server_config{}, bench_secret(), bench_store());
  for (auto _ : state) {
    auto c = server.challenge(challenge_mode::by_method, "REGISTER", phone, t0);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

}  // namespace

BENCHMARK(BM_verify_md5);
BENCHMARK(BM_verify_sha256);
BENCHMARK(BM_verify_md5_unknown_user);
BENCHMARK(BM_challenge_md5_and_sha256);
