// Netfilter errors as values: messages that tell an operator what to do.
#include "netfilter/error.hpp"

#include <cerrno>
#include <cstring>

namespace tollgate::netfilter {
namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "netfilter"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::permission_denied: return "permission denied: run as root or grant CAP_NET_ADMIN";
      case errc::nftables_unavailable: return "nf_tables is not available in this kernel (load the nf_tables module)";
      case errc::queue_busy: return "queue number already bound by another process";
      case errc::object_exists: return "object already exists";
      case errc::object_not_found: return "no such object";
      case errc::object_busy: return "object is in use";
      case errc::not_supported: return "not supported by this kernel";
      case errc::invalid_argument: return "invalid argument";
      case errc::no_buffer_space: return "out of buffer space";
      case errc::socket_failure: return "netlink socket failure";
      case errc::protocol_error: return "unexpected netlink reply";
      case errc::kernel_error: return "kernel error";
    }
    return "unknown netfilter error";
  }
};

}  // namespace

const std::error_category& netfilter_category() {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), netfilter_category()}; }

errc classify_errno(int error_number) {
  switch (error_number) {
    case EPERM:
    case EACCES: return errc::permission_denied;
    case EPROTONOSUPPORT:
    case EAFNOSUPPORT: return errc::nftables_unavailable;
    case EEXIST: return errc::object_exists;
    case ENOENT: return errc::object_not_found;
    case EBUSY: return errc::object_busy;
    case EOPNOTSUPP: return errc::not_supported;
    case EINVAL:
    case ERANGE:
    case E2BIG: return errc::invalid_argument;
    case ENOBUFS:
    case ENOMEM: return errc::no_buffer_space;
    default: return errc::kernel_error;
  }
}

std::string error::message() const {
  if (!code) return "success";
  std::string text = object.empty() ? std::string{} : object + ": ";
  text += code.message();
  if (error_number != 0) {
    text += " (errno ";
    text += std::to_string(error_number);
    text += ": ";
    text += std::strerror(error_number);
    text += ")";
  }
  return text;
}

error error::from_errno(int error_number, std::string object) {
  return from_errno(error_number, classify_errno(error_number), std::move(object));
}

error error::from_errno(int error_number, errc code, std::string object) {
  return error{make_error_code(code), error_number, std::move(object)};
}

}  // namespace tollgate::netfilter
