// Netfilter errors as values: an errc per failure a user can meet, with errno and the object.
#pragma once

#include <string>
#include <system_error>

namespace tollgate::netfilter {

enum class errc {
  permission_denied = 1,   // EPERM: no CAP_NET_ADMIN
  nftables_unavailable,    // nfnetlink or nf_tables not in the kernel
  queue_busy,              // the queue number is bound by another process
  object_exists,           // EEXIST
  object_not_found,        // ENOENT
  object_busy,             // EBUSY
  not_supported,           // EOPNOTSUPP: an expression or feature the kernel lacks
  invalid_argument,        // EINVAL, ERANGE, E2BIG
  no_buffer_space,         // ENOBUFS, ENOMEM
  socket_failure,          // socket(), bind(), sendmsg(), recv() failed
  protocol_error,          // the kernel's reply was malformed or incomplete
  kernel_error,            // any other errno from the kernel
};

const std::error_category& netfilter_category();
std::error_code make_error_code(errc e);

/// The errc for an errno reported by the kernel for one of our messages.
errc classify_errno(int error_number);

/// A failed operation: what went wrong, the errno behind it, and the object concerned
/// ("set block_v4", "rule in chain prerouting"). Empty (false) means success.
struct error {
  std::error_code code;
  int error_number = 0;
  std::string object;

  explicit operator bool() const { return static_cast<bool>(code); }
  /// "set block_v4: Operation not permitted (run as root or grant CAP_NET_ADMIN)".
  std::string message() const;
  /// An error for errno `error_number` on `object`, classified.
  static error from_errno(int error_number, std::string object);
  static error from_errno(int error_number, errc code, std::string object);
};

/// A value or an error.
template <typename T>
struct result {
  T value{};
  netfilter::error error;
  explicit operator bool() const { return !error; }
};

}  // namespace tollgate::netfilter

template <>
struct std::is_error_code_enum<tollgate::netfilter::errc> : std::true_type {};
