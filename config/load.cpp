// Loading the config file: the sections of settings ([switch], [agent], [parameters],
// [whitelist], [inspector]) and the entry points. Peers are in peers.cpp.
#include "config/load.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "config/reader.hpp"

namespace tollgate::config {

std::string load_result::message() const {
  std::string out;
  for (const auto& line : errors()) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

namespace detail {

using namespace std::string_literals;

std::optional<std::vector<std::string>> reader::digest_algorithm_list(const toml::key& key, const toml::node& node,
                                                                     const std::string& name) {
  auto items = string_array(key, node, name);
  if (!items) return std::nullopt;
  if (items->empty()) {
    fail(key.source(), name + " must list MD5, SHA-256 or both");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto& [text, element] = (*items)[i];
    const auto canonical = lower(text) == "md5" ? "MD5"s : lower(text) == "sha-256" ? "SHA-256"s : ""s;
    const std::string at = name + "[" + std::to_string(i) + "] " + in_quotes(text);
    if (canonical.empty()) {
      fail(element->source(), at + " must be one of MD5, SHA-256");
      return std::nullopt;
    }
    if (std::find(out.begin(), out.end(), canonical) != out.end()) {
      fail(element->source(), at + " is listed twice");
      return std::nullopt;
    }
    out.push_back(canonical);
  }
  return out;
}

void reader::read_switch(const toml::table& table) {
  auto& s = config_.sip;
  walk(table, "switch",
       {{"listen",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto items = string_array(key, node, name);
           if (!items) return;
           if (items->empty()) return fail(key.source(), name + " must list at least one address");
           std::vector<listen_address> out;
           for (std::size_t i = 0; i < items->size(); ++i) {
             const auto& [text, element] = (*items)[i];
             const std::string at = name + "[" + std::to_string(i) + "] " + in_quotes(text);
             auto address = parse_listen_address(text);
             if (!address) {
               fail(element->source(), at + " is not a listen address (udp: or tcp:, address, port, e.g. "
                                            "\"udp:0.0.0.0:5060\" or \"tcp:[::]:5060\")");
               return;
             }
             if (std::find(out.begin(), out.end(), *address) != out.end()) {
               fail(element->source(), at + " is listed twice");
               return;
             }
             out.push_back(*address);
           }
           s.listen = std::move(out);
         }},
        {"realm",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto realm = nonempty_string(key, node, name);
           if (!realm) return;
           if (!is_user_name(*realm))
             return fail(key.source(), name + " " + in_quotes(*realm) +
                                           " must be printable, without spaces, quotes, '@', ':', ';', '<' or '>'");
           s.realm = *realm;
         }},
        {"nonce_lifetime",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = seconds_value(key, node, name, 10, 3600)) s.nonce_lifetime = *v;
         }},
        {"gateway_no_response_timeout",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 1000, 32000)) s.gateway_no_response_timeout = std::chrono::milliseconds{*v};
         }},
        {"max_calls",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 10, 1'000'000)) s.max_calls = static_cast<std::size_t>(*v);
         }},
        {"max_calls_per_source",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 1, 1'000'000)) s.max_calls_per_source = static_cast<std::size_t>(*v);
         }},
        {"digest_algorithms",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = digest_algorithm_list(key, node, name)) s.digest_algorithms = std::move(*v);
         }},
        {"control_socket",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) s.control_socket = *v;
         }},
        {"cdr_retention",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = seconds_value(key, node, name, 86400, 3650LL * 86400)) s.cdr_retention = *v;
         }},
        {"cdr_buffer",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 100, 10'000'000)) s.cdr_buffer = static_cast<std::size_t>(*v);
         }},
        {"tcp_max_connections",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 8, 1'000'000)) s.tcp_max_connections = static_cast<std::size_t>(*v);
         }},
        {"tcp_max_connections_per_source",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 1, 1'000'000)) s.tcp_max_connections_per_source = static_cast<std::size_t>(*v);
         }},
        {"tcp_idle_timeout",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = seconds_value(key, node, name, 5, 86400)) s.tcp_idle_timeout = *v;
         }},
        {"tcp_header_timeout",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = seconds_value(key, node, name, 1, 300)) s.tcp_header_timeout = *v;
         }},
        {"tcp_min_rate",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 0, 1'000'000)) s.tcp_min_rate = static_cast<std::size_t>(*v);
         }},
        {"tcp_v6_source_prefix", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 32, 128)) s.tcp_v6_source_prefix = static_cast<unsigned>(*v);
         }}});
  if (s.tcp_max_connections_per_source > s.tcp_max_connections) {
    if (const auto* node = table.get("tcp_max_connections_per_source")) {
      fail(node->source(), "switch.tcp_max_connections_per_source must be between 1 and switch.tcp_max_connections (" +
                               std::to_string(s.tcp_max_connections) + ") (got " + std::to_string(s.tcp_max_connections_per_source) +
                               ")");
    }
  }
}

