// The call dispatcher's sender over the switch's real transports: UDP from the listen socket
// the destination's `local` names, or else the one bound to the source address the kernel
// chooses towards the destination (listener_choice); TCP on the connection with the peer or
// a new outbound one bound to that address. Destinations given by name (routing gateways) are resolved asynchronously,
// kept for `name_lifetime`, and fail the call (transport_failed) when they do not resolve.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "base/clock.hpp"
#include "switch/call_sender.hpp"
#include "switch/tcp_transport.hpp"
#include "switch/udp_transport.hpp"

namespace tollgate::switch_ {

struct call_transport_counters {
  std::uint64_t sent = 0;
  std::uint64_t send_failures = 0;
  std::uint64_t resolve_failures = 0;
  std::uint64_t unreachable = 0;  // calls failed by an ICMP port unreachable
};

class call_transport final : public call_sender {
public:
  /// `on_failure(call, to)` runs later on the io_context for every failed send of a call.
  using failure_handler = std::function<void(std::uint64_t call, const b2bua::destination& to)>;

  call_transport(boost::asio::io_context& io, const std::vector<std::unique_ptr<udp_transport>>& udp,
                 const std::vector<std::unique_ptr<tcp_transport>>& tcp, const base::clock& clock,
                 failure_handler on_failure);

  void send(const b2bua::destination& to, std::string text, std::uint64_t call) override;
  /// `to.local` when it names a specific address; otherwise the listener of `to`'s transport
  /// chosen by listener_towards with the kernel's source address towards `to`, on a
  /// wildcard listener that source address with the listener's port. nullopt for a name
  /// that has not resolved yet, or when no listener fits.
  std::optional<config::socket_address> local_towards(const b2bua::destination& to) override;

  const call_transport_counters& counters() const { return counters_; }
  /// `ip`:`port` answered ICMP port unreachable: every call that sent there over UDP in the
  /// last `unreachable_window` fails (transport_failed), as if its send had failed.
  void on_unreachable(const base::ip_address& ip, std::uint16_t port);
  static constexpr std::chrono::milliseconds unreachable_window{2000};

private:
  struct resolution {
    std::vector<base::ip_address> addresses;  // empty: did not resolve
    base::steady_timestamp expires{};
    bool pending = false;
    struct waiting_send {
      b2bua::destination to;  // gateways may share a name with different ports
      std::string text;
      std::uint64_t call = 0;
    };
    std::vector<waiting_send> waiting;  // sent once resolved
  };
  struct udp_send {
    std::uint64_t call = 0;
    b2bua::destination to;
    base::steady_timestamp at{};
  };
  void send_to(const base::ip_address& ip, const b2bua::destination& to, std::string text, std::uint64_t call);
  void remember_udp(const base::ip_address& ip, const b2bua::destination& to, std::uint64_t call);
  void fail(const b2bua::destination& to, std::uint64_t call);
  void resolve(const b2bua::destination& to, std::string text, std::uint64_t call);
  /// The kernel's source address towards `remote`, from a bounded cache.
  std::optional<base::ip_address> source_towards(const base::ip_address& remote);
  /// The listener index of `transport` and the source address for a message to `ip` whose
  /// destination says `local` (pinned or chosen before), or chosen now.
  struct sending_from {
    std::size_t listener = 0;
    std::optional<base::ip_address> source;  // set on wildcard listeners
  };
  std::optional<sending_from> choose(config::transport transport, const base::ip_address& ip,
                                     const std::optional<config::socket_address>& local);
  bool has_listener_for(const base::ip_address& ip) const;

  boost::asio::io_context& io_;
  const std::vector<std::unique_ptr<udp_transport>>& udp_;
  const std::vector<std::unique_ptr<tcp_transport>>& tcp_;
  const base::clock& clock_;
  failure_handler on_failure_;
  std::unordered_map<std::string, resolution> names_;
  const std::vector<config::socket_address> udp_bound_;  // the listeners' addresses, in order
  const std::vector<config::socket_address> tcp_bound_;
  std::unordered_map<base::ip_address, std::optional<base::ip_address>> source_towards_;  // bounded cache
  /// Recent UDP sends of calls by "ip port", to find whose destination an ICMP error names
  /// (bounded: entries older than unreachable_window go, and at most a few per destination).
  std::unordered_map<std::string, std::vector<udp_send>> recent_udp_;
  call_transport_counters counters_;
};

/// The local address the kernel picks to reach `remote` (a connected UDP socket, nothing
/// sent); nullopt when there is no route.
std::optional<base::ip_address> source_address_towards(const base::ip_address& remote);

}  // namespace tollgate::switch_
