// Conversions between Asio's IP addresses and base::ip_address.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/system/error_code.hpp>

#include "base/ip_address.hpp"

namespace tollgate::switch_ {

/// IPv4-mapped IPv6 peers become plain IPv4 addresses.
base::ip_address from_asio(const boost::asio::ip::address& a);
boost::asio::ip::address to_asio(const base::ip_address& a);

/// The local endpoint of a bound socket or acceptor (a default endpoint if it has none).
template <typename Socket>
typename Socket::endpoint_type bound_endpoint(const Socket& s) {
  boost::system::error_code ignored;
  return s.local_endpoint(ignored);
}

}  // namespace tollgate::switch_
