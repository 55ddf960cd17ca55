// The agent link: a Unix stream client speaking JSON lines, with reconnect and replay.
#include "switch/agent_link.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <variant>

#include "wire/report_codec.hpp"

namespace tollgate::switch_ {
namespace {
constexpr std::size_t max_line = 64 * 1024;  // docs/agent-protocol.md
constexpr std::size_t max_chunk = 64 * 1024;
constexpr std::chrono::milliseconds max_backoff{5000};
}  // namespace

agent_link::agent_link(boost::asio::io_context& io, std::string socket_path, decision_handler on_decision,
                       std::size_t buffer_capacity)
    : io_(io),
      path_(std::move(socket_path)),
      on_decision_(std::move(on_decision)),
      socket_(io),
      retry_timer_(io),
      buffer_(buffer_capacity) {}

void agent_link::start() { connect(); }

void agent_link::stop() {
  stopped_ = true;
  ++generation_;
  retry_timer_.cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
  connected_ = false;
}

void agent_link::send(const policy::report& r) {
  buffer_.push(wire::format_report(r));
  kick_write();
}

void agent_link::connect() {
  if (stopped_) return;
  const std::uint64_t generation = ++generation_;
  socket_ = boost::asio::local::stream_protocol::socket(io_);
  socket_.async_connect(boost::asio::local::stream_protocol::endpoint(path_),
                        [this, generation](const boost::system::error_code& ec) { on_connect(ec, generation); });
}

void agent_link::on_connect(const boost::system::error_code& ec, std::uint64_t generation) {
  if (generation != generation_ || stopped_) return;
  if (ec) {
    if (!logged_away_) {
      spdlog::warn("agent socket {}: {}; buffering reports and retrying", path_, ec.message());
      logged_away_ = true;
    }
    schedule_retry();
    return;
  }
  connected_ = true;
  logged_away_ = false;
  backoff_ = std::chrono::milliseconds{100};
  ++counters_.connects;
  spdlog::info("agent socket {}: connected, {} buffered reports to replay ({} dropped so far)", path_, buffer_.size(),
               buffer_.dropped());
  in_.clear();
  do_read(generation);
  if (on_connected_) on_connected_();
  kick_write();
}

void agent_link::do_read(std::uint64_t generation) {
  boost::asio::async_read_until(socket_, boost::asio::dynamic_buffer(in_, max_line), '\n',
                                [this, generation](const boost::system::error_code& ec, std::size_t n) {
                                  on_read(ec, n, generation);
                                });
}

void agent_link::on_read(const boost::system::error_code& ec, std::size_t n, std::uint64_t generation) {
  if (generation != generation_ || stopped_) return;
  if (ec) {
    fail(ec, "read");
    return;
  }
  const std::string line = in_.substr(0, n - 1);
  in_.erase(0, n);
  if (auto values = wire::parse_runtime_parameters(line)) {
    if (auto* v = std::get_if<wire::parameter_values>(&*values)) {
      if (on_parameters_) on_parameters_(*v);
    } else {
      ++counters_.bad_lines;
      spdlog::warn("agent socket {}: ignored parameters: {}", path_, std::get<wire::codec_error>(*values).message);
    }
    do_read(generation);
    return;
  }
  auto parsed = wire::parse_decision(line);
  if (auto* d = std::get_if<policy::decision>(&parsed)) {
    ++counters_.decisions;
    on_decision_(*d);
  } else {
    ++counters_.bad_lines;
    spdlog::warn("agent socket {}: ignored a line: {}", path_, std::get<wire::codec_error>(parsed).message);
  }
  do_read(generation);
}

void agent_link::kick_write() {
  if (!connected_ || !writing_.empty() || buffer_.empty()) return;
  writing_ = buffer_.take_chunk(max_chunk);
  const std::uint64_t generation = generation_;
  boost::asio::async_write(socket_, boost::asio::buffer(writing_),
                           [this, generation](const boost::system::error_code& ec, std::size_t) {
                             on_write(ec, generation);
                           });
}

void agent_link::on_write(const boost::system::error_code& ec, std::uint64_t generation) {
  if (generation != generation_ || stopped_) {
    // The connection this chunk went to is gone: keep its lines for the next one.
    if (!writing_.empty()) buffer_.unget_chunk(writing_);
    writing_.clear();
    kick_write();
    return;
  }
  if (ec) {
    buffer_.unget_chunk(writing_);
    writing_.clear();
    fail(ec, "write");
    return;
  }
  for (char c : writing_) counters_.reports_sent += c == '\n';
  writing_.clear();
  kick_write();
}

void agent_link::fail(const boost::system::error_code& ec, const char* what) {
  spdlog::warn("agent socket {}: {} failed: {}; reconnecting", path_, what, ec.message());
  ++counters_.disconnects;
  connected_ = false;
  ++generation_;
  boost::system::error_code ignored;
  socket_.close(ignored);
  schedule_retry();
}

void agent_link::schedule_retry() {
  if (stopped_) return;
  retry_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, max_backoff);
  retry_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) connect();
  });
}

}  // namespace tollgate::switch_
