// Unpredictable 64-bit values for the calls' tags, Call-IDs, branches and cnonces, from
// OpenSSL's CSPRNG in batches: a peer that sees some of them cannot predict the next
// dialog's identifiers (a seeded mt19937 would give its state away after a few hundred).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tollgate::switch_ {

class random_source {
public:
  /// The next value; refills its batch from RAND_bytes when empty. A CSPRNG failure (no
  /// entropy at all) ends the process: predictable identifiers would be worse.
  std::uint64_t next();

private:
  std::array<std::uint64_t, 256> batch_{};
  std::size_t used_ = batch_.size();
};

}  // namespace tollgate::switch_
