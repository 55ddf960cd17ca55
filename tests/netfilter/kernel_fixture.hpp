// A firewall in the server namespace of a fresh namespace pair, with UDP endpoints.
#pragma once

#include "netfilter/firewall.hpp"
#include "tests/netfilter/netns.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tollgate::netfilter::test {

template <typename F>
auto inside(const std::string& ns, F&& f) {
  netns_scope scope{ns};
  return std::forward<F>(f)();
}

/// Namespaces, a firewall whose socket lives in the server namespace, and the table made.
struct kernel_fixture {
  netns_pair ns;
  firewall fw;
  queue_kind kind = queue_kind::compat;
  error setup;

  explicit kernel_fixture(table_spec spec = {});

  /// A UDP socket on [::]:port in the server namespace (receives v4 and v6).
  std::unique_ptr<udp_socket> server_socket(std::uint16_t port = 5060) const;
  /// A UDP socket bound to `source` in the attacker namespace.
  std::unique_ptr<udp_socket> attacker_socket(const std::string& source) const;
  /// Packets counted by one of our named counters (0 when absent).
  std::uint64_t counter(const std::string& name);
  /// Runs `nft` in the server namespace and returns its output.
  std::string nft(const std::string& args) const;
  /// Sends `count` datagrams "<tag> i" from `source` to `to`, then a marker from a clean
  /// source (192.0.2.9 or 2001:db8:0:1::2); what arrived before the marker, or nullopt when
  /// the marker itself did not arrive within 3 s.
  std::optional<std::vector<std::string>> exchange(udp_socket& server, const std::string& source,
                                                   const base::ip_address& to, const std::string& tag,
                                                   int count = 3) const;
};

}  // namespace tollgate::netfilter::test
