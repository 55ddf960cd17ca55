// The call dispatcher's sender over the switch's real transports: UDP from the listening
// socket of the destination's address family, TCP on the connection with the peer or a new
// outbound one. Destinations given by name (routing gateways) are resolved asynchronously,
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
  /// The listener of the callee's transport and family; for a wildcard listener the local
  /// address the kernel would use towards the caller (the address the INVITE came to).
  local_address local_for(const peer& caller, const b2bua::destination& callee) override;

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
  udp_transport* udp_for(const base::ip_address& ip) const;
  tcp_transport* tcp_for(const base::ip_address& ip) const;

  boost::asio::io_context& io_;
  const std::vector<std::unique_ptr<udp_transport>>& udp_;
  const std::vector<std::unique_ptr<tcp_transport>>& tcp_;
  const base::clock& clock_;
  failure_handler on_failure_;
  std::unordered_map<std::string, resolution> names_;
  std::unordered_map<base::ip_address, base::ip_address> source_towards_;  // bounded cache
  /// Recent UDP sends of calls by "ip port", to find whose destination an ICMP error names
  /// (bounded: entries older than unreachable_window go, and at most a few per destination).
  std::unordered_map<std::string, std::vector<udp_send>> recent_udp_;
  call_transport_counters counters_;
};

/// The local address the kernel picks to reach `remote` (a connected UDP socket, nothing
/// sent); nullopt when there is no route.
std::optional<base::ip_address> source_address_towards(const base::ip_address& remote);

}  // namespace tollgate::switch_
