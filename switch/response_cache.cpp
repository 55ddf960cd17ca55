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

}  // namespace tollgate::switch_
