// The agent's Unix socket server: the socket file, accepting, and fanning lines out.
#include "agent/socket_server.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "agent/control_handler.hpp"
#include "agent/socket_acl.hpp"
#include "agent/socket_error.hpp"
#include "agent/socket_session.hpp"
#include "wire/report_codec.hpp"

namespace tollgate::agent {
namespace {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

constexpr auto accept_retry_delay = std::chrono::milliseconds(100);

std::error_code last_error() { return {errno, std::system_category()}; }

// A socket file nobody answers on is left over from an agent that died; anything else is
// either in use or not ours to remove.
std::error_code remove_stale_socket(const std::filesystem::path& path, asio::io_context& io) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return errno == ENOENT ? std::error_code{} : last_error();
  if (!S_ISSOCK(st.st_mode)) return socket_errc::not_a_socket;
  stream::socket probe(io);
  boost::system::error_code ec;
  probe.connect(stream::endpoint(path.string()), ec);
  if (!ec) return socket_errc::in_use;
  if (ec != asio::error::connection_refused) return ec;
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return last_error();
  return {};
}

std::optional<gid_t> group_id(const std::string& name) {
  if (name.empty()) return std::nullopt;
  std::vector<char> buffer(16384);
  group entry{};
  group* result = nullptr;
  if (getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &result) != 0 || result == nullptr) {
    return std::nullopt;
  }
  return entry.gr_gid;
}

}  // namespace

bool goes_to_switch(const policy::decision& d) {
  return std::holds_alternative<policy::suspend>(d.what) || std::holds_alternative<policy::unsuspend>(d.what);
}

socket_server::socket_server(asio::io_context& io, server_options options, control_handler& handler,
                             const base::clock& clock)
    : io_(io),
      hub_(std::make_shared<socket_hub>(std::move(options), handler, clock)),
      acceptor_(io),
      retry_timer_(io) {}

socket_server::~socket_server() { stop(); }

std::error_code socket_server::start() {
  if (started_) return {};
  if (hub_->handler == nullptr) return socket_errc::stopped;
  const auto& path = hub_->options.path;
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return ec;
  if (ec = remove_stale_socket(path, io_); ec) return ec;

  boost::system::error_code bec;
  acceptor_.open(stream(), bec);
  if (!bec) acceptor_.bind(stream::endpoint(path.string()), bec);
  if (!bec) acceptor_.listen(asio::socket_base::max_listen_connections, bec);
  if (bec) {
    // close() takes an error_code of its own: the bind or listen error must survive it.
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return bec;
  }
  if (ec = set_owner_and_mode(); ec) {
    acceptor_.close(bec);
    unlink(path.c_str());
    return ec;
  }
  started_ = true;
  do_accept();
  return {};
}

std::error_code socket_server::set_owner_and_mode() {
  const auto& path = hub_->options.path;
  if (const auto gid = group_id(hub_->options.socket_group)) {
    if (chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0) return last_error();
  }
  if (chmod(path.c_str(), hub_->options.socket_mode) != 0) return last_error();
  if (hub_->options.admin_group_acl) {
    if (const auto admins = group_id(hub_->options.roles.admin_group)) {
      if (const auto ec = grant_group_access(path, hub_->options.socket_mode, *admins)) {
        hub_->stats.admin_acl_problem = "cannot give group " + hub_->options.roles.admin_group + " access to " +
                                        path.string() + ": " + ec.message();
      }
    } else {
      hub_->stats.admin_acl_problem = "group " + hub_->options.roles.admin_group + " does not exist";
    }
  }
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return last_error();
  device_ = st.st_dev;
  inode_ = st.st_ino;
  return {};
}

void socket_server::stop() {
  if (!started_) return;
  started_ = false;
  hub_->handler = nullptr;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
  std::vector<std::shared_ptr<socket_session>> live;
  for (auto& [id, weak] : hub_->sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  for (auto& session : live) session->close("server stopped");
  hub_->sessions.clear();
  struct stat st {};
  const auto& path = hub_->options.path;
  if (lstat(path.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_) unlink(path.c_str());
}

// Completions may run after the server is gone (stop() cancels, the destructor follows):
// they look at the shared hub first, which says whether the server is still there.
void socket_server::do_accept() {
  acceptor_.async_accept([this, hub = hub_](const boost::system::error_code& ec, stream::socket socket) {
    if (hub->handler == nullptr) return;
    on_accept(ec, std::move(socket));
  });
}

void socket_server::on_accept(const boost::system::error_code& ec, stream::socket socket) {
  if (ec == asio::error::operation_aborted) return;
  if (ec) {
    ++hub_->stats.accept_errors;
    retry_timer_.expires_after(accept_retry_delay);
    retry_timer_.async_wait([this, hub = hub_](const boost::system::error_code& wait_ec) {
      if (!wait_ec && hub->handler != nullptr) do_accept();
    });
    return;
  }
  ++hub_->stats.accepted;
  auto credentials = read_peer_credentials(socket.native_handle());
  if (std::holds_alternative<std::error_code>(credentials)) {
    ++hub_->stats.accept_errors;
  } else {
    const std::uint64_t connection = hub_->next_connection++;
    auto session = std::make_shared<socket_session>(
        std::move(socket), hub_,
        identify_peer(connection, std::get<peer_credentials>(credentials), hub_->options.roles));
    hub_->sessions.emplace(connection, session);
    session->start();
  }
  do_accept();
}

template <typename Select>
std::size_t socket_server::fan_out(std::string_view line, Select select) {
  std::vector<std::shared_ptr<socket_session>> targets;
  for (auto& [id, weak] : hub_->sessions) {
    if (auto session = weak.lock(); session && select(*session)) targets.push_back(std::move(session));
  }
  std::size_t sent = 0;
  for (auto& session : targets) sent += session->send(std::string(line)) ? 1 : 0;
  return sent;
}

std::size_t socket_server::push_decision(const policy::decision& d) {
  if (!started_ || !goes_to_switch(d)) return 0;
  return fan_out(wire::format_decision(d), [](const socket_session& s) { return s.gets_decisions(); });
}

std::size_t socket_server::push_to_switches(std::string_view line) {
  if (!started_) return 0;
  return fan_out(line, [](const socket_session& s) { return s.gets_decisions(); });
}

bool socket_server::offer_to(std::uint64_t connection, std::string line, std::size_t limit) {
  const auto it = hub_->sessions.find(connection);
  if (!started_ || it == hub_->sessions.end()) return false;
  const auto session = it->second.lock();
  return session && session->offer(std::move(line), limit);
}

bool socket_server::finish(std::uint64_t connection, std::string why) {
  const auto it = hub_->sessions.find(connection);
  if (!started_ || it == hub_->sessions.end()) return false;
  const auto session = it->second.lock();
  if (session) session->finish(std::move(why));
  return session != nullptr;
}

std::size_t socket_server::publish_audit(std::string_view line) {
  if (!started_) return 0;
  return fan_out(line, [](const socket_session& s) { return s.follows_audit(); });
}

}  // namespace tollgate::agent
