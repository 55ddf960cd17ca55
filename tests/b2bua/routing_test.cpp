#include "b2bua/routing.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace tollgate::b2bua;

namespace {

config::routing_gateway gateway(std::string name, std::vector<std::string> prefixes, unsigned strip = 0,
                                std::string add = {}) {
  config::routing_gateway g;
  g.name = std::move(name);
  g.host = "192.0.2.50";
  g.prefixes = std::move(prefixes);
  g.strip = strip;
  g.add = std::move(add);
  return g;
}

}  // namespace

TEST_CASE("longest prefix wins, first in order on a tie", "[b2bua][routing]") {
  const std::vector<config::routing_gateway> gws{gateway("any", {""}), gateway("intl", {"00"}),
                                                 gateway("uk", {"0044", "44"}), gateway("uk-2", {"0044"})};
  struct {
    const char* callee;
    const char* expected;
  } const rows[] = {{"0044123", "uk"}, {"0033123", "intl"}, {"44123", "uk"}, {"123", "any"}, {"", "any"}};
  for (const auto& r : rows) {
    INFO(r.callee);
    const auto* g = longest_prefix(gws, r.callee);
    REQUIRE(g != nullptr);
    CHECK(g->name == r.expected);
  }
  const std::vector<config::routing_gateway> only_uk{gateway("uk", {"0044"})};
  CHECK(longest_prefix(only_uk, "0033") == nullptr);
}

TEST_CASE("strip and add rewrite the number", "[b2bua][routing]") {
  CHECK(rewrite_number("0044123", 2, "") == "44123");
  CHECK(rewrite_number("0044123", 0, "9") == "90044123");
  CHECK(rewrite_number("0044123", 4, "+44") == "+44123");
  CHECK(rewrite_number("12", 5, "x") == "x");
}

TEST_CASE("a registered endpoint comes before gateways and nothing matching means no route", "[b2bua][routing]") {
  auto g = gateway("carrier", {"1"}, 1, "00");
  g.port = 5080;
  g.transport = config::transport::tcp;
  g.auth_username = "acct";
  g.auth_password = "pw";
  const std::vector<config::routing_gateway> gws{g};
  const endpoint_lookup lookup = [](std::string_view user) -> std::optional<registered_contact> {
    if (user != "1001") return std::nullopt;
    return registered_contact{"sip:1001@198.51.100.20:5062", {"198.51.100.20", 5062, config::transport::udp}};
  };

  const auto to_endpoint = route_call("1001", lookup, gws);
  REQUIRE(to_endpoint);
  CHECK(to_endpoint->kind == route_kind::endpoint);
  CHECK(to_endpoint->target == "1001");
  CHECK(to_endpoint->request_uri == "sip:1001@198.51.100.20:5062");
  CHECK(to_endpoint->address == destination{"198.51.100.20", 5062, config::transport::udp});
  CHECK(to_endpoint->auth_username.empty());

  const auto to_gateway = route_call("1555", lookup, gws);
  REQUIRE(to_gateway);
  CHECK(to_gateway->kind == route_kind::gateway);
  CHECK(to_gateway->target == "carrier");
  CHECK(to_gateway->callee == "00555");
  CHECK(to_gateway->request_uri == "sip:00555@192.0.2.50:5080;transport=tcp");
  CHECK(to_gateway->address == destination{"192.0.2.50", 5080, config::transport::tcp});
  CHECK(to_gateway->auth_username == "acct");

  CHECK_FALSE(route_call("2000", lookup, gws));
  CHECK_FALSE(route_call("2000", endpoint_lookup{}, {}));
}

TEST_CASE("route alternatives: every matching gateway, longest prefix first, bounded", "[b2bua][routing]") {
  std::vector<config::routing_gateway> gateways;
  for (const auto& [name, prefix] : std::vector<std::pair<std::string, std::string>>{
           {"any", ""}, {"uk-1", "0044"}, {"fr", "0033"}, {"uk-2", "0044"}, {"intl", "00"}}) {
    config::routing_gateway g;
    g.name = name;
    g.host = "192.0.2.9";
    g.prefixes = {prefix};
    gateways.push_back(g);
  }
  const auto routes = route_alternatives("0044123", {}, gateways);
  REQUIRE(routes.size() == 4);
  CHECK(routes[0].target == "uk-1");
  CHECK(routes[1].target == "uk-2");
  CHECK(routes[2].target == "intl");
  CHECK(routes[3].target == "any");
  CHECK(routes[0].target == route_call("0044123", {}, gateways)->target);
  CHECK(route_alternatives("0033", {}, gateways).size() == 3);
  gateways.erase(gateways.begin());  // no catch-all
  CHECK(route_alternatives("1234", {}, gateways).empty());
  // A registered endpoint is the only route.
  const auto online = [](std::string_view) {
    return std::optional<registered_contact>{registered_contact{"sip:x@192.0.2.3", {"192.0.2.3", 5060, config::transport::udp}}};
  };
  const auto endpoint = route_alternatives("0044123", online, gateways);
  REQUIRE(endpoint.size() == 1);
  CHECK(endpoint[0].kind == route_kind::endpoint);
}

TEST_CASE("a gateway's local comes with its routes, the address left for the adapter to fill", "[b2bua][routing]") {
  auto pinned = gateway("pinned", {"1"});
  pinned.local = config::parse_listen_address("udp:198.51.100.1:5060");
  const std::vector<config::routing_gateway> gws{pinned, gateway("free", {""})};
  const auto routes = route_alternatives("123", [](std::string_view) { return std::nullopt; }, gws);
  REQUIRE(routes.size() == 2);
  REQUIRE(routes[0].local);
  CHECK(routes[0].local->to_string() == "198.51.100.1:5060");
  CHECK_FALSE(routes[0].address.local);
  CHECK_FALSE(routes[1].local);
}
