// Messages of the agent socket's errors.
#include "agent/socket_error.hpp"

#include <string>

namespace tollgate::agent {
namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "tollgate.agent.socket"; }
  std::string message(int value) const override {
    switch (static_cast<socket_errc>(value)) {
      case socket_errc::in_use: return "another process is serving this socket";
      case socket_errc::not_a_socket: return "the path exists and is not a socket";
      case socket_errc::stopped: return "the socket server was stopped and does not start again";
    }
    return "unknown agent socket error";
  }
};

}  // namespace

const std::error_category& socket_category() {
  static const category instance;
  return instance;
}

std::error_code make_error_code(socket_errc e) { return {static_cast<int>(e), socket_category()}; }

}  // namespace tollgate::agent