void reader::read_agent(const toml::table& table) {
  auto& a = config_.agent;
  walk(table, "agent",
       {{"socket",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) a.socket = *v;
         }},
        {"state_dir",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) a.state_dir = *v;
         }},
        {"table",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = nonempty_string(key, node, name);
           if (!v) return;
           const bool ok = v->size() <= 32 && std::all_of(v->begin(), v->end(), [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                           });
           if (!ok) return fail(key.source(), name + " " + in_quotes(*v) + " must be 1 to 32 letters, digits or '_'");
           a.table = *v;
         }},
        {"queue",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 0, 65535)) a.queue = static_cast<std::uint16_t>(*v);
         }},
        {"sip_ports",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           const auto* array = node.as_array();
           if (!array || array->empty()) return fail(key.source(), name + " must be a non-empty array of ports");
           std::vector<std::uint16_t> ports;
           for (std::size_t i = 0; i < array->size(); ++i) {
             const auto& element = *array->get(i);
             const auto value = element.value<std::int64_t>();
             const std::string at = name + "[" + std::to_string(i) + "]";
             if (!element.is_integer())
               return fail(element.source(), at + " must be an integer (got " + std::string(type_name(element)) + ")");
             if (*value < 1 || *value > 65535)
               return fail(element.source(), at + " must be between 1 and 65535 (got " + std::to_string(*value) + ")");
             ports.push_back(static_cast<std::uint16_t>(*value));
           }
           a.sip_ports = std::move(ports);
         }},
        {"metrics",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           auto address = parse_socket_address(*v);
           if (!address)
             return fail(key.source(), name + " " + in_quotes(*v) +
                                           " is not an address:port (e.g. \"127.0.0.1:9466\" or \"[::1]:9466\")");
           a.metrics = *address;
         }},
        {"audit_retention", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = seconds_value(key, node, name, 3600, 3650LL * 86400)) a.audit_retention = *v;
         }}});
}

void reader::read_parameters(const toml::table& table) {
  // Names match in any case, so TOML's own duplicate-key check cannot see "X" and "x".
  std::map<policy::parameter, const toml::key*> seen;
  for (auto&& [key, node] : table) {
    const std::string name = "parameters." + std::string(key.str());
    auto id = policy::find_parameter(key.str());
    if (!id) {
      fail(key.source(), "unknown key " + name + " (`tollgatectl param list` shows the parameters)");
      continue;
    }
    const auto& info = policy::info(*id);
    const std::string canonical = "parameters." + std::string(info.name);
    if (auto [it, fresh] = seen.emplace(*id, &key); !fresh) {
      const auto* first = it->second;
      const auto* second = &key;
      if (second->source().begin.line < first->source().begin.line) std::swap(first, second);
      fail(second->source(),
           canonical + " is set twice (also at line " + std::to_string(first->source().begin.line) + ")");
      continue;
    }
    std::int64_t value = 0;
    if (node.is_integer()) {
      value = *node.value<std::int64_t>();
    } else if (node.is_boolean() && info.unit == "bool") {
      value = *node.value<bool>() ? 1 : 0;
    } else {
      fail(key.source(), canonical + " must be an integer (got " + std::string(type_name(node)) + ")");
      continue;
    }
    if (auto refused = config_.parameters.set(*id, value, policy::parameter_origin::config)) {
      fail(key.source(), "parameters." + *refused);
    }
  }
}

void reader::read_whitelist(const toml::table& table) {
  walk(table, "whitelist", {{"cidrs", [&](const toml::key& key, const toml::node& node, const std::string& name) {
                               if (auto v = cidr_array(key, node, name)) config_.whitelist = std::move(*v);
                             }}});
}

void reader::read_inspector(const toml::table& table) {
  walk(table, "inspector",
       {{"user_agents", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto items = string_array(key, node, name);
           if (!items) return;
           std::vector<std::string> agents;
           for (std::size_t i = 0; i < items->size(); ++i) {
             const auto& [text, element] = (*items)[i];
             if (text.empty()) {
               return fail(element->source(),
                           name + "[" + std::to_string(i) + "] must not be empty (it would match every User-Agent)");
             }
             agents.push_back(text);
           }
           config_.scanner_user_agents = std::move(agents);
         }}});
}

}  // namespace detail

load_result parse(std::string_view text, std::string_view source_name) {
  detail::reader r(source_name);
  try {
    const toml::table root = toml::parse(text, source_name);
    r.read(root);
  } catch (const toml::parse_error& e) {
    r.fail(e.source(), std::string(e.description()));
  }
  if (r.failed()) return r.errors();
  auto loaded = std::make_shared<config>(std::move(r.result()));
  loaded->source = std::string(source_name);
  return std::shared_ptr<const config>(std::move(loaded));
}

load_result load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<std::string>{path + ": cannot read: " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::vector<std::string>{path + ": cannot read: " + std::strerror(errno)};
  return parse(text.str(), path);
}

load_result load_file_or_defaults(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) {
    return std::shared_ptr<const config>(std::make_shared<config>(built_in_defaults()));
  }
  return load_file(path);
}

}  // namespace tollgate::config
