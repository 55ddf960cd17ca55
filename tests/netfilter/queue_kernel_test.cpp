// Kernel tests of the NFQUEUE receiver: real packets queued, verdicts that take effect.
#include "netfilter/queue_receiver.hpp"

#include "tests/netfilter/catch_error.hpp"
#include "tests/netfilter/kernel_fixture.hpp"

#include <catch2/catch.hpp>

#include <poll.h>

#include <string_view>

using namespace tollgate::netfilter;
using namespace tollgate::netfilter::test;
using namespace std::chrono_literals;

namespace {

/// The UDP payload of a queued IPv4 or IPv6 packet.
std::string_view udp_payload(const queued_packet& p) {
  if (p.payload.empty()) return {};
  const std::size_t ip_header = (p.payload[0] >> 4) == 4 ? (p.payload[0] & 0x0f) * 4u : 40u;
  if (p.payload.size() < ip_header + 8) return {};
  return {reinterpret_cast<const char*>(p.payload.data()) + ip_header + 8, p.payload.size() - ip_header - 8};
}

/// Drives the receiver until the server socket has seen `marker` (or three seconds pass):
/// packets whose payload contains "scanner" are dropped, the rest accepted.
std::optional<std::vector<std::string>> inspect_until(queue_receiver& q, udp_socket& server,
                                                      std::string_view marker, std::size_t& queued) {
  std::vector<std::string> arrived;
  char buffer[4096];
  for (int round = 0; round < 300; ++round) {
    pollfd fds[2] = {{q.fd(), POLLIN, 0}, {server.fd(), POLLIN, 0}};
    ::poll(fds, 2, 10);
    auto packets = q.receive();
    REQUIRE(packets);
    for (const auto& p : packets.value) {
      ++queued;
      const auto payload = udp_payload(p);
      const auto result = payload.find("scanner") != std::string_view::npos ? inspection::scanner : inspection::clean;
      q.verdict(p.id, verdict_for(result));
    }
    REQUIRE_FALSE(q.flush());
    for (;;) {
      const auto n = ::recv(server.fd(), buffer, sizeof buffer, MSG_DONTWAIT);
      if (n < 0) break;
      std::string text{buffer, static_cast<std::size_t>(n)};
      if (text == marker) return arrived;
      arrived.push_back(std::move(text));
    }
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("queued packets reach the receiver and its verdicts take effect", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto q = inside(f.ns.server(), [] { return queue_receiver::open(queue_config{}); });
  REQUIRE(q);
  auto server = f.server_socket();
  auto sender = f.attacker_socket("192.0.2.2");
  auto sender6 = f.attacker_socket("2001:db8::2");
  for (int i = 0; i < 5; ++i) {
    sender->send_to(addr("192.0.2.1"), 5060, "OPTIONS sip:a SIP/2.0\r\nUser-Agent: softphone " + std::to_string(i));
    sender->send_to(addr("192.0.2.1"), 5060, "OPTIONS sip:a SIP/2.0\r\nUser-Agent: scanner " + std::to_string(i));
    sender6->send_to(addr("2001:db8::1"), 5060, "OPTIONS sip:a SIP/2.0\r\nUser-Agent: softphone6 " + std::to_string(i));
  }
  sender->send_to(addr("192.0.2.1"), 5060, "marker");
  std::size_t queued = 0;
  auto arrived = inspect_until(q.value, *server, "marker", queued);
  REQUIRE(arrived.has_value());
  CHECK(queued == 16);
  CHECK(arrived->size() == 10);
  for (const auto& text : *arrived) CHECK(text.find("scanner") == std::string::npos);
  CHECK(q.value.received() == 16);
}

TEST_CASE("with no listener on the queue traffic still flows", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  REQUIRE(f.fw.spec().inspect);
  REQUIRE(f.nft("list chain inet tollgate input").find("queue") != std::string::npos);
  auto server = f.server_socket();
  auto sender = f.attacker_socket("192.0.2.2");
  for (int i = 0; i < 5; ++i) sender->send_to(addr("192.0.2.1"), 5060, "OPTIONS " + std::to_string(i));
  sender->send_to(addr("192.0.2.1"), 5060, "marker");
  auto got = server->receive_until_marker("marker", 3s);
  REQUIRE(got.has_value());
  CHECK(got->size() == 5);
}

TEST_CASE("INSPECT_ENABLE off removes the queue rule at run time", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto q = inside(f.ns.server(), [] { return queue_receiver::open(queue_config{}); });
  REQUIRE(q);
  REQUIRE_FALSE(f.fw.set_inspect(false));
  CHECK(f.nft("list chain inet tollgate input").find("queue") == std::string::npos);
  auto server = f.server_socket();
  auto sender = f.attacker_socket("192.0.2.2");
  sender->send_to(addr("192.0.2.1"), 5060, "OPTIONS scanner");
  sender->send_to(addr("192.0.2.1"), 5060, "marker");
  std::size_t queued = 0;
  auto arrived = inspect_until(q.value, *server, "marker", queued);
  REQUIRE(arrived.has_value());
  CHECK(queued == 0);
  CHECK(arrived->size() == 1);
  REQUIRE_FALSE(f.fw.set_inspect(true));
  CHECK(f.nft("list chain inet tollgate input").find("queue") != std::string::npos);
}

TEST_CASE("a queue number bound by another process is reported as busy", "[netfilter][kernel]") {
  netns_pair ns;
  REQUIRE(ns.ok());
  auto first = inside(ns.server(), [] { return queue_receiver::open(queue_config{}); });
  REQUIRE(first);
  auto second = inside(ns.server(), [] { return queue_receiver::open(queue_config{}); });
  REQUIRE_FALSE(second);
  CHECK(second.error.code == errc::queue_busy);
  CHECK(second.error.message().find("already bound") != std::string::npos);
  CHECK(second.error.object == "queue 0");
}

TEST_CASE("a full queue fails open: packets beyond its length pass unqueued", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  queue_config config;
  config.max_len = 2;
  auto q = inside(f.ns.server(), [&] { return queue_receiver::open(config); });
  REQUIRE(q);
  auto server = f.server_socket();
  auto sender = f.attacker_socket("192.0.2.2");
  for (int i = 0; i < 10; ++i) sender->send_to(addr("192.0.2.1"), 5060, "OPTIONS " + std::to_string(i));
  sender->send_to(addr("192.0.2.1"), 5060, "marker");
  // Nobody reads the queue: the first two wait there, the rest are accepted by the kernel.
  auto got = server->receive_until_marker("marker", 3s);
  REQUIRE(got.has_value());
  CHECK(got->size() == 8);
  auto held = q.value.receive();
  REQUIRE(held);
  CHECK(held.value.size() == 2);
  for (const auto& p : held.value) q.value.verdict(p.id, verdict::accept);
  REQUIRE_FALSE(q.value.flush());
  // The two held packets arrive once accepted, before a marker sent after them.
  sender->send_to(addr("192.0.2.1"), 5060, "marker2");
  std::size_t queued = 0;
  auto rest = inspect_until(q.value, *server, "marker2", queued);
  REQUIRE(rest.has_value());
  CHECK(rest->size() == 2);
}
