// Routing: registered endpoints, then longest prefix over routing gateways.
#include "b2bua/routing.hpp"

namespace tollgate::b2bua {

const config::routing_gateway* longest_prefix(std::span<const config::routing_gateway> gateways,
                                              std::string_view callee) {
  const config::routing_gateway* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& g : gateways) {
    for (const auto& prefix : g.prefixes) {
      if (!callee.starts_with(prefix)) continue;
      if (best == nullptr || prefix.size() > best_length) {
        best = &g;
        best_length = prefix.size();
      }
    }
  }
  return best;
}

std::string rewrite_number(std::string_view callee, unsigned strip, std::string_view add) {
  const std::size_t n = std::min<std::size_t>(strip, callee.size());
  std::string out(add);
  out.append(callee.substr(n));
  return out;
}

namespace {

std::string host_for_uri(std::string_view host) {
  // An IPv6 literal needs brackets inside a URI.
  if (host.find(':') != std::string_view::npos && !host.starts_with("[")) return "[" + std::string(host) + "]";
  return std::string(host);
}

}  // namespace

std::optional<route> route_call(std::string_view callee, const endpoint_lookup& lookup,
                                std::span<const config::routing_gateway> gateways) {
  if (lookup) {
    if (auto contact = lookup(callee)) {
      route r;
      r.kind = route_kind::endpoint;
      r.target = std::string(callee);
      r.callee = std::string(callee);
      r.request_uri = contact->uri;
      r.address = contact->address;
      return r;
    }
  }
  const auto* g = longest_prefix(gateways, callee);
  if (g == nullptr) return std::nullopt;
  route r;
  r.kind = route_kind::gateway;
  r.target = g->name;
  r.callee = rewrite_number(callee, g->strip, g->add);
  r.address = {g->host, g->port, g->transport};
  r.request_uri = "sip:" + r.callee + "@" + host_for_uri(g->host);
  if (g->port != 5060) r.request_uri += ":" + std::to_string(g->port);
  if (g->transport == config::transport::tcp) r.request_uri += ";transport=tcp";
  r.auth_username = g->auth_username;
  r.auth_password = g->auth_password;
  return r;
}

}  // namespace tollgate::b2bua
