// Trace filters on the message's addresses, users and Call-ID; trace lines as JSON.
#include "switch/trace_filter.hpp"

#include <variant>

#include "sip/digest_credentials.hpp"
#include "sip/parser.hpp"

namespace tollgate::switch_ {
namespace {

bool endpoint_in(const sip::message& m, std::string_view name) {
  if (const auto from = m.from(); from && from->address.user == name) return true;
  if (const auto to = m.to(); to && to->address.user == name) return true;
  if (const auto contacts = m.contacts()) {
    for (const auto& c : contacts->contacts) {
      if (c.address.user == name) return true;
    }
  }
  for (const auto& field : m.headers()) {
    if (field.id != sip::header_id::authorization && field.id != sip::header_id::proxy_authorization) continue;
    const auto parsed = sip::parse_digest_credentials(field.value);
    if (const auto* c = std::get_if<sip::digest_credentials>(&parsed); c != nullptr && c->username == name) return true;
  }
  return false;
}

std::string dump(const wire::json& j) { return j.dump(-1, ' ', false, wire::json::error_handler_t::replace); }

}  // namespace

trace_filter filter_of(const wire::trace_request& request) {
  trace_filter f;
  if (request.ip) f.ip = request.ip->unmapped();
  f.endpoint = request.endpoint;
  f.call_id = request.call_id;
  return f;
}

wire::json to_json(const trace_filter& f) {
  wire::json j = wire::json::object();
  if (f.ip) j["ip"] = f.ip->to_string();
  if (!f.endpoint.empty()) j["endpoint"] = f.endpoint;
  if (!f.call_id.empty()) j["call_id"] = f.call_id;
  return j;
}

bool matches(const trace_filter& f, const trace_tap::message_view& m) {
  if (f.ip && m.local.address.unmapped() != *f.ip && m.remote.address.unmapped() != *f.ip) return false;
  if (!f.needs_parsing()) return true;
  sip::parse_options options;
  options.validate = false;
  const auto parsed = sip::parse(m.bytes, options);
  if (!parsed.ok()) return false;
  if (!f.call_id.empty() && parsed.msg->call_id() != f.call_id) return false;
  if (!f.endpoint.empty() && !endpoint_in(*parsed.msg, f.endpoint)) return false;
  return true;
}

std::string trace_line(const trace_tap::message_view& m, base::timestamp time) {
  wire::json j;
  j["time"] = base::to_unix_seconds(time);
  j["direction"] = trace_tap::to_string(m.dir);
  j["transport"] = config::to_string(m.transport);
  j["local"] = config::socket_address{m.local.address.unmapped(), m.local.port}.to_string();
  j["remote"] = config::socket_address{m.remote.address.unmapped(), m.remote.port}.to_string();
  j["message"] = std::string(m.bytes);
  return dump(j);
}

std::string dropped_line(std::uint64_t count, base::timestamp time) {
  wire::json j;
  j["time"] = base::to_unix_seconds(time);
  j["dropped"] = count;
  return dump(j);
}

}  // namespace tollgate::switch_
