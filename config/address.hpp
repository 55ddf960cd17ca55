// Transport addresses as the config file writes them: "192.0.2.7:5060", "[2001:db8::7]:5060",
// "udp:0.0.0.0:5060".
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/ip_address.hpp"

namespace tollgate::config {

enum class transport : std::uint8_t { udp, tcp };
std::string_view to_string(transport t);
/// "udp" or "tcp" (lower case, as SIP URIs and the config write them).
std::optional<transport> parse_transport(std::string_view text);

/// An IP address and a port; IPv6 addresses are bracketed in text.
struct socket_address {
  base::ip_address address;
  std::uint16_t port = 0;
  std::string to_string() const;
  friend auto operator<=>(const socket_address&, const socket_address&) = default;
};
/// "a.b.c.d:port" or "[v6]:port", port 1-65535. Host names are not accepted.
std::optional<socket_address> parse_socket_address(std::string_view text);

/// A local address the switch listens on.
struct listen_address {
  tollgate::config::transport transport = tollgate::config::transport::udp;
  socket_address local;
  std::string to_string() const;
  friend auto operator<=>(const listen_address&, const listen_address&) = default;
};
/// "udp:0.0.0.0:5060", "tcp:[::]:5060".
std::optional<listen_address> parse_listen_address(std::string_view text);

}  // namespace tollgate::config
