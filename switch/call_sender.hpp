// What the call dispatcher needs from the transports: send a message to a destination on
// behalf of a call, and where the switch speaks from.
#pragma once

#include <cstdint>
#include <string>

#include "b2bua/effect.hpp"
#include "switch/peer.hpp"

namespace tollgate::switch_ {

/// The host and port the switch puts in its Via and Contact for a call.
struct local_address {
  std::string host;
  std::uint16_t port = 5060;
};

class call_sender {
public:
  virtual ~call_sender() = default;
  /// Sends `text` to `to` for call `call` (0: no call). A failure that shows later (TCP
  /// connect refused or reset, a gateway name that does not resolve) comes back through
  /// call_dispatcher::on_transport_failed(call, to, now), never from inside send().
  virtual void send(const b2bua::destination& to, std::string text, std::uint64_t call) = 0;
  /// Where a call from `caller` whose B leg goes to `callee` speaks from.
  virtual local_address local_for(const peer& caller, const b2bua::destination& callee) = 0;
};

}  // namespace tollgate::switch_
