// Routing: registered endpoints, then longest prefix over routing gateways.
#include "b2bua/routing.hpp"

#include <algorithm>

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

namespace {

route gateway_route(const config::routing_gateway& g, std::string_view callee) {
  route r;
  r.kind = route_kind::gateway;
  r.target = g.name;
  r.callee = rewrite_number(callee, g.strip, g.add);
  r.address = {g.host, g.port, g.transport};
  if (g.local) r.local = g.local->local;
  r.request_uri = "sip:" + r.callee + "@" + host_for_uri(g.host);
  if (g.port != 5060) r.request_uri += ":" + std::to_string(g.port);
  if (g.transport == config::transport::tcp) r.request_uri += ";transport=tcp";
  r.auth_username = g.auth_username;
  r.auth_password = g.auth_password;
  return r;
}

std::optional<route> endpoint_route(std::string_view callee, const endpoint_lookup& lookup) {
  if (!lookup) return std::nullopt;
  auto contact = lookup(callee);
  if (!contact) return std::nullopt;
  route r;
  r.kind = route_kind::endpoint;
  r.target = std::string(callee);
  r.callee = std::string(callee);
  r.request_uri = contact->uri;
  r.address = contact->address;
  return r;
}

}  // namespace

std::optional<route> route_call(std::string_view callee, const endpoint_lookup& lookup,
                                std::span<const config::routing_gateway> gateways) {
  if (auto r = endpoint_route(callee, lookup)) return r;
  const auto* g = longest_prefix(gateways, callee);
  if (g == nullptr) return std::nullopt;
  return gateway_route(*g, callee);
}

std::vector<route> route_alternatives(std::string_view callee, const endpoint_lookup& lookup,
                                      std::span<const config::routing_gateway> gateways) {
  std::vector<route> out;
  if (auto r = endpoint_route(callee, lookup)) {
    out.push_back(std::move(*r));
    return out;
  }
  // (longest matching prefix, configuration index) for every gateway that matches.
  std::vector<std::pair<std::size_t, std::size_t>> matches;
  for (std::size_t i = 0; i < gateways.size(); ++i) {
    std::optional<std::size_t> best;
    for (const auto& prefix : gateways[i].prefixes) {
      if (callee.starts_with(prefix) && (!best || prefix.size() > *best)) best = prefix.size();
    }
    if (best) matches.emplace_back(*best, i);
  }
  std::stable_sort(matches.begin(), matches.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  for (const auto& [length, i] : matches) {
    if (out.size() == max_routes) break;
    out.push_back(gateway_route(gateways[i], callee));
  }
  return out;
}

}  // namespace tollgate::b2bua
