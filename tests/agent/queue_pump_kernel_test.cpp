// Kernel tests of the queue pump: real packets through NFQUEUE, the inspector's verdicts,
// counters, recent drops, the time budget and INSPECT_ENABLE = 0.
#include "agent/queue_pump.hpp"

#include "tests/netfilter/kernel_fixture.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <optional>
#include <string>
#include <vector>

using namespace tollgate;
using namespace tollgate::agent;
using namespace tollgate::netfilter::test;
using namespace std::chrono_literals;

namespace {

const std::string legit =
    "OPTIONS sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.2:5062;branch=z9hG4bK-1\r\n"
    "To: <sip:100@192.0.2.1>\r\nFrom: <sip:200@192.0.2.2>;tag=a1\r\nCall-ID: legit-1\r\nCSeq: 1 OPTIONS\r\n"
    "Max-Forwards: 70\r\nUser-Agent: Yealink SIP-T46S\r\nContent-Length: 0\r\n\r\n";
const std::string scanner =
    "OPTIONS sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.2:5062;branch=z9hG4bK-2\r\n"
    "To: <sip:100@192.0.2.1>\r\nFrom: <sip:200@192.0.2.2>;tag=a2\r\nCall-ID: scan-1\r\nCSeq: 1 OPTIONS\r\n"
    "Max-Forwards: 70\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n";
const std::string malformed = "INVITE sip:100@192.0.2.1 SIP/2.0\r\nVia: nonsense\r\n\r\n";
const std::string stun("\x00\x01\x00\x00\x21\x12\xa4\x42" "abcdefghijkl", 20);

/// A clock whose steady time moves 1 ms each time it is read: every packet is "late".
class slow_clock final : public base::clock {
public:
  base::timestamp now() const override { return {}; }
  base::steady_timestamp steady_now() const override { return t_ += 1ms; }

private:
  mutable base::steady_timestamp t_{};
};

struct pump_fixture {
  kernel_fixture f;
  boost::asio::io_context io;
  std::unique_ptr<queue_pump> pump;
  std::vector<inspection> drops;
  std::unique_ptr<udp_socket> server;
  std::unique_ptr<udp_socket> sender;

  explicit pump_fixture(base::clock& clock, pump_options options = {}) {
    REQUIRE_FALSE(f.setup);
    auto q = inside(f.ns.server(), [] { return netfilter::queue_receiver::open(netfilter::queue_config{}); });
    REQUIRE(q);
    pump = std::make_unique<queue_pump>(io, std::move(q.value), inspector{}, clock, options);
    pump->on_drop = [this](const inspection& i, base::timestamp) { drops.push_back(i); };
    pump->start();
    server = f.server_socket();
    sender = f.attacker_socket("192.0.2.2");
  }

  /// Runs the loop until "marker" reaches the server; what arrived before it.
  std::optional<std::vector<std::string>> until_marker() {
    REQUIRE(sender->send_to(addr("192.0.2.1"), 5060, "marker"));
    std::vector<std::string> arrived;
    char buffer[4096];
    for (int round = 0; round < 300; ++round) {
      io.run_for(10ms);
      for (;;) {
        const auto n = ::recv(server->fd(), buffer, sizeof buffer, MSG_DONTWAIT);
        if (n < 0) break;
        std::string text{buffer, static_cast<std::size_t>(n)};
        if (text == "marker") return arrived;
        arrived.push_back(std::move(text));
      }
    }
    return std::nullopt;
  }

  void send_mix() {
    for (int i = 0; i < 3; ++i) REQUIRE(sender->send_to(addr("192.0.2.1"), 5060, legit));
    for (int i = 0; i < 2; ++i) REQUIRE(sender->send_to(addr("192.0.2.1"), 5060, scanner));
    for (int i = 0; i < 2; ++i) REQUIRE(sender->send_to(addr("192.0.2.1"), 5060, malformed));
    REQUIRE(sender->send_to(addr("192.0.2.1"), 5060, stun));
  }
};

std::size_t count(const std::vector<std::string>& v, const std::string& what) {
  return static_cast<std::size_t>(std::count(v.begin(), v.end(), what));
}

}  // namespace

TEST_CASE("the pump drops scanners and malformed SIP and passes the rest", "[agent][inspector][kernel]") {
  base::system_clock clock;
  pump_fixture p(clock);
  p.send_mix();
  const auto arrived = p.until_marker();
  REQUIRE(arrived.has_value());
  CHECK(count(*arrived, legit) == 3);
  CHECK(count(*arrived, stun) == 1);
  CHECK(arrived->size() == 4);

  const auto& c = p.pump->counters();
  CHECK(c.packets == 9);  // the marker is queued too
  CHECK(c.dropped == 4);
  CHECK(c.accepted == 5);
  CHECK(c.by_reason[static_cast<std::size_t>(inspect_reason::scanner_user_agent)] == 2);
  CHECK(c.by_reason[static_cast<std::size_t>(inspect_reason::malformed_sip)] == 2);
  CHECK(c.by_reason[static_cast<std::size_t>(inspect_reason::not_sip)] == 2);  // STUN and the marker
  CHECK(c.by_reason[static_cast<std::size_t>(inspect_reason::clean)] == 3);
  CHECK(c.overload_accepts == 0);

  REQUIRE(p.drops.size() == 4);
  CHECK(p.drops[0].source == addr("192.0.2.2"));
  CHECK(p.drops[0].user_agent == "friendly-scanner");
  CHECK(p.drops[0].call_id == "scan-1");
  REQUIRE(p.pump->recent_drops().size() == 4);
  CHECK(p.pump->recent_drops().back().reason == inspect_reason::malformed_sip);
  const auto status = p.pump->status();
  CHECK(status["dropped"] == 4);
  CHECK(status["by_reason"]["scanner_user_agent"] == 2);
  CHECK(status["recent_drops"].size() == 4);
  CHECK(status["recent_drops"][0]["source"] == "192.0.2.2");
}

TEST_CASE("the pump accepts unchecked what it cannot judge within its time budget", "[agent][inspector][kernel]") {
  slow_clock clock;
  pump_options options;
  options.hold_budget = 500us;
  pump_fixture p(clock, options);
  p.send_mix();
  const auto arrived = p.until_marker();
  REQUIRE(arrived.has_value());
  CHECK(arrived->size() == 8);  // scanners and malformed SIP too: accept rather than stall
  CHECK(p.pump->counters().overload_accepts == 9);
  CHECK(p.pump->counters().dropped == 0);
  CHECK(p.drops.empty());
}

TEST_CASE("with INSPECT_ENABLE = 0 the pump accepts everything it still receives", "[agent][inspector][kernel]") {
  base::system_clock clock;
  pump_fixture p(clock);
  bool enabled = false;
  p.pump->enabled = [&enabled] { return enabled; };
  p.send_mix();
  auto arrived = p.until_marker();
  REQUIRE(arrived.has_value());
  CHECK(arrived->size() == 8);
  CHECK(p.pump->counters().disabled_accepts == 9);
  CHECK(p.pump->status()["enabled"] == false);

  enabled = true;
  p.send_mix();
  arrived = p.until_marker();
  REQUIRE(arrived.has_value());
  CHECK(arrived->size() == 4);
  CHECK(p.pump->counters().dropped == 4);
}
