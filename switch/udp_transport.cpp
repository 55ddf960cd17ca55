// The UDP transport: receive a datagram, hand it to the core, send its answer.
#include "switch/udp_transport.hpp"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include <boost/asio/ip/v6_only.hpp>
#include <spdlog/spdlog.h>

#include "switch/asio_address.hpp"
#include "switch/trace_asio.hpp"

namespace tollgate::switch_ {

namespace asio = boost::asio;
using asio::ip::udp;

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
  }
  if (ec) return std::error_code(ec.value(), std::system_category());
  return std::unique_ptr<udp_transport>(new udp_transport(std::move(socket), std::move(on_datagram)));
}

udp_transport::udp_transport(udp::socket socket, handler on_datagram)
    : socket_(std::move(socket)), local_(bound_endpoint(socket_)), on_datagram_(std::move(on_datagram)) {}

void udp_transport::stop() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::uint16_t udp_transport::local_port() const { return local_.port(); }

base::ip_address udp_transport::local_ip() const { return from_asio(local_.address()); }

bool udp_transport::is_v6() const { return local_.address().is_v6(); }

std::error_code udp_transport::send_to(const base::ip_address& ip, std::uint16_t port, std::string_view bytes) {
  udp::endpoint to(to_asio(ip), port);
  if (is_v6() && to.address().is_v4()) {
    to = udp::endpoint(asio::ip::make_address_v6(asio::ip::v4_mapped, to.address().to_v4()), port);
  }
  boost::system::error_code ec;
  send_datagram(to, bytes, ec);
  if (ec) {
    if (send_errors_++ == 0) spdlog::warn("udp send to {}: {}", to.address().to_string(), ec.message());
    return std::error_code(ec.value(), std::system_category());
  }
  trace_udp(trace_tap::direction::out, socket_, to, bytes);
  return {};
}

void udp_transport::send_datagram(const udp::endpoint& to, std::string_view bytes, boost::system::error_code& ec) {
  socket_.send_to(asio::buffer(bytes.data(), bytes.size()), to, 0, ec);
  if (ec == asio::error::connection_refused) {
    drain_errors();
    ec.clear();
    socket_.send_to(asio::buffer(bytes.data(), bytes.size()), to, 0, ec);
  }
}

void udp_transport::drain_errors() {
  const int fd = socket_.native_handle();
  for (int i = 0; i < 256; ++i) {
    sockaddr_storage offender{};
    alignas(cmsghdr) char control[512];
    char data[1];
    iovec iov{data, sizeof data};
    msghdr msg{};
    msg.msg_name = &offender;
    msg.msg_namelen = sizeof offender;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
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
  socket_.async_receive_from(asio::buffer(buffer_), sender_,
                             [this](const boost::system::error_code& ec, std::size_t n) { on_receive(ec, n); });
}

void udp_transport::on_receive(const boost::system::error_code& ec, std::size_t n) {
  if (ec == asio::error::operation_aborted) return;
  if (ec) drain_errors();  // an ICMP error surfaced on the receive (IP_RECVERR)
  if (!ec) {
    const peer from{config::transport::udp, from_asio(sender_.address()), sender_.port()};
    trace_udp(trace_tap::direction::in, socket_, sender_, std::string_view(buffer_.data(), n));
    if (auto out = on_datagram_(std::string_view(buffer_.data(), n), from)) (void)send_to(out->ip, out->port, out->bytes);
  }
  do_receive();
}

}  // namespace tollgate::switch_
