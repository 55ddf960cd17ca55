// A firewall in the server namespace of a fresh namespace pair, with UDP endpoints.
#include "tests/netfilter/kernel_fixture.hpp"

#include <array>
#include <chrono>
#include <cstdio>

namespace tollgate::netfilter::test {

kernel_fixture::kernel_fixture(table_spec spec) {
  if (!ns.ok()) {
    setup = error{make_error_code(errc::socket_failure), 0, "namespaces"};
    return;
  }
  netns_scope scope{ns.server()};
  auto opened = firewall::open(spec);
  if (!opened) {
    setup = opened.error;
    return;
  }
  fw = std::move(opened.value);
  auto probed = fw.probe_queue_kind();
  if (!probed) {
    setup = probed.error;
    return;
  }
  kind = probed.value;
  spec.queue = kind;
  setup = fw.ensure_table(spec);
}

std::unique_ptr<udp_socket> kernel_fixture::server_socket(std::uint16_t port) const {
  return inside(ns.server(), [&] { return std::make_unique<udp_socket>(addr("::"), port); });
}

std::unique_ptr<udp_socket> kernel_fixture::attacker_socket(const std::string& source) const {
  return inside(ns.attacker(), [&] { return std::make_unique<udp_socket>(addr(source), 0); });
}

std::uint64_t kernel_fixture::counter(const std::string& name) {
  auto values = fw.counters();
  for (const auto& c : values.value) {
    if (c.name == name) return c.packets;
  }
  return 0;
}

std::string kernel_fixture::nft(const std::string& args) const {
  std::string out;
  const std::string command = "ip netns exec " + ns.server() + " nft " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  ::pclose(pipe);
  return out;
}

std::optional<std::vector<std::string>> kernel_fixture::exchange(udp_socket& server, const std::string& source,
                                                                 const base::ip_address& to, const std::string& tag,
                                                                 int count) const {
  auto sender = attacker_socket(source);
  for (int i = 0; i < count; ++i) sender->send_to(to, 5060, tag + " " + std::to_string(i));
  auto marker_source = attacker_socket(to.is_v4() ? "192.0.2.9" : "2001:db8:0:1::2");
  const auto marker = "marker " + tag;
  marker_source->send_to(to.is_v4() ? to : addr("2001:db8:0:1::1"), 5060, marker);
  return server.receive_until_marker(marker, std::chrono::seconds{3});
}

}  // namespace tollgate::netfilter::test
