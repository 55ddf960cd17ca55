// IP_PKTINFO and IPV6_PKTINFO: the local address a datagram arrived at, and the source
// address a datagram leaves from, on a UDP socket bound to a wildcard address.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <optional>
#include <system_error>

#include "base/ip_address.hpp"

namespace tollgate::switch_::packet_info {

/// Asks the kernel to give each datagram read from `fd` its destination address
/// (IP_PKTINFO, or IPV6_RECVPKTINFO on an IPv6 socket).
std::error_code enable(int fd, bool v6);

/// Room for one pktinfo control message of either family.
inline constexpr std::size_t control_size = CMSG_SPACE(sizeof(in6_pktinfo));

/// The destination address of a datagram read by recvmsg on a socket with enable(), from its
/// control messages; nullopt when none is there.
std::optional<base::ip_address> destination_of(const msghdr& m);

/// Makes a sendmsg with `m` leave from `source` (a local address of the socket's family):
/// writes one pktinfo control message into `control` (control_size bytes, aligned for
/// cmsghdr) and points `m` at it.
void set_source(msghdr& m, char* control, const base::ip_address& source);

}  // namespace tollgate::switch_::packet_info
