#include "switch/call_transport.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <string>

#include "io_support.hpp"

using namespace tollgate;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using test::run_until;

namespace {

/// A UDP port on loopback that nothing listens on (bound, then closed).
std::uint16_t closed_udp_port() {
  asio::io_context io;
  asio::ip::udp::socket s(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return s.local_endpoint().port();
}

struct udp_sender {
  asio::io_context io;
  std::vector<std::unique_ptr<switch_::udp_transport>> udp;
  std::vector<std::unique_ptr<switch_::tcp_transport>> tcp;
  std::vector<std::pair<std::uint64_t, b2bua::destination>> failures;
  base::system_clock clock;
  std::unique_ptr<switch_::call_transport> sender;

  udp_sender() {
    auto u = switch_::udp_transport::open(io, {*base::ip_address::parse("127.0.0.1"), 0},
                                          [](std::string_view, const switch_::peer&) {
                                            return std::optional<switch_::outbound>{};
                                          });
    udp.push_back(std::move(std::get<0>(u)));
    udp[0]->start();
    sender = std::make_unique<switch_::call_transport>(
        io, udp, tcp, clock, [this](std::uint64_t call, const b2bua::destination& to) { failures.emplace_back(call, to); });
  }
  ~udp_sender() { udp[0]->stop(); }
};

}  // namespace

TEST_CASE("ICMP port unreachable for a call's UDP destination fails that call, and only it",
          "[switch][call_transport]") {
  udp_sender s;
  asio::io_context peer_io;
  asio::ip::udp::socket open_peer(peer_io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t closed = closed_udp_port();
  s.sender->send({"127.0.0.1", open_peer.local_endpoint().port(), config::transport::udp}, "to a live peer", 3);
  s.sender->send({"127.0.0.1", closed, config::transport::udp}, "INVITE to a closed port", 7);
  REQUIRE(run_until(s.io, [&] { return !s.failures.empty(); }, 5s));
  REQUIRE(s.failures.size() == 1);
  CHECK(s.failures[0].first == 7);
  CHECK(s.failures[0].second.port == closed);
  CHECK(s.sender->counters().unreachable == 1);
  CHECK(s.udp[0]->unreachable_reports() == 1);

  // The socket still works after reading its error queue: the next send goes out.
  s.sender->send({"127.0.0.1", open_peer.local_endpoint().port(), config::transport::udp}, "still here", 3);
  std::array<char, 64> buffer{};
  std::size_t got = 0;
  for (int i = 0; i < 2; ++i) got = open_peer.receive(asio::buffer(buffer));
  CHECK(std::string_view(buffer.data(), got) == "still here");
  CHECK(s.failures.size() == 1);
}

TEST_CASE("ICMP port unreachable for a destination no call sent to recently fails nothing", "[switch][call_transport]") {
  udp_sender s;
  const std::uint16_t closed = closed_udp_port();
  s.sender->send({"127.0.0.1", closed, config::transport::udp}, "a 403 to a scanner gone", 0);  // no call
  REQUIRE(run_until(s.io, [&] { return s.udp[0]->unreachable_reports() == 1; }, 5s));
  CHECK(s.failures.empty());
  CHECK(s.sender->counters().unreachable == 0);
}
