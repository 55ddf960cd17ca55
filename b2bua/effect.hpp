// The vocabulary between the B2BUA core and the layer that owns sockets and timers:
// addresses, events in and effects out. Effects are values; the core never performs them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "config/address.hpp"
#include "policy/report.hpp"
#include "sip/message.hpp"
#include "store/cdr.hpp"

namespace tollgate::b2bua {

/// Where a message goes or came from.
struct destination {
  std::string host;  // IP address text (a routing gateway's host may be a DNS name)
  std::uint16_t port = 5060;
  config::transport transport = config::transport::udp;
  /// Our side: the address and port the message leaves from, which our Via and Contact on
  /// this leg name (a listen socket's address, or on a wildcard listen the source address
  /// set on the packet). nullopt: the transport chooses, Via and Contact use call_options.
  std::optional<config::socket_address> local = std::nullopt;
  friend bool operator==(const destination&, const destination&) = default;
};

/// A source of a request: the transport address the switch read it from.
struct source_address {
  base::ip_address ip;
  std::uint16_t port = 0;
  config::transport transport = config::transport::udp;
  /// The switch's address the request arrived at (its answers leave from there); nullopt
  /// when unknown.
  std::optional<config::socket_address> local = std::nullopt;
  destination as_destination() const { return {ip.to_string(), port, transport, local}; }
};

/// The two sides of a call: A faces the caller (we are its UAS), B the callee (we are its UAC).
enum class leg : std::uint8_t { a, b };

// Effects.
struct send_message {
  std::string text;
  destination to;
};
/// Arm (or re-arm) call-local timer `timer` for `at`; the adapter calls on_event(timer_fired).
struct arm_timer {
  std::uint32_t timer = 0;
  base::timestamp at{};
};
struct cancel_timer {
  std::uint32_t timer = 0;
};
struct write_cdr {
  store::cdr_record record;
};
struct send_report {
  policy::report report;
};
/// The call holds no timer and no transaction any more: the adapter may forget it.
struct call_ended {};

using effect = std::variant<send_message, arm_timer, cancel_timer, write_cdr, send_report, call_ended>;
using effects = std::vector<effect>;

// Events.
/// A parsed message whose Call-ID is one of the call's two (a_call_id() or b_call_id()).
struct message_received {
  sip::message message;
};
struct timer_fired {
  std::uint32_t timer = 0;
};
/// Sending on leg `side` failed (ICMP unreachable, TCP connect refused or reset).
struct transport_failed {
  b2bua::leg side = leg::b;
};

using event = std::variant<message_received, timer_fired, transport_failed>;

}  // namespace tollgate::b2bua
