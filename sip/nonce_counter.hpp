// Nonce counters: the highest nc seen per nonce, so a replayed answer is refused (RFC 7616 §3.4.5).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "base/clock.hpp"

namespace tollgate::sip {

enum class nc_result : std::uint8_t {
  fresh,      // first use of this nc: accepted and recorded
  replay,     // nc not above the highest seen for this nonce
  forgotten,  // the nonce may have been evicted under memory pressure: challenge again
};

/// Bounded replay memory. Invariant: entries are ordered by issue time; every entry's nonce
/// is younger than the lifetime (older ones are dropped on each call); size <= capacity.
/// When full, the oldest entry is evicted and `floor_` rises to its issue time: any nonce
/// issued at or before the floor that is not present is "forgotten", never "fresh", so
/// eviction can cost a client a new challenge but never opens a replay window.
class nonce_counter_cache {
public:
  nonce_counter_cache(std::size_t capacity, std::chrono::seconds lifetime);

  /// Records a verified answer. Answers without qop pass nc 0: each nonce answers once.
  nc_result record(std::string_view nonce, base::timestamp issued, std::uint32_t nc, base::timestamp now);

  std::size_t size() const { return entries_.size(); }

private:
  void expire(base::timestamp now);

  std::size_t capacity_;
  std::chrono::seconds lifetime_;
  std::map<std::pair<base::timestamp, std::string>, std::uint32_t, std::less<>> entries_;
  base::timestamp floor_{base::millis{-1}};
  bool floor_set_ = false;
};

}  // namespace tollgate::sip
