// Kernel tests of the firewall: real packets across a veth pair between two namespaces.
#include "netfilter/firewall.hpp"

#include "tests/netfilter/catch_error.hpp"
#include "tests/netfilter/kernel_fixture.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tollgate::netfilter;
using namespace tollgate::netfilter::test;
using namespace std::chrono_literals;
using tollgate::base::millis;

namespace {

const auto server_v4 = addr("192.0.2.1");
const auto server_v6 = addr("2001:db8::1");
const auto server_v6b = addr("2001:db8:0:1::1");

std::vector<std::string> exchange(kernel_fixture& f, udp_socket& server, const std::string& source,
                                  const tollgate::base::ip_address& to, const std::string& tag, int count = 3) {
  auto got = f.exchange(server, source, to, tag, count);
  REQUIRE(got.has_value());
  return *got;
}

}  // namespace

TEST_CASE("table is created with our sets and chains only", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  const auto listing = f.nft("-j list ruleset");
  CHECK(listing.find("\"block_v4\"") != std::string::npos);
  CHECK(listing.find("\"register_meter_v6\"") != std::string::npos);
  CHECK(listing.find("\"prerouting\"") != std::string::npos);
  CHECK(f.nft("list table inet tollgate").find("hook prerouting priority raw") != std::string::npos);
  auto exists = f.fw.table_exists();
  REQUIRE(exists);
  CHECK(exists.value);
}

TEST_CASE("a blocked IPv4 address is dropped, others pass", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.3"), std::nullopt}}));
  CHECK(exchange(f, *server, "192.0.2.3", server_v4, "blocked").empty());
  CHECK(exchange(f, *server, "192.0.2.4", server_v4, "clean").size() == 3);
  CHECK(f.counter(names::counter_blocked) >= 3);
}

TEST_CASE("a blocked IPv6 prefix is dropped, the next prefix passes", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("2001:db8::/64"), millis{60000}}}));
  CHECK(exchange(f, *server, "2001:db8::2", server_v6, "blocked6").empty());
  CHECK(exchange(f, *server, "2001:db8:0:1::2", server_v6b, "clean6").size() == 3);
  REQUIRE_FALSE(f.fw.remove_blocks({prefix("2001:db8::/64")}));
  CHECK(exchange(f, *server, "2001:db8::2", server_v6, "released6").size() == 3);
}

TEST_CASE("a whitelisted source passes even when blocked", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.3"), std::nullopt}, {prefix("192.0.2.4"), std::nullopt}}));
  REQUIRE_FALSE(f.fw.set_allow({prefix("192.0.2.0/30"), prefix("2001:db8:ffff::/48")}));
  CHECK(exchange(f, *server, "192.0.2.3", server_v4, "allowed").size() == 3);
  CHECK(exchange(f, *server, "192.0.2.4", server_v4, "still-blocked").empty());
  auto allow = f.fw.list_allow();
  REQUIRE(allow);
  REQUIRE(allow.value.size() == 2);
  CHECK(allow.value[0].prefix == prefix("192.0.2.0/30"));
  CHECK(allow.value[1].prefix == prefix("2001:db8:ffff::/48"));
  REQUIRE_FALSE(f.fw.set_allow({}));
  CHECK(exchange(f, *server, "192.0.2.3", server_v4, "unlisted").empty());
}

TEST_CASE("an element expires on time and traffic flows again", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.5"), millis{1500}}, {prefix("192.0.2.6"), std::nullopt}}));
  const tollgate::base::system_clock clock;
  const auto start = clock.now();
  auto listed = f.fw.list_blocks();
  REQUIRE(listed);
  REQUIRE(listed.value.size() == 2);
  for (const auto& e : listed.value) {
    if (e.prefix == prefix("192.0.2.5")) {
      REQUIRE(e.remaining.has_value());
      CHECK(e.remaining->count() > 1000);
      CHECK(e.remaining->count() <= 1500);
      CHECK(e.timeout == millis{1500});
    } else {
      CHECK_FALSE(e.remaining.has_value());
      CHECK_FALSE(e.timeout.has_value());
    }
  }
  CHECK(exchange(f, *server, "192.0.2.5", server_v4, "before").empty());
  // Await the expiry: the element disappears from the set.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    auto now = f.fw.list_blocks();
    REQUIRE(now);
    gone = now.value.size() == 1;
    if (!gone) ::poll(nullptr, 0, 50);  // polling interval: expiry sends no event to wait on
  }
  const auto elapsed = clock.now() - start;
  REQUIRE(gone);
  CHECK(elapsed >= 1400ms);
  CHECK(elapsed < 4000ms);
  CHECK(exchange(f, *server, "192.0.2.5", server_v4, "after").size() == 3);
  CHECK(exchange(f, *server, "192.0.2.6", server_v4, "permanent").empty());
}

