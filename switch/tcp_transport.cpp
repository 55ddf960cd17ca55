// The TCP transport: accept with limits, read and frame, answer on the same connection,
// close idle or broken connections.
#include "switch/tcp_transport.hpp"

#include <array>
#include <deque>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "sip/stream_framer.hpp"
#include "switch/asio_address.hpp"
#include "switch/trace_asio.hpp"

namespace tollgate::switch_ {

namespace asio = boost::asio;
using asio::ip::tcp;

/// One session per socket: a deadline re-armed by every read, a framer, a write queue.
class tcp_connection : public std::enable_shared_from_this<tcp_connection> {
public:
  tcp_connection(tcp_transport& owner, tcp::socket socket, peer from, bool outbound = false)
      : owner_(owner), socket_(std::move(socket)), idle_(socket_.get_executor()), from_(from),
        framer_(unvalidated()), outbound_(outbound) {}

  void start() {
    arm_idle();
    do_read();
  }
  /// Opens an outbound connection to from(), from `source` (port 0) when given so that it
  /// leaves from that address's interface; queued writes go once it is up.
  void connect(const std::optional<base::ip_address>& source) {
    connecting_ = true;
    arm_idle();
    const tcp::endpoint to(to_asio(from_.ip), from_.port);
    if (source) {
      boost::system::error_code ec;
      socket_.open(to.protocol(), ec);
      if (!ec) socket_.bind(tcp::endpoint(to_asio(*source), 0), ec);
      if (ec) {
        spdlog::warn("tcp connect to {} from {}: {}", to.address().to_string(), source->to_string(), ec.message());
        asio::post(socket_.get_executor(), [self = shared_from_this()] {
          if (self->closed_) return;
          ++self->owner_.counters_.connect_failures;
          self->finish();
        });
        return;
      }
    }
    socket_.async_connect(to, [self = shared_from_this()](const boost::system::error_code& ec) {
                            if (self->closed_) return;
                            self->connecting_ = false;
                            if (ec) {
                              ++self->owner_.counters_.connect_failures;
                              self->finish();
                              return;
                            }
                            self->learn_local();
                            self->do_read();
                            if (!self->queue_.empty()) self->do_write();
                          });
  }
  /// Queues `bytes`; `on_failure` runs (posted) if the connection breaks before they are written.
  void send(std::string bytes, std::function<void()> on_failure) {
    if (on_failure) failures_.push_back(std::move(on_failure));
    queue_.push_back(std::move(bytes));
    if (queue_.size() == 1 && !connecting_) do_write();
  }
  bool outbound() const { return outbound_; }
  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    idle_.cancel();
    socket_.close(ignored);
  }
  const peer& from() const { return from_; }
  /// The connection's local end, which requests on it arrived at.
  void learn_local() {
    boost::system::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    if (!ec) from_.local = socket_address_of(local);
  }

private:
  static sip::parse_options unvalidated() {
    sip::parse_options o;
    o.validate = false;
    return o;
  }

  void arm_idle() {
    idle_.expires_after(owner_.limits_.idle_timeout);
    idle_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->closed_) return;
      ++self->owner_.counters_.idle_closed;
      self->finish();
    });
  }

  void do_read() {
    socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](const boost::system::error_code& ec,
                                                                                 std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(const boost::system::error_code& ec, std::size_t n) {
    if (closed_) return;
    if (ec) {
      finish();
      return;
    }
    arm_idle();
    framer_.append(std::string_view(buffer_.data(), n));
    for (;;) {
      auto result = framer_.next();
      if (result.status == sip::parse_status::need_more) break;
      if (result.status == sip::parse_status::error) {
        // Validation is off in the framer, so this is a framing error: no resynchronising.
        ++owner_.counters_.framing_errors;
        finish();
        return;
      }
      trace_tcp(trace_tap::direction::in, socket_, result.msg->raw());
      if (auto out = owner_.on_message_(*result.msg, from_)) write(std::move(out->bytes));
    }
    do_read();
  }

  void write(std::string bytes) {
    queue_.push_back(std::move(bytes));
    if (queue_.size() == 1) do_write();
  }
  // Every message out passes here once, responses and relayed requests alike, and only
  // once the socket is connected, so the trace has both addresses.
  void do_write() {
    trace_tcp(trace_tap::direction::out, socket_, queue_.front());
    asio::async_write(socket_, asio::buffer(queue_.front()),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        if (self->closed_) return;
                        if (ec) {
                          self->finish();
                          return;
                        }
                        self->queue_.pop_front();
                        if (self->queue_.empty()) self->failures_.clear();
                        if (!self->queue_.empty()) self->do_write();
                      });
  }

  void finish() {
    close();
    if (!queue_.empty()) {
      for (auto& f : failures_) asio::post(socket_.get_executor(), std::move(f));
    }
    failures_.clear();
    queue_.clear();
    owner_.forget(this);
  }

  tcp_transport& owner_;
  tcp::socket socket_;
  asio::steady_timer idle_;
  peer from_;
  sip::stream_framer framer_;
  std::array<char, 16384> buffer_{};
  std::deque<std::string> queue_;
  std::vector<std::function<void()>> failures_;  // for the writes still queued
  bool closed_ = false;
  bool outbound_ = false;
  bool connecting_ = false;
};

