#include "switch/tcp_transport.hpp"
#include "switch/udp_transport.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <string>
#include <thread>

using namespace tollgate;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// The transports run on their own io_context thread; the test talks to them with
// blocking sockets from its own thread, always with deadlines.
struct running {
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{io.get_executor()};
  std::thread thread;
  void start() {
    thread = std::thread([this] { io.run(); });
  }
  /// Stops the loop and joins its thread; the transports can then be destroyed safely.
  void finish() {
    guard.reset();
    io.stop();
    if (thread.joinable()) thread.join();
  }
  ~running() { finish(); }
};

std::optional<switch_::outbound> echo_status(std::string_view text, const switch_::peer& from) {
  return switch_::outbound{"SIP/2.0 200 OK\r\nX-Got: " + std::to_string(text.size()) + "\r\nX-Transport: " +
                               std::string(from.transport_name()) + "\r\nContent-Length: 0\r\n\r\n",
                           from.ip, from.port};
}

// Port 0: the kernel picks a free one (the config parser rightly refuses 0).
config::socket_address any_port(const char* address) { return {*base::ip_address::parse(address), 0}; }

std::string minimal_request(const std::string& body = "") {
  return "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n"
         "To: <sip:x@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

/// Reads until "\r\n\r\n" or the peer closes; "" on close or timeout.
std::string read_response(asio::ip::tcp::socket& s, std::chrono::milliseconds limit) {
  timeval tv{static_cast<time_t>(limit.count() / 1000), static_cast<suseconds_t>((limit.count() % 1000) * 1000)};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  boost::system::error_code ec;
  asio::read_until(s, asio::dynamic_buffer(out), "\r\n\r\n", ec);
  return ec ? std::string() : out;
}

}  // namespace

TEST_CASE("UDP on IPv4 and IPv6 loopback answers to the sender", "[switch][transport]") {
  running r;
  std::vector<std::unique_ptr<switch_::udp_transport>> transports;
  for (const char* text : {"127.0.0.1", "::1"}) {
    auto t = switch_::udp_transport::open(r.io, any_port(text),
                                          [](std::string_view d, const switch_::peer& from) { return echo_status(d, from); });
    REQUIRE(std::holds_alternative<std::unique_ptr<switch_::udp_transport>>(t));
    transports.push_back(std::move(std::get<0>(t)));
    transports.back()->start();
  }
  r.start();
  for (std::size_t i = 0; i < transports.size(); ++i) {
    const auto address = asio::ip::make_address(i == 0 ? "127.0.0.1" : "::1");
    asio::io_context client_io;
    asio::ip::udp::socket s(client_io, asio::ip::udp::endpoint(address, 0));
    s.send_to(asio::buffer(std::string("hello")), asio::ip::udp::endpoint(address, transports[i]->local_port()));
    timeval tv{2, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buffer[1024];
    boost::system::error_code ec;
    const auto n = s.receive(asio::buffer(buffer), 0, ec);
    REQUIRE_FALSE(ec);
    CHECK(std::string(buffer, n).find("X-Got: 5") != std::string::npos);
  }
  r.finish();
}

TEST_CASE("TCP frames by Content-Length and answers on the same connection", "[switch][transport]") {
  running r;
  auto t = switch_::tcp_transport::open(r.io, any_port("127.0.0.1"), {},
                                        [](const sip::message& m, const switch_::peer& from) {
                                          return echo_status(m.raw(), from);
                                        });
  REQUIRE(std::holds_alternative<std::unique_ptr<switch_::tcp_transport>>(t));
  auto& tcp = *std::get<0>(t);
  tcp.start();
  r.start();
  asio::io_context client_io;
  asio::ip::tcp::socket s(client_io);
  s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), tcp.local_port()));
  // Two messages in one write, the second with a body split across writes.
  const std::string first = minimal_request();
  const std::string second = minimal_request("v=0\r\n");
  asio::write(s, asio::buffer(first + second.substr(0, second.size() - 3)));
  std::string a = read_response(s, 2000ms);
  CHECK(a.find("X-Got: " + std::to_string(first.size())) != std::string::npos);
  CHECK(a.find("X-Transport: tcp") != std::string::npos);
  asio::write(s, asio::buffer(second.substr(second.size() - 3)));
  std::string b = read_response(s, 2000ms);
  CHECK(b.find("X-Got: " + std::to_string(second.size())) != std::string::npos);
  // A framing error (two Content-Lengths) closes the connection.
  asio::write(s, asio::buffer(std::string("OPTIONS sip:x SIP/2.0\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx")));
  CHECK(read_response(s, 2000ms).empty());
  r.finish();
}

TEST_CASE("TCP limits connections per source and closes idle ones", "[switch][transport]") {
  running r;
  switch_::tcp_limits limits;
  limits.max_per_source = 2;
  limits.idle_timeout = 1s;
  auto t = switch_::tcp_transport::open(r.io, any_port("127.0.0.1"), limits,
                                        [](const sip::message& m, const switch_::peer& from) {
                                          return echo_status(m.raw(), from);
                                        });
  REQUIRE(std::holds_alternative<std::unique_ptr<switch_::tcp_transport>>(t));
  auto& tcp = *std::get<0>(t);
  tcp.start();
  r.start();
  asio::io_context client_io;
  const asio::ip::tcp::endpoint server(asio::ip::make_address("127.0.0.1"), tcp.local_port());
  std::vector<asio::ip::tcp::socket> sockets;
  for (int i = 0; i < 3; ++i) {
    sockets.emplace_back(client_io);
    sockets.back().connect(server);
  }
  // The first two are served; the third is closed by the switch without an answer.
  for (int i = 0; i < 2; ++i) {
    asio::write(sockets[static_cast<std::size_t>(i)], asio::buffer(minimal_request()));
    CHECK_FALSE(read_response(sockets[static_cast<std::size_t>(i)], 2000ms).empty());
  }
  boost::system::error_code ec;
  asio::write(sockets[2], asio::buffer(minimal_request()), ec);
  CHECK(read_response(sockets[2], 2000ms).empty());
  // Idle: after a second without traffic the switch closes the served ones too.
  const auto started = std::chrono::steady_clock::now();
  CHECK(read_response(sockets[0], 5000ms).empty());
  CHECK(std::chrono::steady_clock::now() - started < 4s);
  r.finish();
}
