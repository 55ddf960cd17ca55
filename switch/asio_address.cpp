// Asio and base addresses.
#include "switch/asio_address.hpp"

#include <algorithm>

namespace tollgate::switch_ {

base::ip_address from_asio(const boost::asio::ip::address& a) {
  if (a.is_v4()) return base::ip_address::v4(a.to_v4().to_bytes());
  return base::ip_address::v6(a.to_v6().to_bytes()).unmapped();
}

boost::asio::ip::address to_asio(const base::ip_address& a) {
  if (a.is_v4()) {
    boost::asio::ip::address_v4::bytes_type b;
    std::copy_n(a.bytes().begin(), 4, b.begin());
    return boost::asio::ip::address_v4(b);
  }
  boost::asio::ip::address_v6::bytes_type b;
  std::copy_n(a.bytes().begin(), 16, b.begin());
  return boost::asio::ip::address_v6(b);
}

}  // namespace tollgate::switch_
