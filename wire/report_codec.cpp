// The JSON lines of product.md §5, with nlohmann-json.
#include "wire/report_codec.hpp"

#include <nlohmann/json.hpp>

namespace tollgate::wire {
namespace {

using json = nlohmann::json;
using ordered = nlohmann::ordered_json;

struct field_error {
  std::string message;
};

const json& require(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) throw field_error{std::string("missing field \"") + name + "\""};
  return *it;
}

std::string string_field(const json& object, const char* name, bool required) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) throw field_error{std::string("missing field \"") + name + "\""};
    return {};
  }
  if (!it->is_string()) throw field_error{std::string("field \"") + name + "\" must be a string"};
  return it->get<std::string>();
}

double number_field(const json& value, const char* name) {
  if (!value.is_number()) throw field_error{std::string("field \"") + name + "\" must be a number"};
  return value.get<double>();
}

std::int64_t integer_field(const json& value, const char* name, std::int64_t min, std::int64_t max) {
  if (!value.is_number_integer()) throw field_error{std::string("field \"") + name + "\" must be an integer"};
  const auto v = value.get<std::int64_t>();
  if (v < min || v > max) {
    throw field_error{std::string("field \"") + name + "\" must be between " + std::to_string(min) + " and " +
                      std::to_string(max)};
  }
  return v;
}

policy::report decode(const json& object) {
  if (!object.is_object()) throw field_error{"a report must be a JSON object"};
  policy::report r;
  const double seconds = number_field(require(object, "time"), "time");
  if (!(seconds >= 0 && seconds < 1e11)) throw field_error{"field \"time\" must be Unix seconds"};
  r.time = base::from_unix_seconds(seconds);

  const std::string type = string_field(object, "type", true);
  const auto parsed_type = policy::parse_report_type(type);
  if (!parsed_type) throw field_error{"unknown report type \"" + type + "\""};
  r.type = *parsed_type;

  const std::string ip = string_field(object, "ip", true);
  const auto address = base::ip_address::parse(ip);
  if (!address) throw field_error{"field \"ip\" is not an IP address: \"" + ip + "\""};
  r.ip = address->unmapped();

  if (const auto it = object.find("port"); it != object.end() && !it->is_null()) {
    r.port = static_cast<std::uint16_t>(integer_field(*it, "port", 0, 65535));
  }
  const bool needs_endpoint = r.type == policy::report_type::register_failed ||
                              r.type == policy::report_type::register_ok ||
                              r.type == policy::report_type::call_auth_failed ||
                              r.type == policy::report_type::endpoint_suspended;
  r.endpoint = string_field(object, "endpoint", needs_endpoint);
  r.transport = string_field(object, "transport", false);
  r.user_agent = string_field(object, "user_agent", false);
  r.call_id = string_field(object, "call_id", false);
  r.caller = string_field(object, "caller", false);
  r.callee = string_field(object, "callee", false);

  if (r.type == policy::report_type::register_failed) {
    const json& verified = require(object, "verified");
    if (!verified.is_boolean()) throw field_error{"field \"verified\" must be true or false"};
    r.verified = verified.get<bool>();
    // Optional: a failure with no reason is a wrong password (docs/agent-protocol.md).
    const std::string reason = string_field(object, "reason", false);
    r.reason = policy::failure_reason::wrong_password;
    if (!reason.empty()) {
      const auto parsed_reason = policy::parse_failure_reason(reason);
      if (!parsed_reason) throw field_error{"unknown failure reason \"" + reason + "\""};
      r.reason = *parsed_reason;
    }
  }
  if (r.type == policy::report_type::register_ok) {
    r.expires = integer_field(require(object, "expires"), "expires", 0, 100LL * 365 * 86400);
  }
  if (r.type == policy::report_type::endpoint_suspended) {
    const double until = number_field(require(object, "until"), "until");
    if (!(until > seconds && until < 1e11)) throw field_error{"field \"until\" must be Unix seconds after \"time\""};
    r.until = base::from_unix_seconds(until);
    if (const auto it = object.find("failures"); it != object.end() && !it->is_null()) {
      r.failures = static_cast<std::uint32_t>(integer_field(*it, "failures", 0, 1'000'000));
    }
    const std::string reason = string_field(object, "reason", false);
    if (!reason.empty()) {
      const auto parsed_reason = policy::parse_failure_reason(reason);
      if (!parsed_reason) throw field_error{"unknown failure reason \"" + reason + "\""};
      r.reason = *parsed_reason;
    }
  }
  return r;
}

policy::decision decode_decision(const json& object) {
  if (!object.is_object()) throw field_error{"a decision must be a JSON object"};
  policy::decision d;
  const double seconds = number_field(require(object, "time"), "time");
  if (!(seconds >= 0 && seconds < 1e11)) throw field_error{"field \"time\" must be Unix seconds"};
  d.time = base::from_unix_seconds(seconds);
  const std::string kind = string_field(object, "decision", true);
  if (kind == "suspend") {
    policy::suspend s;
    s.endpoint = string_field(object, "endpoint", true);
    const double until = number_field(require(object, "until"), "until");
    if (!(until >= 0 && until < 1e11)) throw field_error{"field \"until\" must be Unix seconds"};
    s.until = base::from_unix_seconds(until);
    d.what = std::move(s);
  } else if (kind == "unsuspend") {
    policy::unsuspend u;
    u.endpoint = string_field(object, "endpoint", true);
    u.reason = string_field(object, "reason", false);
    if (std::string actor = string_field(object, "actor", false); !actor.empty()) u.actor = std::move(actor);
    d.what = std::move(u);
  } else {
    throw field_error{"unsupported decision \"" + kind + "\""};
  }
  return d;
}

