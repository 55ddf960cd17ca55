// Batched values from OpenSSL's CSPRNG.
#include "switch/random_source.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace tollgate::switch_ {

std::uint64_t random_source::next() {
  if (used_ == batch_.size()) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(batch_.data()), static_cast<int>(sizeof batch_)) != 1) {
      spdlog::critical("RAND_bytes failed: no unpredictable call identifiers can be made");
      std::abort();
    }
    used_ = 0;
  }
  return batch_[used_++];
}

}  // namespace tollgate::switch_
