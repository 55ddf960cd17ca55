// The listener choice: pure, over the listeners' bound addresses.
#include "switch/listener_choice.hpp"

#include <algorithm>

namespace tollgate::switch_ {

bool is_wildcard(const base::ip_address& ip) {
  const auto& b = ip.bytes();
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

namespace {

template <typename Predicate>
std::optional<std::size_t> first(std::span<const config::socket_address> listeners, Predicate p) {
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    if (p(listeners[i])) return i;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::size_t> listener_towards(std::span<const config::socket_address> listeners,
                                            const base::ip_address& destination,
                                            const std::optional<base::ip_address>& source) {
  const bool v4 = destination.unmapped().is_v4();
  const auto same_family = [v4](const config::socket_address& l) { return l.address.is_v4() == v4; };
  if (source) {
    const base::ip_address s = source->unmapped();
    if (auto i = first(listeners, [&](const config::socket_address& l) { return l.address == s; })) return i;
  }
  if (auto i = first(listeners, [&](const config::socket_address& l) { return same_family(l) && is_wildcard(l.address); })) {
    return i;
  }
  if (auto i = first(listeners, same_family)) return i;
  if (v4) return first(listeners, [](const config::socket_address& l) { return !l.address.is_v4(); });
  return std::nullopt;
}

std::optional<std::size_t> listener_at(std::span<const config::socket_address> listeners,
                                       const config::socket_address& local) {
  if (auto i = first(listeners, [&](const config::socket_address& l) { return l == local; })) return i;
  return first(listeners, [&](const config::socket_address& l) {
    return l.port == local.port && l.address.is_v4() == local.address.is_v4() && is_wildcard(l.address);
  });
}

}  // namespace tollgate::switch_
