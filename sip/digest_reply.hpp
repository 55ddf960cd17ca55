// What a digest-protected request handler reads from a request and answers it with, for the
// registrar and the call dispatcher alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/ip_address.hpp"
#include "sip/digest_server.hpp"
#include "sip/message.hpp"

namespace tollgate::sip {

/// Every Authorization and Proxy-Authorization value of the request, in order.
std::vector<std::string_view> credential_values(const message& request);

/// The 401 or 407 answer to `request` with one challenge header per value, its top Via
/// marked with the source it came from (received, rport).
std::string challenge_reply(const message& request, const base::ip_address& source_ip, std::uint16_t source_port,
                            const digest_challenges& challenges);

}  // namespace tollgate::sip
