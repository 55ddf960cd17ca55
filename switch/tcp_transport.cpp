// The TCP transport: accept with limits (evicting the weakest connection when full), read
// and frame, answer on the same connection, close idle, slow or broken connections.
#include "switch/tcp_transport.hpp"

#include <array>
#include <deque>

#include <netinet/in.h>
#include <netinet/tcp.h>

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

namespace {

const base::system_clock default_clock;
constexpr std::chrono::milliseconds first_accept_delay{50};
constexpr std::chrono::milliseconds max_accept_delay{1000};

/// A peer that vanished without a FIN (a NAT that forgot it, a cable pulled) is found in
/// about 90 s by keepalive probes instead of holding its slot for the idle timeout.
void enable_keepalive(tcp::socket& socket) {
  const int fd = socket.native_handle();
  const int on = 1, idle = 60, interval = 10, count = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

std::uint64_t id_of(const tcp_connection* c) { return reinterpret_cast<std::uintptr_t>(c); }

}  // namespace

/// One session per socket: an idle deadline re-armed by each complete message, a pacing deadline
/// while a message is incomplete, a framer, a write queue.
class tcp_connection : public std::enable_shared_from_this<tcp_connection> {
public:
  tcp_connection(tcp_transport& owner, tcp::socket socket, peer from, bool outbound = false)
      : owner_(owner), socket_(std::move(socket)), idle_(socket_.get_executor()), pace_(socket_.get_executor()),
        from_(from), framer_(unvalidated()), pacing_(owner.pacing()), outbound_(outbound) {}

  void start() {
    arm_idle();
    do_read();
  }
  /// Closed by the transport to make room for a newcomer.
  void evict() {
    ++owner_.counters_.evicted;
    finish();
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
    pace_.cancel();
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
    framer_.append(std::string_view(buffer_.data(), n));
    std::size_t completed = 0;
    for (;;) {
      auto result = framer_.next();
      if (result.status == sip::parse_status::need_more) break;
      if (result.status == sip::parse_status::error) {
        // Validation is off in the framer, so this is a framing error: no resynchronising.
        ++owner_.counters_.framing_errors;
        finish();
        return;
      }
      ++completed;
      trace_tcp(trace_tap::direction::in, socket_, result.msg->raw());
      if (auto out = owner_.on_message_(*result.msg, from_)) write(std::move(out->bytes));
      if (closed_) return;
    }
    const bool pending = framer_.buffered() > 0;
    // Only a whole message (or a keepalive CRLF, which leaves nothing buffered) counts as
    // activity: a client trickling a message byte by byte does not keep its slot.
    if (completed > 0 || !pending) arm_idle();
    const auto now = owner_.clock_.steady_now();
    pacing_.set_limits(owner_.pacing());
    pacing_.on_read(n, completed, pending, framer_.headers_complete(), now);
    if (!outbound_) owner_.admission_.on_read(id_of(this), completed, pending, now);
    arm_pace();
    do_read();
  }

