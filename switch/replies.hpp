// Small helpers shared by the request handlers: responses with received/rport, reports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "policy/report.hpp"
#include "sip/builder.hpp"
#include "sip/digest_server.hpp"
#include "sip/message.hpp"
#include "switch/peer.hpp"

namespace tollgate::switch_ {

/// What handling one request produced: the response text (empty: none) and the reports for
/// the agent.
struct sip_outcome {
  std::string response;
  std::vector<policy::report> reports;
};

/// A response to `request` with received/rport filled in from `from` (RFC 3261 §18.2.1,
/// RFC 3581 §4).
sip::response_builder reply(const sip::message& request, const peer& from, int status, std::string_view reason = {});
/// A challenge response: status and headers from `challenges`.
std::string challenge_response(const sip::message& request, const peer& from, const sip::digest_challenges& challenges);
/// Every Authorization and Proxy-Authorization value, in order (credentials are accepted in
/// either header whatever the challenge mode).
std::vector<std::string_view> credentials_of(const sip::message& request);
/// The endpoint a request speaks for: the digest username of the first parseable
/// credentials, else the To user (product.md §3).
std::string claimed_endpoint(const sip::message& request, const std::vector<std::string_view>& credentials);
/// A report about `request` from `from` with the common fields filled in.
policy::report make_report(policy::report_type type, const sip::message& request, const peer& from,
                           base::timestamp now, std::string endpoint);

}  // namespace tollgate::switch_
