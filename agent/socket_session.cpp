// One connection on the agent socket, in the style of Boost.Beast's example sessions.
#include "agent/socket_session.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include <vector>

#include "agent/control_handler.hpp"
#include "agent/socket_server.hpp"
#include "wire/report_codec.hpp"

namespace tollgate::agent {
namespace {

namespace asio = boost::asio;

constexpr std::size_t read_chunk = 16 * 1024;
constexpr std::size_t max_buffers_per_write = 64;

std::string refusal(const peer& who, const role_names& names) {
  std::string text = "permission denied: " + who.user_name + " (uid " + std::to_string(who.credentials.uid) +
                     ") is not root";
  // A socket with no switch user (the switch's own) names only the admin rule.
  if (names.switch_user.empty()) return text + " and not in group " + names.admin_group;
  return text + ", not in group " + names.admin_group + " and not the switch user " + names.switch_user;
}

}  // namespace

socket_session::socket_session(asio::local::stream_protocol::socket socket, std::shared_ptr<socket_hub> hub, peer who)
    : socket_(std::move(socket)), hub_(std::move(hub)), peer_(std::move(who)) {}

void socket_session::start() {
  control_handler* handler = hub_->handler;
  if (handler == nullptr) return close("server stopped");
  if (peer_.role == peer_role::refused) {
    ++hub_->stats.refused;
    handler->on_refused(peer_);
    send(wire::format_response(wire::response::failure(nullptr, refusal(peer_, hub_->options.roles))));
    return close_after_writing("refused");
  }
  if (peer_.role == peer_role::switch_user && !greet_switch(*handler)) return;
  do_read();
}

bool socket_session::greet_switch(control_handler& handler) {
  for (const auto& d : handler.on_switch_connected(peer_)) {
    if (goes_to_switch(d) && !send(wire::format_decision(d))) return false;
  }
  if (auto line = handler.switch_parameters_line()) return send(std::move(*line));
  return true;
}

bool socket_session::send(std::string line) {
  if (!open_ || closing_) return false;
  const std::size_t size = line.size() + 1;
  // One line always fits in an empty queue, so that a large answer is never refused.
  if (queued_bytes_ > 0 && queued_bytes_ + size > hub_->options.max_queued_bytes) {
    ++hub_->stats.slow_readers_disconnected;
    close("slow reader: " + std::to_string(queued_bytes_) + " bytes waiting");
    return false;
  }
  line.push_back('\n');
  queued_bytes_ += size;
  out_.push_back(std::move(line));
  if (writing_ == 0) do_write();
  return true;
}

bool socket_session::offer(std::string line, std::size_t limit) {
  if (!open_ || closing_) return false;
  if (queued_bytes_ > 0 && queued_bytes_ + line.size() + 1 > limit) return false;
  return send(std::move(line));
}

void socket_session::finish(std::string why) { close_after_writing(std::move(why)); }

void socket_session::close(std::string_view why) {
  if (!open_) return;
  open_ = false;
  boost::system::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
  out_.clear();
  queued_bytes_ = 0;
  hub_->sessions.erase(peer_.connection);
  if (hub_->handler != nullptr) hub_->handler->on_disconnected(peer_, why);
}

void socket_session::do_read() {
  read_start_ = in_.size();
  in_.resize(read_start_ + read_chunk);
  socket_.async_read_some(asio::buffer(in_.data() + read_start_, read_chunk),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t bytes) {
                            self->on_read(ec, bytes);
                          });
}

void socket_session::on_read(const boost::system::error_code& ec, std::size_t bytes) {
  in_.resize(read_start_ + bytes);
  if (!open_) return;
  if (ec) {
    if (!in_.empty()) ++hub_->stats.partial_lines_dropped;
    if (ec == asio::error::eof) return close(in_.empty() ? "closed by peer" : "closed by peer in the middle of a line");
    return fail(ec, "read");
  }
  std::size_t begin = 0;
  while (open_ && !closing_) {
    const std::size_t end = in_.find('\n', begin);
    if (end == std::string::npos) break;
    std::string_view line(in_.data() + begin, end - begin);
    begin = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > wire::max_line_bytes) {
      reject(std::get<wire::line_rejection>(wire::parse_line(line)));
      break;
    }
    if (!line.empty()) handle_line(line);
  }
  if (!open_ || closing_) return;
  in_.erase(0, begin);
  if (in_.size() > wire::max_line_bytes) return reject(std::get<wire::line_rejection>(wire::parse_line(in_)));
  do_read();
}

void socket_session::handle_line(std::string_view line) {
  control_handler* handler = hub_->handler;
  if (handler == nullptr) return close("server stopped");
  auto parsed = wire::parse_line(line);
  if (auto* rejection = std::get_if<wire::line_rejection>(&parsed)) return reject(*rejection);
  if (auto* report = std::get_if<policy::report>(&parsed)) {
    ++hub_->stats.reports;
    if (peer_.role == peer_role::admin && !reports_as_admin_) {
      // An admin that reports is a switch (run as root, say): from now on it gets the
      // current suspensions and every suspend and unsuspend, as the switch user does.
      reports_as_admin_ = true;
      if (!greet_switch(*handler)) return;
    }
    return handler->on_report(*report, peer_);
  }
  auto& request = std::get<wire::request>(parsed);
  if (peer_.role != peer_role::admin) {
    send(wire::format_response(wire::response::failure(request.id, "only admins may send commands")));
    return;
  }
  ++hub_->stats.commands;
  const wire::response answer = handler->on_command(request, peer_);
  if (const auto* audit = std::get_if<wire::audit_request>(&request.what); audit && audit->follow && answer.ok) {
    follows_audit_ = true;
  }
  send(wire::format_response(answer));
}

void socket_session::reject(const wire::line_rejection& why) {
  ++hub_->stats.bad_lines[static_cast<std::size_t>(why.kind)];
  const base::timestamp now = hub_->clock->now();
  if (!last_bad_line_logged_ || now - *last_bad_line_logged_ >= hub_->options.bad_line_log_interval) {
    last_bad_line_logged_ = now;
    if (hub_->handler != nullptr) hub_->handler->on_bad_line(peer_, why);
  }
  if (why.kind == wire::line_error::oversized) {
    send(wire::format_response(wire::response::failure(nullptr, why.message)));
    return close_after_writing("line too long");
  }
  // Reports get no answer; an admin is told what was wrong with its line.
  if (peer_.role == peer_role::admin) send(wire::format_response(wire::response::failure(why.id, why.message)));
}

void socket_session::do_write() {
  std::vector<asio::const_buffer> buffers;
  for (std::size_t i = 0; i < out_.size() && i < max_buffers_per_write; ++i) buffers.push_back(asio::buffer(out_[i]));
  writing_ = buffers.size();
  asio::async_write(socket_, buffers,
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t bytes) {
                      self->on_write(ec, bytes);
                    });
}

void socket_session::on_write(const boost::system::error_code& ec, std::size_t bytes) {
  if (!open_) return;
  if (ec) return fail(ec, "write");
  for (std::size_t i = 0; i < writing_; ++i) out_.pop_front();
  queued_bytes_ -= bytes;
  writing_ = 0;
  if (!out_.empty()) return do_write();
  if (closing_) close(*closing_);
}

void socket_session::close_after_writing(std::string why) {
  closing_ = std::move(why);
  if (writing_ == 0 && out_.empty()) close(*closing_);
}

void socket_session::fail(const boost::system::error_code& ec, std::string_view what) {
  if (ec == asio::error::operation_aborted) return;
  close(std::string(what) + ": " + ec.message());
}

}  // namespace tollgate::agent
