// The process's file descriptor limit (RLIMIT_NOFILE), raised to what it may have.
#pragma once

#include <cstdint>
#include <string>

namespace tollgate::switch_ {

struct descriptor_limit {
  std::uint64_t soft = 0;  // what the process may open now
  std::uint64_t hard = 0;
  std::string error;       // why the soft limit could not be raised, or empty
};

/// Raises the soft RLIMIT_NOFILE to the hard one (the default soft limit, 1024, is far
/// below what the TCP limits need) and returns the limits in force afterwards.
descriptor_limit raise_descriptor_limit();
/// The limits in force, unchanged.
descriptor_limit current_descriptor_limit();

}  // namespace tollgate::switch_
