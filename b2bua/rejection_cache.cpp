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

void rejection_cache::remember(std::string_view call_id, std::string_view branch, base::timestamp now) {
  std::string k = key(call_id, branch);
  // The first refusal counts: a later remember() of the same INVITE keeps its lifetime.
  if (!keys_.contains(k, now)) keys_.put(std::move(k), true, now);
}

bool rejection_cache::seen(std::string_view call_id, std::string_view branch, base::timestamp now) {
  keys_.prune(now);
  return keys_.contains(key(call_id, branch), now);
}

}  // namespace tollgate::b2bua
