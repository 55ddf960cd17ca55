// The agent socket's commands and answers, with nlohmann-json.
#include "wire/control_protocol.hpp"

#include <array>

#include "wire/report_codec.hpp"

namespace tollgate::wire {
namespace {

using input = nlohmann::json;

struct field_error {
  std::string message;
};

std::string in_quotes(std::string_view name) { return "\"" + std::string(name) + "\""; }

const input* find(const input& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string string_field(const input& object, const char* name) {
  const input* value = find(object, name);
  if (value == nullptr) throw field_error{"missing field " + in_quotes(name)};
  if (!value->is_string()) throw field_error{"field " + in_quotes(name) + " must be a string"};
  auto text = value->get<std::string>();
  if (text.empty()) throw field_error{"field " + in_quotes(name) + " must not be empty"};
  return text;
}

std::string optional_string_field(const input& object, const char* name) {
  const input* value = find(object, name);
  if (value == nullptr) return {};
  if (!value->is_string()) throw field_error{"field " + in_quotes(name) + " must be a string"};
  return value->get<std::string>();
}

bool bool_field(const input& object, const char* name) {
  const input* value = find(object, name);
  if (value == nullptr) return false;
  if (!value->is_boolean()) throw field_error{"field " + in_quotes(name) + " must be true or false"};
  return value->get<bool>();
}

std::optional<std::int64_t> integer_field(const input& object, const char* name, std::int64_t min, std::int64_t max) {
  const input* value = find(object, name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) throw field_error{"field " + in_quotes(name) + " must be an integer"};
  if (value->is_number_unsigned() && value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    throw field_error{"field " + in_quotes(name) + " must be between " + std::to_string(min) + " and " +
                      std::to_string(max)};
  }
  const auto v = value->get<std::int64_t>();
  if (v < min || v > max) {
    throw field_error{"field " + in_quotes(name) + " must be between " + std::to_string(min) + " and " +
                      std::to_string(max)};
  }
  return v;
}

base::ip_prefix prefix_field(const input& object, const char* name) {
  const std::string text = string_field(object, name);
  const auto prefix = base::ip_prefix::parse(text);
  if (!prefix) throw field_error{"field " + in_quotes(name) + " is not an address or CIDR: " + in_quotes(text)};
  return *prefix;
}

constexpr std::int64_t max_block_seconds = 100LL * 365 * 86400;

command decode_command(const std::string& name, const input& o) {
  if (name == "status") return status_request{};
  if (name == "blacklist_list") return blacklist_list_request{};
  if (name == "blacklist_add") {
    blacklist_add_request r;
    r.address = prefix_field(o, "address");
    if (auto seconds = integer_field(o, "seconds", 1, max_block_seconds)) r.duration = std::chrono::seconds(*seconds);
    r.reason = optional_string_field(o, "reason");
    r.force = bool_field(o, "force");
    return r;
  }
  if (name == "blacklist_del") return blacklist_del_request{prefix_field(o, "address")};
  if (name == "blacklist_flush") return blacklist_flush_request{};
  if (name == "whitelist_list") return whitelist_list_request{};
  if (name == "whitelist_add") return whitelist_add_request{prefix_field(o, "cidr")};
  if (name == "whitelist_del") return whitelist_del_request{prefix_field(o, "cidr")};
  if (name == "suspend_list") return suspend_list_request{};
  if (name == "suspend_clear") return suspend_clear_request{string_field(o, "endpoint")};
  if (name == "param_list") return param_list_request{};
  if (name == "param_get") return param_get_request{string_field(o, "name")};
  if (name == "param_set") {
    param_set_request r;
    r.name = string_field(o, "name");
    const input* value = find(o, "value");
    if (value == nullptr) throw field_error{"missing field \"value\""};
    if (value->is_boolean()) {
      r.value = value->get<bool>() ? 1 : 0;
    } else if (value->is_number_integer() && !(value->is_number_unsigned() && value->get<std::uint64_t>() > INT64_MAX)) {
      r.value = value->get<std::int64_t>();
    } else {
      throw field_error{"field \"value\" must be an integer"};
    }
    return r;
  }
  if (name == "audit") {
    audit_request r;
    if (const input* since = find(o, "since")) {
      if (!since->is_number() || !(since->get<double>() >= 0 && since->get<double>() < 1e11)) {
        throw field_error{"field \"since\" must be Unix seconds"};
      }
      r.since = base::from_unix_seconds(since->get<double>());
    }
    if (auto limit = integer_field(o, "limit", 1, 1'000'000)) r.limit = static_cast<std::uint32_t>(*limit);
    r.follow = bool_field(o, "follow");
    return r;
  }
  if (name == "reload") return reload_request{};
  if (name == "registrations") return registrations_request{};
  if (name == "trace_stop") return trace_stop_request{};
  if (name == "trace") {
    trace_request r;
    if (const std::string ip = optional_string_field(o, "ip"); !ip.empty()) {
      r.ip = base::ip_address::parse(ip);
      if (!r.ip) throw field_error{"field \"ip\" is not an address: " + in_quotes(ip)};
    }
    r.endpoint = optional_string_field(o, "endpoint");
    r.call_id = optional_string_field(o, "call_id");
    return r;
  }
  throw field_error{"unknown command " + in_quotes(name)};
}

// Reads id and command from an object that has "command"; errors keep the id when it was read.
std::variant<request, line_rejection> decode_request(const input& object) {
  request r;
  const auto id = object.find("id");
  if (id != object.end()) r.id = json(*id);
  try {
    if (id == object.end()) throw field_error{"missing field \"id\""};
    r.what = decode_command(string_field(object, "command"), object);
    return r;
  } catch (const field_error& e) {
    return line_rejection{line_error::bad_command, e.message, r.id};
  }
}

struct request_writer {
  json& o;
  void operator()(const blacklist_add_request& r) const {
    o["address"] = r.address.to_string();
    if (r.duration) {
      o["seconds"] = r.duration->count();
    } else {
      o["seconds"] = nullptr;
    }
    o["reason"] = r.reason;
    o["force"] = r.force;
  }
  void operator()(const blacklist_del_request& r) const { o["address"] = r.address.to_string(); }
  void operator()(const whitelist_add_request& r) const { o["cidr"] = r.cidr.to_string(); }
  void operator()(const whitelist_del_request& r) const { o["cidr"] = r.cidr.to_string(); }
  void operator()(const suspend_clear_request& r) const { o["endpoint"] = r.endpoint; }
  void operator()(const param_get_request& r) const { o["name"] = r.name; }
  void operator()(const param_set_request& r) const {
    o["name"] = r.name;
    o["value"] = r.value;
  }
  void operator()(const audit_request& r) const {
    if (r.since) o["since"] = base::to_unix_seconds(*r.since);
    if (r.limit) o["limit"] = *r.limit;
    o["follow"] = r.follow;
  }
  void operator()(const trace_request& r) const {
    if (r.ip) o["ip"] = r.ip->to_string();
    if (!r.endpoint.empty()) o["endpoint"] = r.endpoint;
    if (!r.call_id.empty()) o["call_id"] = r.call_id;
  }
  template <typename T>
  void operator()(const T&) const {}  // commands without fields
};

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string_view command_name(const command& c) {
  static constexpr std::array<std::string_view, std::variant_size_v<command>> names = {
      "status",       "blacklist_list", "blacklist_add", "blacklist_del", "blacklist_flush",
      "whitelist_list", "whitelist_add", "whitelist_del", "suspend_list", "suspend_clear",
      "param_list",   "param_get",      "param_set",     "audit",         "reload",
      "registrations", "trace",         "trace_stop"};
  return names[c.index()];
}

response response::success(json id, json result) { return response{std::move(id), true, std::move(result), {}}; }

response response::failure(json id, std::string error) {
  return response{std::move(id), false, nullptr, std::move(error)};
}

std::string_view to_string(line_error e) {
  switch (e) {
    case line_error::oversized: return "oversized";
    case line_error::not_json: return "not_json";
    case line_error::not_object: return "not_object";
    case line_error::unknown_kind: return "unknown_kind";
    case line_error::bad_report: return "bad_report";
    case line_error::bad_command: return "bad_command";
  }
  return "unknown";
}

std::variant<policy::report, request, line_rejection> parse_line(std::string_view line) {
  if (line.size() > max_line_bytes) {
    return line_rejection{line_error::oversized, "line longer than " + std::to_string(max_line_bytes) + " bytes", {}};
  }
  const input object = input::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return line_rejection{line_error::not_json, "not JSON", {}};
  if (!object.is_object()) return line_rejection{line_error::not_object, "a line must be a JSON object", {}};
  if (object.contains("command")) {
    auto parsed = decode_request(object);
    if (auto* r = std::get_if<request>(&parsed)) return std::move(*r);
    return std::get<line_rejection>(std::move(parsed));
  }
  if (object.contains("type")) {
    auto parsed = parse_report(object);
    if (auto* r = std::get_if<policy::report>(&parsed)) return *r;
    return line_rejection{line_error::bad_report, std::get<codec_error>(parsed).message, {}};
  }
  return line_rejection{line_error::unknown_kind, "a line needs \"type\" (a report) or \"command\"", {}};
}

std::variant<request, line_rejection> parse_request(std::string_view line) {
  auto parsed = parse_line(line);
  if (auto* r = std::get_if<request>(&parsed)) return std::move(*r);
  if (auto* e = std::get_if<line_rejection>(&parsed)) return std::move(*e);
  return line_rejection{line_error::unknown_kind, "expected a command, got a report", {}};
}

std::string format_request(const request& r) {
  json o;
  o["id"] = r.id;
  o["command"] = command_name(r.what);
  std::visit(request_writer{o}, r.what);
  return dump(o);
}

std::string format_response(const response& r) {
  json o;
  o["id"] = r.id;
  o["ok"] = r.ok;
  if (r.ok) {
    o["result"] = r.result;
  } else {
    o["error"] = r.error;
  }
  return dump(o);
}

std::variant<response, std::string> parse_response(std::string_view line) {
  json o = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (o.is_discarded()) return std::string("the agent's answer is not JSON");
  if (!o.is_object()) return std::string("the agent's answer is not a JSON object");
  const auto ok = o.find("ok");
  if (ok == o.end() || !ok->is_boolean()) return std::string("the agent's answer has no \"ok\"");
  response r;
  if (const auto id = o.find("id"); id != o.end()) r.id = *id;
  r.ok = ok->get<bool>();
  if (r.ok) {
    if (const auto result = o.find("result"); result != o.end()) r.result = std::move(*result);
  } else {
    const auto error = o.find("error");
    r.error = (error != o.end() && error->is_string()) ? error->get<std::string>() : "the agent gave no reason";
  }
  return r;
}

}  // namespace tollgate::wire
