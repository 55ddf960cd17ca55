// The trace tap: every SIP message the switch receives or sends passes through one function,
// which hands it to the live trace when somebody traces and costs one load when nobody does.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "config/address.hpp"

namespace tollgate::switch_::trace_tap {

enum class direction : std::uint8_t { in, out };
/// "in" or "out".
std::string_view to_string(direction d);

/// One message as it crosses a socket. `local` is the socket's own address (for UDP the
/// address it is bound to, which may be unspecified); `bytes` is valid during the call only.
struct message_view {
  direction dir = direction::in;
  config::transport transport = config::transport::udp;
  config::socket_address local;
  config::socket_address remote;
  std::string_view bytes;
};

/// What receives the messages: the switch's trace service while it has subscribers.
class sink {
public:
  virtual ~sink() = default;
  virtual void on_message(const message_view& m) = 0;
};

/// Installs `s` (nullptr removes it). One sink at a time; it is called on the thread that
/// calls on_message, which in the switch is the io_context's one thread.
void install(sink* s);

namespace detail {
extern std::atomic<sink*> current;
}

/// True when somebody traces: callers may skip building addresses when it is false.
inline bool active() { return detail::current.load(std::memory_order_acquire) != nullptr; }

/// To be called for every SIP message received (direction::in) or sent (direction::out),
/// on every transport, by every part of the switch that does socket I/O.
inline void on_message(direction dir, config::transport transport, const config::socket_address& local,
                       const config::socket_address& remote, std::string_view bytes) {
  if (sink* s = detail::current.load(std::memory_order_acquire)) s->on_message({dir, transport, local, remote, bytes});
}

}  // namespace tollgate::switch_::trace_tap
