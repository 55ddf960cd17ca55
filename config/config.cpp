// The configuration's defaults and look-ups.
#include "config/config.hpp"

#include "policy/scanner_match.hpp"

#include <algorithm>

namespace tollgate::config {

std::string_view to_string(gateway_auth auth) {
  switch (auth) {
    case gateway_auth::ip: return "ip";
    case gateway_auth::ip_port: return "ip+port";
    case gateway_auth::password: return "password";
  }
  return "ip";
}

const std::vector<std::string>& default_scanner_user_agents() { return policy::default_scanner_user_agents(); }

std::vector<base::ip_prefix> config::gateway_networks() const {
  std::vector<base::ip_prefix> out;
  for (const auto& g : mapping_gateways) {
    out.insert(out.end(), g.networks.begin(), g.networks.end());
    for (const auto& a : g.addresses) out.push_back(base::ip_prefix::host(a.address));
  }
  for (const auto& g : routing_gateways) {
    if (const auto address = base::ip_address::parse(g.host)) out.push_back(base::ip_prefix::host(*address));
  }
  return out;
}

namespace {
template <class T>
const T* by_name(const std::vector<T>& items, std::string_view name) {
  auto found = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
  return found == items.end() ? nullptr : &*found;
}
}  // namespace

const endpoint* config::find_endpoint(std::string_view name) const { return by_name(endpoints, name); }
const mapping_gateway* config::find_mapping_gateway(std::string_view name) const {
  return by_name(mapping_gateways, name);
}
const routing_gateway* config::find_routing_gateway(std::string_view name) const {
  return by_name(routing_gateways, name);
}

config built_in_defaults() {
  config c;
  const auto loopback = *base::ip_address::parse("127.0.0.1");
  c.sip.listen = {{transport::udp, {loopback, 5060}}, {transport::tcp, {loopback, 5060}}};
  c.agent.state_dir = "./var";
  c.agent.socket = "./var/agent.sock";
  c.scanner_user_agents = default_scanner_user_agents();
  return c;
}

}  // namespace tollgate::config
