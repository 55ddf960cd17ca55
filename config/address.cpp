// Transport addresses: parsing and printing.
#include "config/address.hpp"

#include <charconv>

namespace tollgate::config {

std::string_view to_string(transport t) { return t == transport::udp ? "udp" : "tcp"; }

std::optional<transport> parse_transport(std::string_view text) {
  if (text == "udp") return transport::udp;
  if (text == "tcp") return transport::tcp;
  return std::nullopt;
}

std::string socket_address::to_string() const {
  const auto text = address.to_string();
  return (address.is_v4() ? text : "[" + text + "]") + ":" + std::to_string(port);
}

std::optional<socket_address> parse_socket_address(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    if (host.find(':') == std::string_view::npos) return std::nullopt;  // brackets are for IPv6
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // bare IPv6 needs brackets
  }
  auto address = base::ip_address::parse(host);
  if (!address) return std::nullopt;
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port_text.empty() || port == 0 ||
      port > 65535) {
    return std::nullopt;
  }
  return socket_address{*address, static_cast<std::uint16_t>(port)};
}

std::string listen_address::to_string() const {
  return std::string(tollgate::config::to_string(transport)) + ":" + local.to_string();
}

std::optional<listen_address> parse_listen_address(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto t = parse_transport(text.substr(0, colon));
  if (!t) return std::nullopt;
  auto local = parse_socket_address(text.substr(colon + 1));
  if (!local) return std::nullopt;
  return listen_address{*t, *local};
}

}  // namespace tollgate::config
