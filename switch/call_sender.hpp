// What the call dispatcher needs from the transports: send a message to a destination on
// behalf of a call, and the local address it leaves from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "b2bua/effect.hpp"
#include "switch/peer.hpp"

namespace tollgate::switch_ {

class call_sender {
public:
  virtual ~call_sender() = default;
  /// Sends `text` to `to` for call `call` (0: no call). A failure that shows later (TCP
  /// connect refused or reset, a gateway name that does not resolve) comes back through
  /// call_dispatcher::on_transport_failed(call, to, now), never from inside send().
  virtual void send(const b2bua::destination& to, std::string text, std::uint64_t call) = 0;
  /// The address and port a message to `to` leaves from, which Via and Contact on that leg
  /// name: `to.local` when it names a listen address, otherwise the listen socket the
  /// kernel's route towards `to` leads to. nullopt when it cannot be known yet (a name not
  /// resolved).
  virtual std::optional<config::socket_address> local_towards(const b2bua::destination& to) = 0;
};

}  // namespace tollgate::switch_
