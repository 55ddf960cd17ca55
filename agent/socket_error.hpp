// Errors of the agent socket's setup, as std::error_code values.
#pragma once

#include <system_error>

namespace tollgate::agent {

enum class socket_errc {
  in_use = 1,     // another process answers on the socket path
  not_a_socket,   // the path exists and is something else: left alone
  stopped,        // start() after stop(): a server runs once
};

const std::error_category& socket_category();
std::error_code make_error_code(socket_errc e);

}  // namespace tollgate::agent

template <>
struct std::is_error_code_enum<tollgate::agent::socket_errc> : std::true_type {};
