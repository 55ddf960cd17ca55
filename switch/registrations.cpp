// Online endpoints as the control socket reports them.
#include "switch/registrations.hpp"

#include <algorithm>
#include <vector>

#include "config/address.hpp"

namespace tollgate::switch_ {

wire::json registrations_json(const binding_table& bindings, base::timestamp now) {
  std::vector<const store::binding_row*> rows;
  bindings.for_each([&](const store::binding_row& row) {
    if (row.expires_at > now) rows.push_back(&row);
  });
  std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    return std::tie(a->endpoint, a->contact) < std::tie(b->endpoint, b->contact);
  });
  wire::json list = wire::json::array();
  for (const auto* row : rows) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(row->expires_at - now).count();
    wire::json j;
    j["endpoint"] = row->endpoint;
    j["contact"] = row->contact;
    j["source"] = config::socket_address{row->source_ip, row->source_port}.to_string() + "/" + row->transport;
    j["ip"] = row->source_ip.to_string();
    j["port"] = row->source_port;
    j["transport"] = row->transport;
    j["expires_in"] = left;
    j["expires_at"] = base::to_unix_seconds(row->expires_at);
    j["user_agent"] = row->user_agent;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace tollgate::switch_
