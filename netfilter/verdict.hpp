// What the inspector concluded about a queued packet, and the verdict that follows.
#pragma once

#include <cstdint>

namespace tollgate::netfilter {

enum class inspection : std::uint8_t {
  clean,      // well-formed SIP from no known scanner
  not_sip,    // not SIP at all (RTP on the port, keepalives): not ours to judge
  malformed,  // SIP that does not parse
  scanner,    // a scanner fingerprint (User-Agent list)
};

enum class verdict : std::uint8_t { accept, drop };

/// Pure: malformed SIP and scanners are dropped before they reach the switch; everything
/// else is accepted (the queue is fail-open, so doubt means accept).
constexpr verdict verdict_for(inspection result) {
  switch (result) {
    case inspection::malformed:
    case inspection::scanner: return verdict::drop;
    case inspection::clean:
    case inspection::not_sip: return verdict::accept;
  }
  return verdict::accept;
}

}  // namespace tollgate::netfilter
