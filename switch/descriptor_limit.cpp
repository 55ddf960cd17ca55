// RLIMIT_NOFILE: read, and the soft limit raised to the hard one.
#include "switch/descriptor_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace tollgate::switch_ {

descriptor_limit current_descriptor_limit() {
  descriptor_limit out;
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) {
    out.error = std::string("getrlimit(RLIMIT_NOFILE): ") + std::strerror(errno);
    return out;
  }
  out.soft = r.rlim_cur;
  out.hard = r.rlim_max;
  return out;
}

descriptor_limit raise_descriptor_limit() {
  auto out = current_descriptor_limit();
  if (!out.error.empty() || out.soft >= out.hard) return out;
  rlimit r{};
  r.rlim_cur = out.hard;
  r.rlim_max = out.hard;
  if (::setrlimit(RLIMIT_NOFILE, &r) != 0) {
    // systemd's SystemCallFilter=~@resources refuses setrlimit; LimitNOFILE= sets both.
    out.error = std::string("setrlimit(RLIMIT_NOFILE): ") + std::strerror(errno);
    return out;
  }
  out.soft = out.hard;
  return out;
}

}  // namespace tollgate::switch_
