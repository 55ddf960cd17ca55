// The response cache for retransmitted requests.
#include "switch/response_cache.hpp"

#include "sip/transaction_key.hpp"

namespace tollgate::switch_ {

std::optional<std::string> transaction_key_of(const sip::message& request) {
  const auto via = request.top_via();
  const auto cseq = request.cseq();
  if (!via || !cseq) return std::nullopt;
  const auto to = request.to();
  const auto from = request.from();
  const std::string sent_by = std::string(via->host) + ":" + std::to_string(via->port_or_default());
  const auto* via_field = request.find(sip::header_id::via);
  sip::request_identity id;
  id.method = request.method_text();
  id.request_uri = request.request_uri_text();
  id.via_branch = via->branch();
  id.via_sent_by = sent_by;
  id.top_via = via_field ? via_field->value : std::string_view{};
  id.to_tag = to ? to->tag() : std::string_view{};
  id.from_tag = from ? from->tag() : std::string_view{};
  id.call_id = request.call_id();
  id.cseq_number = cseq->number;
  id.cseq_method = cseq->method;
  return sip::server_transaction_key(id);
}

const std::string* response_cache::find(const std::string& key, base::timestamp now) const {
  const auto it = entries_.find(key);
  if (it == entries_.end() || it->second.expires <= now) return nullptr;
  return &it->second.response;
}

void response_cache::put(std::string key, std::string response, base::timestamp now) {
  prune(now);
  while (entries_.size() >= capacity_ && !order_.empty()) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
  const auto [it, inserted] = entries_.insert_or_assign(key, entry{std::move(response), now + lifetime_});
  (void)it;
  if (inserted) order_.push_back(std::move(key));
}

void response_cache::prune(base::timestamp now) {
  while (!order_.empty()) {
    const auto it = entries_.find(order_.front());
    if (it != entries_.end() && it->second.expires > now) break;
    if (it != entries_.end()) entries_.erase(it);
    order_.pop_front();
  }
}

}  // namespace tollgate::switch_
