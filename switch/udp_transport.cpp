// The UDP transport: receive a datagram, hand it to the core, send its answer.
#include "switch/udp_transport.hpp"

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
  if (ec) return std::error_code(ec.value(), std::system_category());
  return std::unique_ptr<udp_transport>(new udp_transport(std::move(socket), std::move(on_datagram)));
}

udp_transport::udp_transport(udp::socket socket, handler on_datagram)
    : socket_(std::move(socket)), on_datagram_(std::move(on_datagram)) {}

void udp_transport::stop() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::uint16_t udp_transport::local_port() const {
  boost::system::error_code ec;
  return socket_.local_endpoint(ec).port();
}

base::ip_address udp_transport::local_ip() const {
  boost::system::error_code ec;
  return from_asio(socket_.local_endpoint(ec).address());
}

bool udp_transport::is_v6() const {
  boost::system::error_code ec;
  return socket_.local_endpoint(ec).address().is_v6();
}

std::error_code udp_transport::send_to(const base::ip_address& ip, std::uint16_t port, std::string_view bytes) {
  udp::endpoint to(to_asio(ip), port);
  if (is_v6() && to.address().is_v4()) {
    to = udp::endpoint(asio::ip::make_address_v6(asio::ip::v4_mapped, to.address().to_v4()), port);
  }
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(bytes.data(), bytes.size()), to, 0, ec);
  if (ec) {
    if (send_errors_++ == 0) spdlog::warn("udp send to {}: {}", to.address().to_string(), ec.message());
    return std::error_code(ec.value(), std::system_category());
  }
  trace_udp(trace_tap::direction::out, socket_, to, bytes);
  return {};
}

void udp_transport::do_receive() {
  socket_.async_receive_from(asio::buffer(buffer_), sender_,
                             [this](const boost::system::error_code& ec, std::size_t n) { on_receive(ec, n); });
}

void udp_transport::on_receive(const boost::system::error_code& ec, std::size_t n) {
  if (ec == asio::error::operation_aborted) return;
  if (!ec) {
    const peer from{config::transport::udp, from_asio(sender_.address()), sender_.port()};
    trace_udp(trace_tap::direction::in, socket_, sender_, std::string_view(buffer_.data(), n));
    if (auto out = on_datagram_(std::string_view(buffer_.data(), n), from)) {
      udp::endpoint to(to_asio(out->ip), out->port);
      if (socket_.local_endpoint().address().is_v6() && to.address().is_v4()) {
        to = udp::endpoint(asio::ip::make_address_v6(asio::ip::v4_mapped, to.address().to_v4()), out->port);
      }
      boost::system::error_code send_ec;
      socket_.send_to(asio::buffer(out->bytes), to, 0, send_ec);
      if (!send_ec) trace_udp(trace_tap::direction::out, socket_, to, out->bytes);
      if (send_ec && send_errors_++ == 0) spdlog::warn("udp send to {}: {}", to.address().to_string(), send_ec.message());
    }
  }
  do_receive();
}

}  // namespace tollgate::switch_
