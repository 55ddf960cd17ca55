// Conversions between Asio's IP addresses and base::ip_address.
#pragma once

#include <boost/asio/ip/address.hpp>

#include "base/ip_address.hpp"

namespace tollgate::switch_ {

/// IPv4-mapped IPv6 peers become plain IPv4 addresses.
base::ip_address from_asio(const boost::asio::ip::address& a);
boost::asio::ip::address to_asio(const base::ip_address& a);

}  // namespace tollgate::switch_
