// pktinfo control messages in and out of recvmsg and sendmsg.
#include "switch/packet_info.hpp"

#include <cerrno>
#include <array>
#include <cstring>

namespace tollgate::switch_::packet_info {

std::error_code enable(int fd, bool v6) {
  const int on = 1;
  const int rc = v6 ? ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on)
                    : ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  if (rc != 0) return {errno, std::system_category()};
  return {};
}

std::optional<base::ip_address> destination_of(const msghdr& m) {
  // CMSG_NXTHDR takes a non-const header; it only reads it.
  auto& header = const_cast<msghdr&>(m);
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      std::array<std::uint8_t, 4> bytes{};
      std::memcpy(bytes.data(), &info.ipi_addr, bytes.size());  // the header's destination
      return base::ip_address::v4(bytes);
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      std::array<std::uint8_t, 16> bytes{};
      std::memcpy(bytes.data(), &info.ipi6_addr, bytes.size());
      return base::ip_address::v6(bytes).unmapped();
    }
  }
  return std::nullopt;
}

void set_source(msghdr& m, char* control, const base::ip_address& source) {
  std::memset(control, 0, control_size);
  m.msg_control = control;
  m.msg_controllen = control_size;
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  if (source.is_v4()) {
    in_pktinfo info{};
    std::memcpy(&info.ipi_spec_dst, source.bytes().data(), 4);  // the source address; the route picks the device
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
    m.msg_controllen = CMSG_SPACE(sizeof info);
    return;
  }
  in6_pktinfo info{};
  std::memcpy(&info.ipi6_addr, source.bytes().data(), 16);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof info);
  std::memcpy(CMSG_DATA(c), &info, sizeof info);
  m.msg_controllen = CMSG_SPACE(sizeof info);
}

}  // namespace tollgate::switch_::packet_info
