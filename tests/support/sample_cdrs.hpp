// CDR rows shaped like the switch's own: an illegal attempt and an answered call, for the
// tests and benchmarks that need switch.db content.
#pragma once

#include <string>

#include "base/clock.hpp"
#include "store/cdr.hpp"

namespace tollgate::test {

/// An INVITE from an unauthorized source: billing mode 4, duration 0, disconnect 403.
inline store::cdr_record illegal_cdr(base::timestamp start, std::string call_id, std::string src_ip) {
  store::cdr_record r;
  r.call_id = std::move(call_id);
  r.start_time = start;
  r.end_time = start;
  r.caller = "100";
  r.callee = "0044123456";
  r.src_ip = std::move(src_ip);
  r.src_port = 5060;
  r.transport = "udp";
  r.user_agent = "friendly-scanner";
  r.mode = store::billing_mode::illegal;
  r.disconnect_code = 403;
  r.disconnect_reason = "Forbidden";
  return r;
}

/// A one-minute call answered after two seconds and hung up by BYE.
inline store::cdr_record answered_cdr(base::timestamp start, store::billing_mode mode) {
  store::cdr_record r;
  r.call_id = "call-" + std::to_string(start.time_since_epoch().count() / 1000);
  r.start_time = start;
  r.answer_time = start + base::millis{2000};
  r.end_time = start + base::millis{62000};
  r.duration_s = 60;
  r.caller = "1001";
  r.callee = "0033123";
  r.src_ip = "198.51.100.20";
  r.src_port = 5062;
  r.transport = "tcp";
  r.user_agent = "Yealink SIP-T46S";
  r.account = mode == store::billing_mode::endpoint ? "1001" : "customer-a";
  r.routing_gateway = "carrier-1";
  r.mode = mode;
  r.disconnect_code = 200;
  r.disconnect_reason = "BYE";
  return r;
}

}  // namespace tollgate::test
