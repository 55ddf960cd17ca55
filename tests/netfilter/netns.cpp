// Test network namespaces: two joined by a veth pair, entered per thread with setns.
#include "tests/netfilter/netns.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace tollgate::netfilter::test {

int run(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

netns_scope::netns_scope(const std::string& name) {
  previous_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
  if (previous_ < 0 || target < 0 || setns(target, CLONE_NEWNET) != 0) {
    if (target >= 0) ::close(target);
    throw std::runtime_error("cannot enter network namespace " + name);
  }
  ::close(target);
}

netns_scope::~netns_scope() {
  setns(previous_, CLONE_NEWNET);
  ::close(previous_);
}

netns_pair::netns_pair() {
  const std::string id = std::to_string(::getpid());
  server_ = "tgs" + id;
  attacker_ = "tga" + id;
  const std::string s = "ip -n " + server_ + " ";
  const std::string a = "ip -n " + attacker_ + " ";
  const std::vector<std::string> steps = {
      "ip netns add " + server_,
      "ip netns add " + attacker_,
      "ip link add tgs0 netns " + server_ + " type veth peer name tga0 netns " + attacker_,
      s + "link set lo up",
      a + "link set lo up",
      s + "addr add 192.0.2.1/24 dev tgs0",
      s + "addr add 2001:db8::1/64 dev tgs0 nodad",
      s + "addr add 2001:db8:0:1::1/64 dev tgs0 nodad",
      a + "addr add 192.0.2.2/24 dev tga0",
      a + "addr add 2001:db8::2/64 dev tga0 nodad",
      a + "addr add 2001:db8::3/64 dev tga0 nodad",
      a + "addr add 2001:db8:0:1::2/64 dev tga0 nodad",
      s + "link set tgs0 up",
      a + "link set tga0 up",
  };
  for (const auto& step : steps) {
    if (run(step) != 0) return;
  }
  // Fixed MACs and permanent neighbours: a block (which also drops ARP/NDP from the
  // source) must not leave a stale neighbour entry behind when it is lifted.
  const std::string server_mac = "02:00:00:00:00:01";
  const std::string attacker_mac = "02:00:00:00:00:02";
  if (run(s + "link set tgs0 address " + server_mac) != 0) return;
  if (run(a + "link set tga0 address " + attacker_mac) != 0) return;
  for (const char* peer : {"2001:db8::2", "2001:db8::3", "2001:db8:0:1::2"}) {
    if (run(s + "neigh replace " + peer + " lladdr " + attacker_mac + " dev tgs0 nud permanent") != 0) return;
  }
  for (const char* peer : {"192.0.2.1", "2001:db8::1", "2001:db8:0:1::1"}) {
    if (run(a + "neigh replace " + peer + " lladdr " + server_mac + " dev tga0 nud permanent") != 0) return;
  }
  for (int host = 2; host <= 9; ++host) {
    const std::string address = "192.0.2." + std::to_string(host);
    if (host > 2 && run(a + "addr add " + address + "/24 dev tga0") != 0) return;
    if (run(s + "neigh replace " + address + " lladdr " + attacker_mac + " dev tgs0 nud permanent") != 0) return;
  }
  ok_ = true;
}

netns_pair::~netns_pair() {
  run("ip netns del " + server_);
  run("ip netns del " + attacker_);
}

udp_socket::udp_socket(const base::ip_address& local, std::uint16_t port) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (local.is_v4()) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, local.bytes().data(), 4);
    len = sizeof *sin;
  } else {
    fd_ = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    const int off = 0;
    setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, local.bytes().data(), 16);
    len = sizeof *sin6;
  }
  const int big = 4 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    throw std::runtime_error("cannot bind UDP socket on " + local.to_string());
  }
}

udp_socket::~udp_socket() {
  if (fd_ >= 0) ::close(fd_);
}

bool udp_socket::send_to(const base::ip_address& to, std::uint16_t port, std::string_view payload) const {
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (to.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, to.bytes().data(), 4);
    len = sizeof *sin;
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, to.bytes().data(), 16);
    len = sizeof *sin6;
  }
  return ::sendto(fd_, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) ==
         static_cast<ssize_t>(payload.size());
}

std::optional<std::vector<std::string>> udp_socket::receive_until_marker(std::string_view marker,
                                                                         std::chrono::milliseconds deadline) const {
  std::vector<std::string> out;
  char buffer[65536];
  for (auto rounds = deadline.count() / 10 + 1; rounds > 0; --rounds) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10) <= 0) continue;
    for (int i = 0; i < 10000; ++i) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n < 0) break;
      std::string payload(buffer, static_cast<std::size_t>(n));
      if (payload == marker) return out;
      out.push_back(std::move(payload));
    }
  }
  return std::nullopt;
}

base::ip_address addr(std::string_view text) { return base::ip_address::parse(text).value(); }
base::ip_prefix prefix(std::string_view text) { return base::ip_prefix::parse(text).value(); }

}  // namespace tollgate::netfilter::test
