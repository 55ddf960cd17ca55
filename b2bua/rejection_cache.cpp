// Recently refused INVITEs, by Call-ID and branch.
#include "b2bua/rejection_cache.hpp"

namespace tollgate::b2bua {

std::string rejection_cache::key(std::string_view call_id, std::string_view branch) {
  std::string k;
  k.reserve(call_id.size() + branch.size() + 1);
  k.append(call_id).push_back('\n');  // cannot occur in either header value
  k.append(branch);
  return k;
}

void rejection_cache::expire(base::timestamp now) {
  while (!order_.empty() && (order_.front().at + lifetime_ <= now || order_.size() > capacity_)) {
    keys_.erase(order_.front().key);
    order_.pop_front();
  }
}

void rejection_cache::remember(std::string_view call_id, std::string_view branch, base::timestamp now) {
  std::string k = key(call_id, branch);
  if (!keys_.insert(k).second) return;
  order_.push_back({std::move(k), now});
  expire(now);
}

bool rejection_cache::seen(std::string_view call_id, std::string_view branch, base::timestamp now) {
  expire(now);
  return keys_.count(key(call_id, branch)) != 0;
}

}  // namespace tollgate::b2bua