// Times go out as JSON numbers in the shortest text that round-trips the millisecond value.
void put_time(ordered& object, const char* name, base::timestamp t) {
  object[name] = base::to_unix_seconds(t);
}

void put_until(ordered& object, const std::optional<base::timestamp>& until) {
  if (until) {
    put_time(object, "until", *until);
  } else {
    object["until"] = nullptr;
  }
}

}  // namespace

std::variant<policy::report, codec_error> parse_report(std::string_view line) {
  json object = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return codec_error{"not JSON"};
  return parse_report(object);
}

std::variant<policy::report, codec_error> parse_report(const nlohmann::json& object) {
  try {
    return decode(object);
  } catch (const field_error& e) {
    return codec_error{e.message};
  }
}

std::variant<policy::decision, codec_error> parse_decision(std::string_view line) {
  json object = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return codec_error{"not JSON"};
  try {
    return decode_decision(object);
  } catch (const field_error& e) {
    return codec_error{e.message};
  }
}

std::string format_report(const policy::report& r) {
  ordered o;
  put_time(o, "time", r.time);
  o["type"] = policy::to_string(r.type);
  if (!r.endpoint.empty()) o["endpoint"] = r.endpoint;
  o["ip"] = r.ip.to_string();
  o["port"] = r.port;
  if (!r.transport.empty()) o["transport"] = r.transport;
  if (r.type == policy::report_type::register_failed) {
    o["verified"] = r.verified;
    o["reason"] = policy::to_string(r.reason);
  }
  if (r.type == policy::report_type::register_ok) o["expires"] = r.expires;
  if (r.type == policy::report_type::endpoint_suspended) {
    put_time(o, "until", r.until);
    o["failures"] = r.failures;
    o["reason"] = policy::to_string(r.reason);
  }
  if (!r.caller.empty()) o["caller"] = r.caller;
  if (!r.callee.empty()) o["callee"] = r.callee;
  if (!r.call_id.empty()) o["call_id"] = r.call_id;
  if (!r.user_agent.empty()) o["user_agent"] = r.user_agent;
  return o.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string format_decision(const policy::decision& d) {
  return decision_to_json(d).dump(-1, ' ', false, json::error_handler_t::replace);
}

nlohmann::ordered_json decision_to_json(const policy::decision& d) {
  ordered o;
  put_time(o, "time", d.time);
  o["decision"] = policy::kind_name(d);
  struct writer {
    ordered& o;
    void operator()(const policy::suspend& s) const {
      o["endpoint"] = s.endpoint;
      put_time(o, "until", s.until);
    }
    void operator()(const policy::unsuspend& u) const {
      o["endpoint"] = u.endpoint;
      o["reason"] = u.reason;
      if (u.actor != "policy") o["actor"] = u.actor;
    }
    void operator()(const policy::block& b) const {
      o["address"] = b.address.to_string();
      put_until(o, b.until);
      o["reason"] = policy::to_string(b.reason);
      if (b.repeat > 0) o["repeat"] = b.repeat;
      if (b.actor != "policy") o["actor"] = b.actor;
      if (!b.note.empty()) o["note"] = b.note;
    }
    void operator()(const policy::protected_source& p) const {
      o["address"] = p.address.to_string();
      o["reason"] = policy::to_string(p.reason);
      o["protection"] = policy::to_string(p.kind);
    }
    void operator()(const policy::release& r) const {
      o["address"] = r.address.to_string();
      o["reason"] = r.reason;
      if (r.actor != "policy") o["actor"] = r.actor;
    }
  };
  std::visit(writer{o}, d.what);
  return o;
}

std::string format_runtime_parameters(base::timestamp time, const policy::parameter_set& params) {
  ordered o;
  put_time(o, "time", time);
  ordered values = ordered::object();
  for (const auto& entry : policy::parameter_table()) {
    if (params.origin(entry.id) == policy::parameter_origin::runtime) values[std::string(entry.name)] = params.get(entry.id);
  }
  o["parameters"] = std::move(values);
  return o.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::variant<parameter_values, codec_error>> parse_runtime_parameters(std::string_view line) {
  const json object = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find("parameters");
  if (it == object.end()) return std::nullopt;
  if (!it->is_object()) return codec_error{"field \"parameters\" must be an object"};
  parameter_values values;
  for (const auto& [name, value] : it->items()) {
    const auto id = policy::find_parameter(name);
    if (!id) return codec_error{"unknown parameter \"" + name + "\""};
    if (!value.is_number_integer()) return codec_error{"parameter " + name + " must be an integer"};
    if (auto error = policy::check_range(*id, value.get<std::int64_t>())) return codec_error{*error};
    values.emplace_back(*id, value.get<std::int64_t>());
  }
  return values;
}

}  // namespace tollgate::wire
