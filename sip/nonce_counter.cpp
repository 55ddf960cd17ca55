// Nonce counters: an ordered map by issue time makes expiry and eviction take the front.
#include "sip/nonce_counter.hpp"

namespace tollgate::sip {

nonce_counter_cache::nonce_counter_cache(std::size_t capacity, std::chrono::seconds lifetime)
    : capacity_(capacity == 0 ? 1 : capacity), lifetime_(lifetime) {}

void nonce_counter_cache::expire(base::timestamp now) {
  while (!entries_.empty() && now - entries_.begin()->first.first > lifetime_) entries_.erase(entries_.begin());
}

nc_result nonce_counter_cache::record(std::string_view nonce, base::timestamp issued, std::uint32_t nc,
                                      base::timestamp now) {
  expire(now);
  auto key = std::make_pair(issued, std::string(nonce));
  const auto found = entries_.find(key);
  if (found != entries_.end()) {
    if (nc <= found->second) return nc_result::replay;
    found->second = nc;
    return nc_result::fresh;
  }
  if (floor_set_ && issued <= floor_) return nc_result::forgotten;
  if (entries_.size() >= capacity_) {
    floor_ = entries_.begin()->first.first;
    floor_set_ = true;
    entries_.erase(entries_.begin());
    if (issued <= floor_) return nc_result::forgotten;
  }
  entries_.emplace(std::move(key), nc);
  return nc_result::fresh;
}

}  // namespace tollgate::sip