  /// The pacing timer follows message_pacing's next check; re-armed only when that moves.
  void arm_pace() {
    const auto next = pacing_.next_check();
    if (next == pace_at_) return;
    pace_at_ = next;
    if (!next) {
      pace_.cancel();
      return;
    }
    pace_.expires_after(*next - owner_.clock_.steady_now());
    pace_.async_wait([self = shared_from_this(), at = *next](const boost::system::error_code& ec) {
      if (ec || self->closed_ || self->pace_at_ != at) return;
      self->pace_at_.reset();
      switch (self->pacing_.check(self->owner_.clock_.steady_now())) {
        case pacing_verdict::header_timeout:
          ++self->owner_.counters_.header_timeouts;
          self->finish();
          return;
        case pacing_verdict::too_slow:
          ++self->owner_.counters_.too_slow;
          self->finish();
          return;
        case pacing_verdict::ok: self->arm_pace(); return;
      }
    });
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
  asio::steady_timer pace_;
  std::optional<base::steady_timestamp> pace_at_;  // when pace_ fires, if armed
  peer from_;
  sip::stream_framer framer_;
  message_pacing pacing_;
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
  return open(io, local, limits, default_clock, std::move(on_message));
}

std::variant<std::unique_ptr<tcp_transport>, std::error_code> tcp_transport::open(asio::io_context& io,
                                                                                   const config::socket_address& local,
                                                                                   tcp_limits limits,
                                                                                   const base::clock& clock,
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
  return std::unique_ptr<tcp_transport>(
      new tcp_transport(std::move(acceptor), limits, clock, std::move(on_message)));
}

namespace {

admission_limits admission_of(const tcp_limits& l) { return {l.max_connections, l.max_per_source, l.v6_source_prefix}; }

}  // namespace

tcp_transport::tcp_transport(tcp::acceptor acceptor, tcp_limits limits, const base::clock& clock, handler on_message)
    : acceptor_(std::move(acceptor)),
      local_(bound_endpoint(acceptor_)),
      limits_(limits),
      clock_(clock),
      on_message_(std::move(on_message)),
      admission_(admission_of(limits)),
      accept_retry_(acceptor_.get_executor()) {}

void tcp_transport::set_limits(const tcp_limits& limits) {
  limits_ = limits;
  admission_.set_limits(admission_of(limits));
}

tcp_transport::~tcp_transport() { stop(); }

void tcp_transport::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  auto all = std::move(connections_);
  connections_.clear();
  admission_ = tcp_admission(admission_of(limits_));
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
    accept_delay_ = std::chrono::milliseconds{0};
    admit(std::move(socket));
  } else if (ec != asio::error::connection_aborted && ec.value() != EPROTO && ec.value() != EPERM) {
    // Out of descriptors or memory: accepting again at once fails again at once, a core
    // spinning while the backlog times out. Wait; connections closing free descriptors.
    back_off(ec);
    return;
  }
  do_accept();
}

void tcp_transport::back_off(const boost::system::error_code& ec) {
  ++counters_.accept_errors;
  accept_delay_ = accept_delay_.count() == 0 ? first_accept_delay : std::min(accept_delay_ * 2, max_accept_delay);
  if (const auto n = accept_log_.note(clock_.steady_now())) {
    spdlog::warn("tcp {}: accept failed: {} ({} times since the last report); new connections wait in the backlog, "
                 "retrying every {} ms at most (raise LimitNOFILE= or lower [switch] tcp_max_connections)",
                 local_port(), ec.message(), *n, max_accept_delay.count());
  }
  accept_retry_.expires_after(accept_delay_);
  accept_retry_.async_wait([this](const boost::system::error_code& wait_ec) {
    if (!wait_ec && acceptor_.is_open()) do_accept();
  });
}

void tcp_transport::admit(tcp::socket socket) {
  boost::system::error_code peer_ec;
  const auto remote = socket.remote_endpoint(peer_ec);
  if (peer_ec) return;  // gone already
  const peer from{config::transport::tcp, from_asio(remote.address()), remote.port()};
  const auto decision = admission_.admit(from.ip, connections_.size(), trusted_);
  switch (decision.what) {
    case admission::verdict::refuse_per_source: ++counters_.refused_per_source; return;
    case admission::verdict::refuse_full: ++counters_.refused_total; return;
    case admission::verdict::evict_then_accept:
      if (const auto it = connections_.find(reinterpret_cast<tcp_connection*>(decision.victim));
          it != connections_.end()) {
        const auto victim = it->second;  // evict() erases it from connections_
        victim->evict();
      }
      admission_.remove(decision.victim);  // in case it was already gone
      if (const auto n = evict_log_.note(clock_.steady_now())) {
        spdlog::warn("tcp {}: {} connections, the limit ([switch] tcp_max_connections): {} slow or idle connections "
                     "closed for newcomers since the last report",
                     local_port(), connections_.size(), *n);
      }
      break;
    case admission::verdict::accept: break;
  }
  ++counters_.accepted;
  enable_keepalive(socket);
  auto c = std::make_shared<tcp_connection>(*this, std::move(socket), from);
  c->learn_local();
  connections_.emplace(c.get(), c);
  admission_.add(id_of(c.get()), from.ip, clock_.steady_now());
  by_peer_[{from.ip, from.port}] = c.get();
  c->start();
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
    admission_.remove(id_of(c));
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
