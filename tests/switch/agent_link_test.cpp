// The switch's agent link against a stand-in agent on a real Unix socket: reports buffered
// while the agent is away are replayed in order, decisions and parameters come back, a bad
// line is counted and skipped, and a lost connection is reopened without losing what was
// never written.
#include "switch/agent_link.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <functional>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "wire/report_codec.hpp"

using namespace tollgate;
namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

namespace {

const base::timestamp t0 = base::from_unix_seconds(1764158400);

policy::report failure(const std::string& endpoint) {
  policy::report r;
  r.type = policy::report_type::register_failed;
  r.time = t0;
  r.ip = *base::ip_address::parse("203.0.113.9");
  r.port = 5062;
  r.transport = "udp";
  r.endpoint = endpoint;
  r.verified = true;
  return r;
}

/// Runs the io_context until `done` holds, for at most `limit`.
bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = std::chrono::milliseconds{5000}) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds{10});
  }
  return true;
}

/// The agent's side: accepts one connection at a time, collects the lines it reads.
struct stand_in_agent {
  stand_in_agent(asio::io_context& io, const std::string& path) : acceptor(io, stream::endpoint(path)), peer(io) {}

  void accept() {
    acceptor.async_accept(peer, [this](const boost::system::error_code& ec) {
      if (ec) return;
      accepted++;
      read();
    });
  }
  void read() {
    asio::async_read_until(peer, asio::dynamic_buffer(in), '\n', [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec) return;
      lines.push_back(in.substr(0, n - 1));
      in.erase(0, n);
      read();
    });
  }
  void write(const std::string& text) { asio::write(peer, asio::buffer(text)); }
  void hang_up() {
    boost::system::error_code ignored;
    peer.shutdown(stream::socket::shutdown_both, ignored);
    peer.close(ignored);
    peer = stream::socket(acceptor.get_executor());
    in.clear();
  }
  std::vector<std::string> endpoints() const {
    std::vector<std::string> out;
    for (const auto& line : lines) {
      const auto parsed = wire::parse_report(line);
      out.push_back(std::holds_alternative<policy::report>(parsed) ? std::get<policy::report>(parsed).endpoint
                                                                    : "unparsable: " + line);
    }
    return out;
  }

  stream::acceptor acceptor;
  stream::socket peer;
  std::string in;
  std::vector<std::string> lines;
  int accepted = 0;
};

}  // namespace

TEST_CASE("reports made while the agent is away are replayed in order once it listens") {
  test::temp_dir dir;
  asio::io_context io;
  std::vector<policy::decision> decisions;
  switch_::agent_link link(io, dir.file("agent.sock"), [&](const policy::decision& d) { decisions.push_back(d); });
  link.start();
  for (const char* e : {"1001", "1002", "1003"}) link.send(failure(e));
  run_until(io, [] { return false; }, std::chrono::milliseconds{150});  // a refused connect or two
  CHECK_FALSE(link.connected());
  CHECK(link.buffer().size() == 3);

  stand_in_agent agent(io, dir.file("agent.sock"));
  agent.accept();
  REQUIRE(run_until(io, [&] { return agent.lines.size() == 3; }));
  CHECK(agent.endpoints() == std::vector<std::string>{"1001", "1002", "1003"});
  CHECK(link.connected());
  CHECK(link.counters().connects == 1);
  CHECK(link.counters().reports_sent == 3);
  CHECK(link.buffer().empty());
  link.stop();
}

TEST_CASE("what the connect hook sends follows the buffered reports") {
  test::temp_dir dir;
  asio::io_context io;
  switch_::agent_link link(io, dir.file("agent.sock"), [](const policy::decision&) {});
  link.on_connected([&] { link.send(failure("hello")); });
  link.send(failure("buffered"));
  stand_in_agent agent(io, dir.file("agent.sock"));
  agent.accept();
  link.start();
  REQUIRE(run_until(io, [&] { return agent.lines.size() == 2; }));
  CHECK(agent.endpoints() == std::vector<std::string>{"buffered", "hello"});
  link.stop();
}

TEST_CASE("decisions and parameters from the agent arrive, and a bad line is counted and skipped") {
  test::temp_dir dir;
  asio::io_context io;
  std::vector<policy::decision> decisions;
  std::vector<wire::parameter_values> parameters;
  switch_::agent_link link(io, dir.file("agent.sock"), [&](const policy::decision& d) { decisions.push_back(d); });
  link.on_parameters([&](const wire::parameter_values& v) { parameters.push_back(v); });
  stand_in_agent agent(io, dir.file("agent.sock"));
  agent.accept();
  link.start();
  REQUIRE(run_until(io, [&] { return link.connected() && agent.accepted == 1; }));

  policy::parameter_set params;
  REQUIRE_FALSE(params.set(policy::parameter::SS_ENDPOINTREGISTERRETRY, 3, policy::parameter_origin::runtime));
  agent.write(wire::format_decision({t0, policy::suspend{"1001", t0 + std::chrono::minutes(10), 5, {}}}) + "\n" +
              "this is not json\n" + wire::format_runtime_parameters(t0, params) + "\n" +
              wire::format_decision({t0, policy::unsuspend{"1001", "manual"}}) + "\n");
  REQUIRE(run_until(io, [&] { return decisions.size() == 2 && parameters.size() == 1; }));
  CHECK(std::holds_alternative<policy::suspend>(decisions[0].what));
  CHECK(std::get<policy::suspend>(decisions[0].what).endpoint == "1001");
  CHECK(std::holds_alternative<policy::unsuspend>(decisions[1].what));
  CHECK(link.counters().decisions == 2);
  CHECK(link.counters().bad_lines == 1);
  CHECK(link.connected());  // a bad line does not cost the connection
  link.stop();
}

TEST_CASE("a lost connection is reopened, and reports made meanwhile reach the new one") {
  test::temp_dir dir;
  asio::io_context io;
  switch_::agent_link link(io, dir.file("agent.sock"), [](const policy::decision&) {});
  stand_in_agent agent(io, dir.file("agent.sock"));
  agent.accept();
  link.start();
  link.send(failure("before"));
  REQUIRE(run_until(io, [&] { return agent.lines.size() == 1; }));

  agent.hang_up();
  REQUIRE(run_until(io, [&] { return !link.connected(); }));
  CHECK(link.counters().disconnects == 1);
  link.send(failure("while-away-1"));
  link.send(failure("while-away-2"));
  agent.accept();
  REQUIRE(run_until(io, [&] { return agent.lines.size() == 3; }));
  CHECK(agent.endpoints() == std::vector<std::string>{"before", "while-away-1", "while-away-2"});
  CHECK(link.counters().connects == 2);
  CHECK(link.counters().reports_sent == 3);
  link.stop();
}

TEST_CASE("past its capacity the buffer drops the oldest reports and counts them") {
  test::temp_dir dir;
  asio::io_context io;
  switch_::agent_link link(io, dir.file("agent.sock"), [](const policy::decision&) {}, 2);
  link.start();
  for (const char* e : {"1", "2", "3", "4"}) link.send(failure(e));
  CHECK(link.buffer().size() == 2);
  CHECK(link.buffer().dropped() == 2);
  stand_in_agent agent(io, dir.file("agent.sock"));
  agent.accept();
  REQUIRE(run_until(io, [&] { return agent.lines.size() == 2; }, std::chrono::milliseconds{8000}));
  CHECK(agent.endpoints() == std::vector<std::string>{"3", "4"});
  link.stop();
}
