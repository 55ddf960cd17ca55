// The NFQUEUE inspector's classifier: one queued packet in, a verdict and its reason out.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/ip_address.hpp"
#include "netfilter/verdict.hpp"
#include "policy/scanner_match.hpp"

namespace tollgate::agent {

/// Why a packet got its verdict. The first five accept, the last three drop.
enum class inspect_reason : std::uint8_t {
  clean,               // well-formed SIP, no scanner fingerprint
  not_sip,             // UDP whose payload does not start like SIP (STUN, RTP, keepalives, empty)
  fragment,            // an IP fragment: the SIP inside cannot be seen whole
  not_udp,             // another protocol, or IP/UDP headers we cannot read: not ours to judge
  unchecked,           // accepted without a look (inspection off, or the pump over its time budget)
  malformed_sip,       // starts like SIP but does not parse or validate
  scanner_user_agent,  // User-Agent in the [inspector] list
  scanner_tag,         // sipvicious's From tag: hex of "<text>\x01<digits>"
};
inline constexpr std::size_t inspect_reason_count = 8;

std::string_view to_string(inspect_reason reason);
constexpr netfilter::verdict verdict_of(inspect_reason reason) {
  return reason >= inspect_reason::malformed_sip ? netfilter::verdict::drop : netfilter::verdict::accept;
}

struct inspection {
  netfilter::verdict verdict = netfilter::verdict::accept;
  inspect_reason reason = inspect_reason::not_udp;
  base::ip_address source;      // set for UDP
  std::uint16_t source_port = 0;
  std::string user_agent;       // set for SIP that parsed
  std::string call_id;
  std::string detail;           // malformed: the parser's message; scanner: the fingerprint
};

/// True when `payload` (a UDP payload) starts like a SIP start line: "SIP/" or a method
/// token, a space, and "SIP/" later on the first line. Leading CRLFs are skipped.
bool looks_like_sip(std::string_view payload);

/// sipvicious 0.3.x From tag: the hex of some text, 0x01, and decimal digits (svmap: the
/// target's address and port, svwar: the extension, svcrack: "user:password").
bool is_sipvicious_tag(std::string_view tag);

/// Pure and stateless apart from the fingerprint list; safe to share between threads.
class inspector {
public:
  explicit inspector(std::vector<std::string> scanner_user_agents = policy::default_scanner_user_agents());
  /// `packet` starts at the IP header (IPv4 or IPv6), as NFQUEUE delivers it.
  inspection classify(std::span<const std::uint8_t> packet) const;
  /// The same for a UDP payload whose source is already known.
  inspection classify_payload(std::string_view payload, inspection base) const;

private:
  policy::scanner_match scanners_;
};

}  // namespace tollgate::agent