namespace {

struct sip_counts {
  int registers = 0;
  int others = 0;
};

sip_counts send_sip(kernel_fixture& f, udp_socket& server, const std::string& source,
                    const tollgate::base::ip_address& to, int each) {
  auto sender = f.attacker_socket(source);
  for (int i = 0; i < each; ++i) {
    sender->send_to(to, 5060, "REGISTER sip:example.test SIP/2.0\r\nCSeq: " + std::to_string(i) + " REGISTER\r\n\r\n");
    sender->send_to(to, 5060, "OPTIONS sip:example.test SIP/2.0\r\nCSeq: " + std::to_string(i) + " OPTIONS\r\n\r\n");
    sender->send_to(to, 5060, "INVITE sip:100@example.test SIP/2.0\r\nCSeq: " + std::to_string(i) + " INVITE\r\n\r\n");
  }
  auto marker_source = f.attacker_socket(to.is_v4() ? "192.0.2.9" : "2001:db8:0:1::2");
  marker_source->send_to(to.is_v4() ? to : server_v6b, 5060, "marker sip");
  auto got = server.receive_until_marker("marker sip", 3s);
  REQUIRE(got.has_value());
  sip_counts counts;
  for (const auto& p : *got) (p.rfind("REGISTER", 0) == 0 ? counts.registers : counts.others)++;
  return counts;
}

}  // namespace

TEST_CASE("REGISTER beyond the per-source rate is dropped, OPTIONS and INVITE pass", "[netfilter][kernel]") {
  kernel_fixture f;  // REGISTER_RATE_LIMIT 10/minute, burst 10
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  const auto v4 = send_sip(f, *server, "192.0.2.6", server_v4, 30);
  CHECK(v4.registers >= 10);
  CHECK(v4.registers <= 12);
  CHECK(v4.others == 60);
  const auto v6 = send_sip(f, *server, "2001:db8::2", server_v6, 30);
  CHECK(v6.registers >= 10);
  CHECK(v6.registers <= 12);
  CHECK(v6.others == 60);
  CHECK(f.counter(names::counter_register_rate) >= 36);
  // Another source has its own budget.
  CHECK(send_sip(f, *server, "192.0.2.7", server_v4, 5).registers == 5);
}

TEST_CASE("IPv6 addresses of one /64 share one REGISTER budget", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  const auto first = send_sip(f, *server, "2001:db8::2", server_v6, 8);
  const auto second = send_sip(f, *server, "2001:db8::3", server_v6, 8);
  CHECK(first.registers == 8);
  CHECK(second.registers >= 2);
  CHECK(second.registers <= 4);
  CHECK(second.others == 16);
}

TEST_CASE("a trusted source is not rate-limited", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.set_trusted({prefix("192.0.2.6"), prefix("2001:db8::/64")}));
  CHECK(send_sip(f, *server, "192.0.2.6", server_v4, 30).registers == 30);
  CHECK(send_sip(f, *server, "2001:db8::2", server_v6, 30).registers == 30);
  REQUIRE_FALSE(f.fw.remove_trusted({prefix("192.0.2.6")}));
  CHECK(send_sip(f, *server, "192.0.2.6", server_v4, 30).registers <= 12);
  auto trusted = f.fw.list_trusted();
  REQUIRE(trusted);
  REQUIRE(trusted.value.size() == 1);
  CHECK(trusted.value[0].prefix == prefix("2001:db8::/64"));
}

TEST_CASE("the REGISTER rate changes at run time and 0 turns it off", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.set_rate({0, 10}));
  CHECK(send_sip(f, *server, "192.0.2.6", server_v4, 30).registers == 30);
  REQUIRE_FALSE(f.fw.set_rate({2, 2}));
  const auto limited = send_sip(f, *server, "192.0.2.6", server_v4, 10);
  CHECK(limited.registers >= 2);
  CHECK(limited.registers <= 3);
  CHECK(limited.others == 20);
  CHECK(f.fw.spec().rate == register_rate{2, 2});
}

