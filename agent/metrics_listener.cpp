// The metrics endpoint: accepting, one Beast session per connection, timeouts and limits.
#include "agent/metrics_listener.hpp"

#include <list>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tollgate::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class metrics_session;

/// Shared by the listener and its sessions, so that a session's pending handlers stay
/// valid after the listener is gone. Invariant: `produce` is empty once stopped.
struct metrics_hub {
  metrics_hub(std::function<std::string()> p, metrics_listener_options o) : produce(std::move(p)), options(o) {}
  std::function<std::string()> produce;
  const metrics_listener_options options;
  metrics_listener_stats stats;
  std::list<std::weak_ptr<metrics_session>> sessions;
};

/// One connection: read one request (bounded, with a deadline), answer it, close.
class metrics_session : public std::enable_shared_from_this<metrics_session> {
public:
  metrics_session(tcp::socket socket, std::shared_ptr<metrics_hub> hub)
      : stream_(std::move(socket)), hub_(std::move(hub)) {
    parser_.header_limit(static_cast<std::uint32_t>(hub_->options.max_request_bytes));
    parser_.body_limit(0);
  }

  void run() { do_read(); }
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

private:
  void do_read() {
    stream_.expires_after(hub_->options.timeout);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (!hub_->produce) return;  // stopped
    if (ec) {
      if (ec != http::error::end_of_stream) ++hub_->stats.bad_requests;
      return close();
    }
    const auto& request = parser_.get();
    const std::string_view target(request.target().data(), request.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    response_.version(request.version());
    response_.keep_alive(false);
    response_.set(http::field::server, "tollgate-agent");
    if (path != "/metrics") {
      ++hub_->stats.not_found;
      response_.result(http::status::not_found);
      response_.set(http::field::content_type, "text/plain; charset=utf-8");
      response_.body() = "not found: only /metrics is served here\n";
    } else if (request.method() != http::verb::get && request.method() != http::verb::head) {
      ++hub_->stats.not_found;
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::allow, "GET, HEAD");
      response_.set(http::field::content_type, "text/plain; charset=utf-8");
      response_.body() = "method not allowed: use GET\n";
    } else {
      ++hub_->stats.served;
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response_.body() = hub_->produce();
    }
    response_.prepare_payload();
    if (request.method() == http::verb::head) response_.body().clear();
    stream_.expires_after(hub_->options.timeout);
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<metrics_hub> hub_;
  beast::flat_buffer buffer_;
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> response_;
};

metrics_listener::metrics_listener(asio::io_context& io, std::function<std::string()> produce,
                                   metrics_listener_options options)
    : hub_(std::make_shared<metrics_hub>(std::move(produce), options)), acceptor_(io) {}

metrics_listener::~metrics_listener() { stop(); }

std::error_code metrics_listener::start(const tcp::endpoint& at) {
  beast::error_code ec;
  acceptor_.open(at.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(at, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return ec;
  }
  do_accept();
  return {};
}

void metrics_listener::do_accept() {
  acceptor_.async_accept([this, hub = hub_](beast::error_code ec, tcp::socket socket) {
    if (!hub->produce || ec == asio::error::operation_aborted) return;
    if (!ec) {
      hub->sessions.remove_if([](const auto& s) { return s.expired(); });
      if (hub->sessions.size() >= hub->options.max_connections) {
        ++hub->stats.over_limit;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        auto session = std::make_shared<metrics_session>(std::move(socket), hub);
        hub->sessions.push_back(session);
        session->run();
      }
    }
    do_accept();
  });
}

void metrics_listener::stop() {
  if (!hub_->produce) return;
  hub_->produce = nullptr;
  beast::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : hub_->sessions) {
    if (auto session = weak.lock()) session->close();
  }
  hub_->sessions.clear();
}

tcp::endpoint metrics_listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

const metrics_listener_stats& metrics_listener::stats() const { return hub_->stats; }

}  // namespace tollgate::agent