std::variant<std::unique_ptr<tcp_transport>, std::error_code> tcp_transport::open(asio::io_context& io,
                                                                                   const config::socket_address& local,
                                                                                   tcp_limits limits,
                                                                                   handler on_message) {
  const tcp::endpoint endpoint(to_asio(local.address), local.port);
  tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec && endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(true), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::error_code(ec.value(), std::system_category());
  return std::unique_ptr<tcp_transport>(new tcp_transport(std::move(acceptor), limits, std::move(on_message)));
}

tcp_transport::tcp_transport(tcp::acceptor acceptor, tcp_limits limits, handler on_message)
    : acceptor_(std::move(acceptor)), local_(bound_endpoint(acceptor_)), limits_(limits), on_message_(std::move(on_message)) {}

tcp_transport::~tcp_transport() { stop(); }

void tcp_transport::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  auto all = std::move(connections_);
  connections_.clear();
  per_source_.clear();
  by_peer_.clear();
  outbound_ = 0;
  for (auto& [raw, c] : all) c->close();
}

std::uint16_t tcp_transport::local_port() const { return local_.port(); }

base::ip_address tcp_transport::local_ip() const { return from_asio(local_.address()); }

bool tcp_transport::is_v6() const { return local_.address().is_v6(); }

void tcp_transport::do_accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void tcp_transport::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    boost::system::error_code peer_ec;
    const auto remote = socket.remote_endpoint(peer_ec);
    if (!peer_ec) {
      const peer from{config::transport::tcp, from_asio(remote.address()), remote.port()};
      auto& count = per_source_[from.ip];
      if (connections_.size() >= limits_.max_connections) {
        ++counters_.refused_total;
      } else if (count >= limits_.max_per_source) {
        ++counters_.refused_per_source;
      } else {
        ++count;
        ++counters_.accepted;
        auto c = std::make_shared<tcp_connection>(*this, std::move(socket), from);
        c->learn_local();
        connections_.emplace(c.get(), c);
        by_peer_[{from.ip, from.port}] = c.get();
        c->start();
      }
      if (count == 0) per_source_.erase(from.ip);
    }
  }
  do_accept();
}

void tcp_transport::forget(tcp_connection* c) {
  const auto it = connections_.find(c);
  if (it == connections_.end()) return;
  if (const auto p = by_peer_.find({c->from().ip, c->from().port}); p != by_peer_.end() && p->second == c) {
    by_peer_.erase(p);
  }
  if (c->outbound()) {
    --outbound_;
  } else {
    const auto source = per_source_.find(c->from().ip);
    if (source != per_source_.end() && --source->second == 0) per_source_.erase(source);
  }
  connections_.erase(it);  // the connection lives on while its handlers hold it
}

bool tcp_transport::send_to(const base::ip_address& ip, std::uint16_t port, std::string bytes,
                            std::function<void()> on_failure, const std::optional<base::ip_address>& source) {
  if (!acceptor_.is_open()) return false;
  if (const auto it = by_peer_.find({ip, port}); it != by_peer_.end()) {
    it->second->send(std::move(bytes), std::move(on_failure));
    return true;
  }
  if (outbound_ >= limits_.max_outbound || connections_.size() >= limits_.max_connections) {
    ++counters_.refused_outbound;
    return false;
  }
  ++outbound_;
  ++counters_.outbound;
  const peer to{config::transport::tcp, ip, port};
  auto c = std::make_shared<tcp_connection>(*this, tcp::socket(acceptor_.get_executor()), to, true);
  connections_.emplace(c.get(), c);
  by_peer_[{ip, port}] = c.get();
  // A listener bound to one address connects from it; a wildcard one from `source`, the
  // address its caller chose (or, without one, wherever the kernel's route says).
  std::optional<base::ip_address> from = source;
  if (!local_.address().is_unspecified()) from = local_ip();
  if (from && (from->is_v4() != ip.is_v4() || to_asio(*from).is_unspecified())) from.reset();
  c->connect(from);  // first: the bytes queue behind the connect
  c->send(std::move(bytes), std::move(on_failure));
  return true;
}

}  // namespace tollgate::switch_