TEST_CASE("an established UDP flow is cut by a new block", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  // Connection tracking on in the server namespace, accepting established flows early.
  REQUIRE(run("ip netns exec " + f.ns.server() +
              " nft 'add table inet ct_test; add chain inet ct_test in { type filter hook input priority -200; };"
              " add rule inet ct_test in ct state established,related accept'") == 0);
  auto server = f.server_socket();
  auto client = f.attacker_socket("192.0.2.8");
  CHECK(exchange(f, *server, "192.0.2.8", server_v4, "flow").size() == 3);
  // The server answers, so the flow is established in both directions.
  REQUIRE(inside(f.ns.server(), [&] { return server->send_to(addr("192.0.2.8"), 5060, "reply"); }));
  REQUIRE(f.nft("list ruleset").find("ct_test") != std::string::npos);
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.8"), millis{60000}}}));
  CHECK(exchange(f, *server, "192.0.2.8", server_v4, "cut").empty());
}

TEST_CASE("a TCP connection from a blocked source never completes", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.3"), std::nullopt}}));
  const int listener = inside(f.ns.server(), [] {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(5061);
    ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    ::listen(fd, 16);
    return fd;
  });
  auto connect_from = [&](const char* source) {
    return inside(f.ns.attacker(), [&] {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, source, &local.sin_addr);
      ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
      sockaddr_in to{};
      to.sin_family = AF_INET;
      to.sin_port = htons(5061);
      inet_pton(AF_INET, "192.0.2.1", &to.sin_addr);
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
      return fd;
    });
  };
  const auto before = f.counter(names::counter_blocked);
  const int blocked = connect_from("192.0.2.3");
  // Await the drop of the SYN in the counter, then no connection may be waiting.
  for (int i = 0; i < 200 && f.counter(names::counter_blocked) == before; ++i) {
    pollfd p{blocked, POLLOUT, 0};
    ::poll(&p, 1, 10);
  }
  CHECK(f.counter(names::counter_blocked) > before);
  CHECK(::accept(listener, nullptr, nullptr) < 0);
  const int clean = connect_from("192.0.2.4");
  pollfd p{clean, POLLOUT, 0};
  CHECK(::poll(&p, 1, 3000) == 1);
  int so_error = -1;
  socklen_t len = sizeof so_error;
  getsockopt(clean, SOL_SOCKET, SO_ERROR, &so_error, &len);
  CHECK(so_error == 0);
  ::close(blocked);
  ::close(clean);
  ::close(listener);
}

TEST_CASE("the table is adopted after a restart with its elements intact", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  auto server = f.server_socket();
  REQUIRE_FALSE(f.fw.add_blocks({{prefix("192.0.2.3"), millis{600000}}, {prefix("2001:db8::/64"), std::nullopt}}));
  REQUIRE_FALSE(f.fw.set_allow({prefix("198.51.100.0/24")}));
  // A new process: a new socket and the same spec, applied again.
  auto again = inside(f.ns.server(), [] { return firewall::open(table_spec{}); });
  REQUIRE(again);
  table_spec spec;
  spec.queue = f.kind;
  REQUIRE_FALSE(again.value.ensure_table(spec));
  auto blocks = again.value.list_blocks();
  REQUIRE(blocks);
  REQUIRE(blocks.value.size() == 2);
  CHECK(blocks.value[0].prefix == prefix("192.0.2.3"));
  CHECK(blocks.value[0].remaining.value() > millis{590000});
  CHECK(blocks.value[1].prefix == prefix("2001:db8::/64"));
  auto allow = again.value.list_allow();
  REQUIRE(allow);
  CHECK(allow.value.size() == 1);
  CHECK(exchange(f, *server, "192.0.2.3", server_v4, "adopted").empty());
  // Reconciled, not duplicated: one rule per purpose.
  const auto listing = f.nft("list chain inet tollgate prerouting");
  std::size_t rules = 0;
  for (std::size_t at = listing.find("@block_v4"); at != std::string::npos; at = listing.find("@block_v4", at + 1)) ++rules;
  CHECK(rules == 1);
}

TEST_CASE("teardown removes our table and no other", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  REQUIRE(run("ip netns exec " + f.ns.server() + " nft add table inet someone_else") == 0);
  REQUIRE_FALSE(f.fw.teardown());
  auto exists = f.fw.table_exists();
  REQUIRE(exists);
  CHECK_FALSE(exists.value);
  CHECK(f.nft("list tables").find("someone_else") != std::string::npos);
  CHECK_FALSE(f.fw.teardown());  // already gone: still success
  const auto missing = f.fw.list_blocks();
  CHECK(missing.error.code == errc::object_not_found);
  CHECK(missing.error.object == "block_v4");
}

