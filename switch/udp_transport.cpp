// The UDP transport: receive a datagram, hand it to the core, send its answer.
#include "switch/udp_transport.hpp"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include <boost/asio/ip/v6_only.hpp>
#include <spdlog/spdlog.h>

#include "switch/asio_address.hpp"
#include "switch/packet_info.hpp"
#include "switch/trace_asio.hpp"

namespace tollgate::switch_ {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// Datagrams read per wake-up before the socket goes back to the event loop, so that a
// flood on one listener does not starve the others and the timers.
constexpr int max_datagrams_per_wake = 64;

/// A msghdr for recvmsg: one buffer, the sender's address, and room for control messages.
msghdr receive_header(sockaddr_storage& sender, iovec& data, char* control, std::size_t control_size) {
  msghdr m{};
  m.msg_name = &sender;
  m.msg_namelen = sizeof sender;
  m.msg_iov = &data;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = control_size;
  return m;
}

}  // namespace

std::variant<std::unique_ptr<udp_transport>, std::error_code> udp_transport::open(asio::io_context& io,
                                                                                   const config::socket_address& local,
                                                                                   handler on_datagram) {
  const udp::endpoint endpoint(to_asio(local.address), local.port);
  udp::socket socket(io);
  boost::system::error_code ec;
  socket.open(endpoint.protocol(), ec);
  if (!ec && endpoint.address().is_v6()) socket.set_option(asio::ip::v6_only(true), ec);
  if (!ec) socket.set_option(udp::socket::reuse_address(true), ec);
  if (!ec) socket.bind(endpoint, ec);
  if (!ec) socket.non_blocking(true, ec);
  // Bursts of REGISTERs outrun the default receive buffer long before they outrun the core;
  // the kernel caps this at net.core.rmem_max, which is fine.
  if (!ec) socket.set_option(asio::socket_base::receive_buffer_size(4 << 20), ec);
  // ICMP errors for what we send (a carrier's closed port) are queued on the socket, so a
  // call towards an unreachable gateway fails at once instead of after Timer B.
  if (!ec) {
    const int on = 1;
    const bool v6 = endpoint.address().is_v6();
    if (::setsockopt(socket.native_handle(), v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_RECVERR : IP_RECVERR, &on, sizeof on) != 0) {
      return std::error_code(errno, std::system_category());
    }
    if (const auto pktinfo = packet_info::enable(socket.native_handle(), v6)) return pktinfo;
  }
  if (ec) return std::error_code(ec.value(), std::system_category());
  return std::unique_ptr<udp_transport>(new udp_transport(std::move(socket), std::move(on_datagram)));
}

udp_transport::udp_transport(udp::socket socket, handler on_datagram)
    : socket_(std::move(socket)), local_(bound_endpoint(socket_)), wildcard_(local_.address().is_unspecified()),
      on_datagram_(std::move(on_datagram)) {}

void udp_transport::stop() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::uint16_t udp_transport::local_port() const { return local_.port(); }

base::ip_address udp_transport::local_ip() const { return from_asio(local_.address()); }

bool udp_transport::is_v6() const { return local_.address().is_v6(); }

std::error_code udp_transport::send_to(const base::ip_address& ip, std::uint16_t port, std::string_view bytes,
                                      const std::optional<base::ip_address>& source) {
  udp::endpoint to(to_asio(ip), port);
  if (is_v6() && to.address().is_v4()) {
    to = udp::endpoint(asio::ip::make_address_v6(asio::ip::v4_mapped, to.address().to_v4()), port);
  }
  // Only a wildcard socket needs the source set, and only one of its own family.
  const bool set_source = wildcard_ && source && source->is_v4() != is_v6() && !to_asio(*source).is_unspecified();
  const std::error_code ec = send_datagram(to, bytes, set_source ? &*source : nullptr);
  if (ec) {
    if (send_errors_++ == 0) spdlog::warn("udp send to {}: {}", to.address().to_string(), ec.message());
    return ec;
  }
  if (trace_tap::active()) {
    const base::ip_address from = set_source ? *source : local_ip();
    trace_udp(trace_tap::direction::out, {from, local_port()}, to, bytes);
  }
  return {};
}

std::error_code udp_transport::send_datagram(const udp::endpoint& to, std::string_view bytes,
                                             const base::ip_address* source) {
  for (int attempt = 0;; ++attempt) {
    iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
    msghdr m{};
    m.msg_name = const_cast<sockaddr*>(to.data());
    m.msg_namelen = static_cast<socklen_t>(to.size());
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    alignas(cmsghdr) char control[packet_info::control_size];
    if (source != nullptr) packet_info::set_source(m, control, *source);
    if (::sendmsg(socket_.native_handle(), &m, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) return {};
    const int error = errno;
    if (error == EINTR) continue;
    if (error != ECONNREFUSED || attempt > 0) return {error, std::system_category()};
    drain_errors();
  }
}

void udp_transport::drain_errors() {
  const int fd = socket_.native_handle();
  for (int i = 0; i < 256; ++i) {
    sockaddr_storage offender{};
    alignas(cmsghdr) char control[512];
    char data[1];
    iovec iov{data, sizeof data};
    msghdr msg = receive_header(offender, iov, control, sizeof control);
    if (::recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      const bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
      const bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
      if (!v4 && !v6) continue;
      sock_extended_err e{};
      std::memcpy(&e, CMSG_DATA(c), sizeof e);
      const bool port_unreachable = (e.ee_origin == SO_EE_ORIGIN_ICMP && e.ee_type == 3 && e.ee_code == 3) ||
                                    (e.ee_origin == SO_EE_ORIGIN_ICMP6 && e.ee_type == 1 && e.ee_code == 4);
      if (!port_unreachable || msg.msg_namelen > sizeof offender) continue;
      ++unreachable_reports_;
      udp::endpoint to;
      std::memcpy(to.data(), &offender, msg.msg_namelen);
      to.resize(msg.msg_namelen);
      if (on_unreachable_) on_unreachable_(from_asio(to.address()).unmapped(), to.port());
    }
  }
}

void udp_transport::do_receive() {
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& ec) { on_readable(ec); });
}

void udp_transport::on_readable(const boost::system::error_code& ec) {
  if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
  for (int i = 0; i < max_datagrams_per_wake; ++i) {
    if (!receive_one()) break;
  }
  do_receive();
}

bool udp_transport::receive_one() {
  sockaddr_storage sender{};
  iovec iov{buffer_.data(), buffer_.size()};
  alignas(cmsghdr) char control[packet_info::control_size];
  msghdr m = receive_header(sender, iov, control, sizeof control);
  const ssize_t n = ::recvmsg(socket_.native_handle(), &m, MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
    if (errno != EINTR) drain_errors();  // an ICMP error surfaced on the receive (IP_RECVERR)
    return true;
  }
  if (m.msg_namelen > sizeof sender) return true;
  udp::endpoint remote;
  std::memcpy(remote.data(), &sender, m.msg_namelen);
  remote.resize(m.msg_namelen);
  const std::string_view datagram(buffer_.data(), static_cast<std::size_t>(n));
  peer from{config::transport::udp, from_asio(remote.address()), remote.port()};
  from.local = {packet_info::destination_of(m).value_or(local_ip()), local_port()};
  trace_udp(trace_tap::direction::in, from.local, remote, datagram);
  if (auto out = on_datagram_(datagram, from)) (void)send_to(out->ip, out->port, out->bytes, from.local.address);
  return true;
}

}  // namespace tollgate::switch_
