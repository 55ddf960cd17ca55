#include "switch/call_transport.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "sip/message.hpp"

#include "io_support.hpp"

using namespace tollgate;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using test::run_until;

namespace {

config::socket_address loopback_any_port() { return {*base::ip_address::parse("127.0.0.1"), 0}; }

const std::string response = "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n"
                             "To: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

struct transports {
  asio::io_context io;
  std::vector<std::unique_ptr<switch_::udp_transport>> udp;
  std::vector<std::unique_ptr<switch_::tcp_transport>> tcp;
  std::vector<std::string> stream_messages;  // what arrived on TCP connections
  std::vector<std::pair<std::uint64_t, b2bua::destination>> failures;
  base::system_clock clock;
  std::unique_ptr<switch_::call_transport> sender;

  transports() {
    auto u = switch_::udp_transport::open(io, loopback_any_port(), [](std::string_view, const switch_::peer&) {
      return std::optional<switch_::outbound>{};
    });
    udp.push_back(std::move(std::get<0>(u)));
    auto t = switch_::tcp_transport::open(io, loopback_any_port(), {}, [this](const sip::message& m, const switch_::peer&) {
      stream_messages.emplace_back(m.raw());
      return std::optional<switch_::outbound>{};
    });
    tcp.push_back(std::move(std::get<0>(t)));
    udp[0]->start();
    tcp[0]->start();
    sender = std::make_unique<switch_::call_transport>(
        io, udp, tcp, clock, [this](std::uint64_t call, const b2bua::destination& to) { failures.emplace_back(call, to); });
  }
  ~transports() {
    for (auto& t : tcp) t->stop();
    for (auto& u : udp) u->stop();
  }
};

}  // namespace

TEST_CASE("call sending over UDP comes from the listening socket", "[switch][call_transport]") {
  transports t;
  asio::io_context client_io;
  asio::ip::udp::socket peer(client_io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  t.sender->send({"127.0.0.1", peer.local_endpoint().port(), config::transport::udp}, "hello", 7);
  char buffer[64];
  asio::ip::udp::endpoint from;
  timeval tv{2, 0};
  ::setsockopt(peer.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::system::error_code ec;
  const std::size_t n = peer.receive_from(asio::buffer(buffer), from, 0, ec);
  REQUIRE_FALSE(ec);
  CHECK(std::string(buffer, n) == "hello");
  CHECK(from.port() == t.udp[0]->local_port());
  CHECK(t.sender->counters().sent == 1);

  const auto local = t.sender->local_towards({"127.0.0.1", 5080, config::transport::udp});
  REQUIRE(local);
  CHECK(local->address == *base::ip_address::parse("127.0.0.1"));
  CHECK(local->port == t.udp[0]->local_port());
  CHECK(switch_::source_address_towards(*base::ip_address::parse("127.0.0.1")) == base::ip_address::parse("127.0.0.1"));
}

TEST_CASE("call sending over TCP opens a connection, reads answers on it and reports a refused one",
          "[switch][call_transport]") {
  transports t;
  asio::io_context peer_io;
  asio::ip::tcp::acceptor acceptor(peer_io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = acceptor.local_endpoint().port();
  std::string received;
  std::thread peer([&] {
    asio::ip::tcp::socket s(peer_io);
    acceptor.accept(s);
    timeval tv{5, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    boost::system::error_code ec;
    asio::read_until(s, asio::dynamic_buffer(received), "\r\n\r\n", ec);
    asio::write(s, asio::buffer(response), ec);
    char drain[16];
    (void)s.read_some(asio::buffer(drain), ec);  // until the switch closes or the timeout
  });
  const std::string request = "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n";
  t.sender->send({"127.0.0.1", port, config::transport::tcp}, request, 3);
  CHECK(run_until(t.io, [&] { return t.stream_messages.size() == 1; }, 5s));
  CHECK(t.tcp[0]->connections() == 1);
  CHECK(t.tcp[0]->counters().outbound == 1);
  // A second message to the same peer reuses the connection.
  t.sender->send({"127.0.0.1", port, config::transport::tcp}, request, 3);
  t.io.run_for(50ms);
  t.io.restart();
  CHECK(t.tcp[0]->counters().outbound == 1);
  t.tcp[0]->stop();
  peer.join();
  CHECK(received == request);
  CHECK(t.failures.empty());

  // Nothing listens on a port just freed: the call hears of it.
  transports u;
  std::uint16_t closed_port = 0;
  {
    asio::ip::tcp::acceptor a(peer_io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = a.local_endpoint().port();
  }
  u.sender->send({"127.0.0.1", closed_port, config::transport::tcp}, request, 9);
  REQUIRE(run_until(u.io, [&] { return !u.failures.empty(); }, 5s));
  CHECK(u.failures[0].first == 9);
  CHECK(u.failures[0].second.port == closed_port);
  CHECK(u.tcp[0]->counters().connect_failures == 1);
}

TEST_CASE("a destination by name is resolved, kept, and fails the call when it does not resolve",
          "[switch][call_transport]") {
  transports t;
  asio::io_context client_io;
  asio::ip::udp::socket peer(client_io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const b2bua::destination by_name{"localhost", peer.local_endpoint().port(), config::transport::udp};
  t.sender->send(by_name, "first", 4);
  t.sender->send(by_name, "second", 4);  // queued behind the same resolution
  REQUIRE(run_until(t.io, [&] { return t.sender->counters().sent == 2; }, 5s));
  t.sender->send(by_name, "third", 4);  // from the cache, at once
  CHECK(t.sender->counters().sent == 3);
  char buffer[64];
  timeval tv{2, 0};
  ::setsockopt(peer.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (const std::string expected : {"first", "second", "third"}) {
    boost::system::error_code ec;
    const std::size_t n = peer.receive(asio::buffer(buffer), 0, ec);
    REQUIRE_FALSE(ec);
    CHECK(std::string(buffer, n) == expected);
  }
  CHECK(t.failures.empty());
  // ".invalid" never resolves (RFC 6761): the call is told.
  t.sender->send({"gateway.invalid", 5060, config::transport::udp}, "lost", 5);
  REQUIRE(run_until(t.io, [&] { return !t.failures.empty(); }, 30s));  // a slow resolver may take its timeouts
  CHECK(t.failures[0].first == 5);
  CHECK(t.sender->counters().resolve_failures == 1);
}
