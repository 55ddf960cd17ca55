// Where a call goes: a registered endpoint by callee, else the routing gateway with the
// longest matching prefix (digits stripped and added), else nowhere (404).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "b2bua/effect.hpp"
#include "config/config.hpp"

namespace tollgate::b2bua {

/// A live registration of an endpoint: its Contact URI and where its REGISTER came from.
struct registered_contact {
  std::string uri;  // the Contact URI, used as the B leg's Request-URI
  destination address;
};

/// The registrar, as routing sees it: the endpoint's current contact, if it is online.
using endpoint_lookup = std::function<std::optional<registered_contact>(std::string_view endpoint)>;

enum class route_kind : std::uint8_t { endpoint, gateway };

struct route {
  route_kind kind = route_kind::gateway;
  std::string target;       // endpoint name or routing gateway name
  std::string callee;       // the number sent on the B leg (after strip/add)
  std::string request_uri;  // the B leg's Request-URI
  destination address;
  /// Credentials that answer the carrier's 401/407; empty when none are configured.
  std::string auth_username;
  std::string auth_password;
  /// The routing gateway's `local` (a listen socket of its transport), which the adapter
  /// turns into address.local; nullopt: the adapter chooses.
  std::optional<config::socket_address> local = std::nullopt;
};

/// The gateway whose prefix is the longest match for `callee` (first in configuration
/// order on a tie); nullptr when none matches. An empty prefix matches everything.
const config::routing_gateway* longest_prefix(std::span<const config::routing_gateway> gateways,
                                              std::string_view callee);
/// `strip` leading digits removed (all when there are fewer), then `add` in front.
std::string rewrite_number(std::string_view callee, unsigned strip, std::string_view add);

/// Routes `callee`: a registered endpoint first, then longest prefix; nullopt means 404.
std::optional<route> route_call(std::string_view callee, const endpoint_lookup& lookup,
                                std::span<const config::routing_gateway> gateways);

/// At most this many routes are tried for one call.
inline constexpr std::size_t max_routes = 4;
/// Every route for `callee` in the order to try them: the registered endpoint alone, else
/// each gateway with a matching prefix, longest prefix first (configuration order on a tie),
/// at most max_routes. Empty means 404. The first is route_call's answer.
std::vector<route> route_alternatives(std::string_view callee, const endpoint_lookup& lookup,
                                      std::span<const config::routing_gateway> gateways);

}  // namespace tollgate::b2bua
