// The blocking agent socket client: connect, write one line, poll for the answer line.
#include "ctl/agent_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

namespace tollgate::ctl {
namespace {

std::string reach_error(std::string_view daemon, const std::string& path, int error) {
  std::string message = "cannot reach the " + std::string(daemon) + " at " + path + ": " + std::strerror(error);
  if (error == EACCES || error == EPERM) return message + " (run as root or as a member of tollgate-admin)";
  return message + " (is tollgate-" + std::string(daemon) + " running?)";
}

// A bound on one answer line, so that a broken agent cannot make tollgatectl eat memory.
constexpr std::size_t max_answer_bytes = std::size_t{1} << 30;

std::string seconds_text(int milliseconds) {
  if (milliseconds % 1000 == 0) return std::to_string(milliseconds / 1000) + " s";
  return std::to_string(milliseconds) + " ms";
}

}  // namespace

std::variant<agent_client, client_error> agent_client::connect(const std::string& socket_path,
                                                               std::chrono::milliseconds timeout,
                                                               std::string_view daemon) {
  sockaddr_un address{};
  if (socket_path.empty() || socket_path.size() >= sizeof address.sun_path) {
    return client_error{"the socket path \"" + socket_path + "\" is empty or too long"};
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return client_error{reach_error(daemon, socket_path, errno)};
  agent_client client(fd, socket_path, timeout, daemon);  // owns fd from here on
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path.data(), socket_path.size());
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    return client_error{reach_error(daemon, socket_path, error), false, error == ENOENT || error == ECONNREFUSED};
  }
  return client;
}

agent_client::agent_client(agent_client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      timeout_(other.timeout_),
      daemon_(std::move(other.daemon_)),
      buffer_(std::move(other.buffer_)) {}

agent_client& agent_client::operator=(agent_client&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    timeout_ = other.timeout_;
    daemon_ = std::move(other.daemon_);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

agent_client::~agent_client() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<client_error> agent_client::send(const wire::request& request) {
  const std::string line = wire::format_request(request) + "\n";
  std::string_view rest = line;
  while (!rest.empty()) {
    const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    // The agent may already have answered and closed (a refused peer): read that answer.
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) break;
    if (n < 0) return client_error{"cannot write to " + peer_text() + ": " + std::strerror(errno)};
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  return std::nullopt;
}

std::variant<wire::response, client_error> agent_client::call(const wire::request& request) {
  if (auto failed = send(request)) return *failed;
  auto answer = read_line(static_cast<int>(timeout_.count()));
  if (auto* e = std::get_if<client_error>(&answer)) return *e;
  if (std::holds_alternative<std::nullopt_t>(answer)) {
    return client_error{peer_text() + " closed the connection without answering"};
  }
  auto parsed = wire::parse_response(std::get<std::string>(answer));
  if (auto* e = std::get_if<std::string>(&parsed)) return client_error{*e};
  return std::get<wire::response>(std::move(parsed));
}

std::variant<std::string, std::nullopt_t, client_error> agent_client::next_line() { return read_line(-1); }

std::variant<std::string, std::nullopt_t, client_error> agent_client::next_line(std::chrono::milliseconds wait) {
  return read_line(static_cast<int>(std::max<std::int64_t>(0, wait.count())));
}

std::variant<std::string, std::nullopt_t, client_error> agent_client::read_line(int timeout_ms) {
  while (true) {
    if (const auto end = buffer_.find('\n'); end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return line;
    }
    if (buffer_.size() > max_answer_bytes) {
      return client_error{peer_text() + " sent a line longer than 1 GiB"};
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return client_error{"cannot read from " + peer_text() + ": " + std::strerror(errno)};
    if (ready == 0) {
      return client_error{peer_text() + " did not answer within " + seconds_text(timeout_ms), true};
    }
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return std::nullopt;
    if (n < 0) return client_error{"cannot read from " + peer_text() + ": " + std::strerror(errno)};
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace tollgate::ctl