TEST_CASE("a failing transaction leaves the kernel as it was", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  const auto v4 = f.fw.ref(names::block_v4, tollgate::base::ip_family::v4, false);
  nft_batch batch{f.fw.socket().next_seq(2)};
  const std::vector<element> elements{{prefix("192.0.2.3"), std::nullopt}};
  append_elements(batch, v4, element_op::add, elements);
  append_flush(batch, f.fw.ref("no_such_set", tollgate::base::ip_family::v4, false));
  batch.finish();
  const auto err = f.fw.send(batch);
  REQUIRE(err);
  CHECK(err.code == errc::object_not_found);
  CHECK(err.error_number == ENOENT);
  CHECK(err.object == "flush set no_such_set");
  auto blocks = f.fw.list_blocks();
  REQUIRE(blocks);
  CHECK(blocks.value.empty());
}

TEST_CASE("without CAP_NET_ADMIN the error says what to do", "[netfilter][kernel]") {
  netns_pair ns;
  REQUIRE(ns.ok());
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    netns_scope scope{ns.server()};
    if (::setuid(65534) != 0) ::_exit(2);
    auto fw = firewall::open(table_spec{});
    error err = fw.error;
    if (!err) err = fw.value.ensure_table();
    const auto text = err.message() + "|" + std::to_string(static_cast<int>(err.code.value()));
    (void)!::write(pipe_fds[1], text.data(), text.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  char buffer[512] = {};
  const auto n = ::read(pipe_fds[0], buffer, sizeof buffer - 1);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(n > 0);
  const std::string text{buffer, static_cast<std::size_t>(n)};
  CHECK(text.find("run as root or grant CAP_NET_ADMIN") != std::string::npos);
  CHECK(text.substr(text.find('|') + 1) == std::to_string(static_cast<int>(errc::permission_denied)));
}

TEST_CASE("the queue probe finds the compat target here and leaves nothing behind", "[netfilter][kernel]") {
  netns_pair ns;
  REQUIRE(ns.ok());
  auto fw = inside(ns.server(), [] { return firewall::open(table_spec{}); });
  REQUIRE(fw);
  auto kind = fw.value.probe_queue_kind();
  REQUIRE(kind);
  // This kernel lacks CONFIG_NFT_QUEUE (testing-notes.md); elsewhere native is preferred.
  const bool native_available = run("ip netns exec " + ns.server() +
                                    " nft 'add table inet q_probe; add chain inet q_probe c { type filter hook input priority 0; };"
                                    " add rule inet q_probe c queue num 9 bypass'") == 0;
  CHECK(kind.value == (native_available ? queue_kind::native : queue_kind::compat));
  run("ip netns exec " + ns.server() + " nft delete table inet q_probe");
  auto exists = fw.value.table_exists();
  REQUIRE(exists);
  CHECK_FALSE(exists.value);
  std::string tables;
  {
    FILE* pipe = ::popen(("ip netns exec " + ns.server() + " nft list tables").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[1024];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) tables.append(buffer, n);
    ::pclose(pipe);
  }
  CHECK(tables.find("tollgate") == std::string::npos);
}

TEST_CASE("bulk add, list, delete and flush of many elements", "[netfilter][kernel]") {
  kernel_fixture f;
  REQUIRE_FALSE(f.setup);
  std::vector<element> elements;
  for (std::uint32_t i = 0; i < 100000; ++i) {
    elements.push_back({tollgate::base::ip_prefix::host(tollgate::base::ip_address::v4(
                            {10, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                             static_cast<std::uint8_t>(i)})),
                        millis{600000}});
  }
  for (std::uint32_t i = 0; i < 5000; ++i) {
    std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8, 0xff, static_cast<std::uint8_t>(i >> 8),
                                       static_cast<std::uint8_t>(i)};
    elements.push_back({tollgate::base::ip_prefix::of(tollgate::base::ip_address::v6(bytes), 64), std::nullopt});
  }
  REQUIRE_FALSE(f.fw.add_blocks(elements));
  auto listed = f.fw.list_blocks();
  REQUIRE(listed);
  REQUIRE(listed.value.size() == elements.size());
  std::size_t v6 = 0;
  for (const auto& e : listed.value) v6 += e.prefix.family() == tollgate::base::ip_family::v6 ? 1 : 0;
  CHECK(v6 == 5000);
  std::vector<tollgate::base::ip_prefix> remove;
  for (std::size_t i = 0; i < elements.size(); i += 2) remove.push_back(elements[i].prefix);
  REQUIRE_FALSE(f.fw.remove_blocks(remove));
  listed = f.fw.list_blocks();
  REQUIRE(listed);
  CHECK(listed.value.size() == elements.size() - remove.size());
  REQUIRE_FALSE(f.fw.flush_blocks());
  listed = f.fw.list_blocks();
  REQUIRE(listed);
  CHECK(listed.value.empty());
}
