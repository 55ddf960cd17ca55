// Which listen socket a message leaves from on a host with several addresses: the one bound
// to the source address the kernel's route gives towards the peer, so that the packet, its
// Via and its Contact all name an address the peer can answer.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "base/ip_address.hpp"
#include "config/address.hpp"

namespace tollgate::switch_ {

/// Among `listeners` (the bound addresses of one transport's sockets, in configuration
/// order), the index of the one a message to `destination` leaves from, given `source`, the
/// local address the kernel would choose towards it (nullopt: no route): the listener bound
/// to `source`, else the first wildcard listener of the destination's family, else the first
/// listener of that family, else (an IPv4 destination) the first IPv6 one. nullopt when there
/// is none.
std::optional<std::size_t> listener_towards(std::span<const config::socket_address> listeners,
                                            const base::ip_address& destination,
                                            const std::optional<base::ip_address>& source);

/// The index of the listener `local` names (a gateway's pinned `local`): the one bound to
/// exactly that address and port, else a wildcard listener of its family on its port.
std::optional<std::size_t> listener_at(std::span<const config::socket_address> listeners,
                                       const config::socket_address& local);

/// True for 0.0.0.0 and ::.
bool is_wildcard(const base::ip_address& ip);

}  // namespace tollgate::switch_
