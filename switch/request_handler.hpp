// The switch's SIP core: one datagram or framed stream message in, at most one response and
// some reports out. Pure: the transports do the I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "policy/report.hpp"
#include "policy/scanner_match.hpp"
#include "sip/parser.hpp"
#include "config/config.hpp"
#include "switch/registrar.hpp"
#include "switch/response_cache.hpp"

namespace tollgate::switch_ {

class call_dispatcher;

/// A response and where it goes. For stream transports the address is informative: the
/// response goes back on the connection the request came on.
struct outbound {
  std::string bytes;
  base::ip_address ip;
  std::uint16_t port = 0;
};

struct handler_counters {
  std::uint64_t requests = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t responses_ignored = 0;  // responses while no call dispatcher is attached
  std::uint64_t malformed = 0;
  std::uint64_t malformed_unanswered = 0;  // no Via to answer along, or the answer would amplify
  std::uint64_t scanners = 0;
};

/// Invariants: a response (an incoming SIP response) never gets an answer; a malformed
/// request gets at most one 400 (505 for another SIP version) and only when that answer is
/// no larger than the request, so a spoofed source cannot use the switch to amplify.
class request_handler {
public:
  request_handler(registrar& reg, sip::digest_server& digest, policy::scanner_match scanners);

  /// One UDP datagram.
  std::optional<outbound> on_datagram(std::string_view datagram, const peer& from, base::timestamp now);
  /// One message cut from a stream by a sip::stream_framer built with validation off; it is
  /// validated here so that a request failing validation can still be answered 400.
  std::optional<outbound> on_stream_message(const sip::message& m, const peer& from, base::timestamp now);

  /// From now on responses, INVITEs, ACKs, CANCELs and in-dialog requests go to `calls`,
  /// with the configuration `current()` returns at each message.
  void route_calls(call_dispatcher& calls, std::function<std::shared_ptr<const config::config>()> current);

  /// Reports produced since the last call, oldest first.
  std::vector<policy::report> take_reports() { return std::exchange(reports_, {}); }
  const handler_counters& counters() const { return counters_; }
  /// A reload's scanner User-Agents.
  void set_scanners(policy::scanner_match scanners) { scanners_ = std::move(scanners); }
  /// Forgets old transactions and old scanner sightings.
  void prune(base::timestamp now);

private:
  std::optional<outbound> on_message(const sip::message& m, const peer& from, base::timestamp now);
  std::optional<outbound> on_malformed(std::string_view raw, const sip::parse_error& error, const peer& from);
  std::optional<outbound> answer_malformed(const sip::message& loose, std::size_t request_size,
                                           const sip::parse_error& error, const peer& from);
  sip_outcome on_other_request(const sip::message& m, const peer& from, base::timestamp now);
  void watch_user_agent(const sip::message& m, const peer& from, base::timestamp now);
  outbound addressed(std::string bytes, const sip::message& request, const peer& from) const;

  registrar& registrar_;
  sip::digest_server& digest_;
  call_dispatcher* calls_ = nullptr;
  std::function<std::shared_ptr<const config::config>()> current_config_;
  policy::scanner_match scanners_;
  response_cache cache_;
  /// Last scanner_seen report per source address: at most one a minute each (bounded).
  std::unordered_map<base::ip_address, base::timestamp> scanner_reported_;
  std::vector<policy::report> reports_;
  handler_counters counters_;
};

}  // namespace tollgate::switch_
