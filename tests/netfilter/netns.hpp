// Test network namespaces: two joined by a veth pair, entered per thread with setns.
#pragma once

#include "base/ip_address.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::netfilter::test {

/// Runs a shell command; returns its exit status.
int run(const std::string& command);

/// Enters a network namespace for the calling thread until destroyed. Sockets opened
/// meanwhile stay in that namespace.
class netns_scope {
public:
  explicit netns_scope(const std::string& name);
  ~netns_scope();
  netns_scope(const netns_scope&) = delete;
  netns_scope& operator=(const netns_scope&) = delete;

private:
  int previous_ = -1;
};

/// "server" (the protected host, 192.0.2.1, 2001:db8::1, 2001:db8:0:1::1) and "attacker"
/// (192.0.2.2-9, 2001:db8::2 and ::3, 2001:db8:0:1::2) joined by a veth pair. Names carry the pid;
/// both namespaces are deleted by the destructor, whatever happened.
class netns_pair {
public:
  netns_pair();
  ~netns_pair();
  netns_pair(const netns_pair&) = delete;
  netns_pair& operator=(const netns_pair&) = delete;

  const std::string& server() const { return server_; }
  const std::string& attacker() const { return attacker_; }
  bool ok() const { return ok_; }

private:
  std::string server_;
  std::string attacker_;
  bool ok_ = false;
};

/// A UDP socket bound in the current namespace (IPv6 sockets are dual-stack).
class udp_socket {
public:
  udp_socket(const base::ip_address& local, std::uint16_t port);
  ~udp_socket();
  udp_socket(const udp_socket&) = delete;
  udp_socket& operator=(const udp_socket&) = delete;

  bool send_to(const base::ip_address& to, std::uint16_t port, std::string_view payload) const;
  /// Everything received until a datagram equal to `marker` arrives (marker excluded);
  /// nullopt when the marker does not arrive before the deadline.
  std::optional<std::vector<std::string>> receive_until_marker(std::string_view marker,
                                                               std::chrono::milliseconds deadline) const;
  int fd() const { return fd_; }

private:
  int fd_ = -1;
};

base::ip_address addr(std::string_view text);
base::ip_prefix prefix(std::string_view text);

}  // namespace tollgate::netfilter::test
