// The config reader: shared routines, the walk over the top-level sections, and the checks
// across sections.
#include "config/reader.hpp"

#include <cctype>
#include <map>

namespace tollgate::config::detail {

using namespace std::string_literals;

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::array: return "array";
    case toml::node_type::table: return "table";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::string in_quotes(std::string_view text) { return "\""s + std::string(text) + "\""; }

bool is_hex(std::string_view text, std::size_t length) {
  return text.size() == length &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_user_name(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != '@' && c != ':' && c != '"' && c != ';' && c != '<' && c != '>';
  });
}

bool is_number_prefix(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '+' || c == '*' || c == '#'; });
}

bool is_host_name(std::string_view text) {
  if (base::ip_address::parse(text)) return true;
  if (text.empty() || text.size() > 253 || text.front() == '-' || text.front() == '.') return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; });
}

void reader::read(const toml::table& root) {
  using table_reader = void (reader::*)(const toml::table&);
  using entry_reader = void (reader::*)(const toml::table&, const std::string&);
  const std::vector<std::pair<std::string_view, table_reader>> tables{{"switch", &reader::read_switch},
                                                                      {"agent", &reader::read_agent},
                                                                      {"parameters", &reader::read_parameters},
                                                                      {"whitelist", &reader::read_whitelist},
                                                                      {"inspector", &reader::read_inspector}};
  const std::vector<std::pair<std::string_view, entry_reader>> arrays{
      {"endpoint", &reader::read_endpoint},
      {"mapping_gateway", &reader::read_mapping_gateway},
      {"routing_gateway", &reader::read_routing_gateway}};

  for (auto&& [key, node] : root) {
    const std::string name(key.str());
    auto table = std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.first == name; });
    if (table != tables.end()) {
      if (const auto* t = node.as_table()) (this->*table->second)(*t);
      else fail(key.source(), name + " must be a table ([" + name + "]), got " + std::string(type_name(node)));
      continue;
    }
    auto array = std::find_if(arrays.begin(), arrays.end(), [&](const auto& a) { return a.first == name; });
    if (array != arrays.end()) {
      const auto* entries = node.as_array();
      if (!entries || !entries->is_array_of_tables()) {
        fail(key.source(),
             name + " must be an array of tables ([[" + name + "]]), got " + std::string(type_name(node)));
        continue;
      }
      for (std::size_t i = 0; i < entries->size(); ++i) {
        (this->*array->second)(*entries->get(i)->as_table(), name + "[" + std::to_string(i) + "]");
      }
      continue;
    }
    std::string allowed;
    for (const auto& t : tables) allowed += (allowed.empty() ? "" : ", ") + std::string(t.first);
    for (const auto& a : arrays) allowed += ", " + std::string(a.first);
    const bool section = node.is_table() || node.is_array_of_tables();
    fail(key.source(),
         (section ? "unknown section [" + name + "]" : "unknown key " + name) + " (allowed: " + allowed + ")");
  }
  check_names();
  check_locals();
}

/// password gateway's username must not be an endpoint's, or digest auth would be ambiguous.
void reader::check_names() {
  std::map<std::string, std::string> accounts;  // name -> where
  auto claim = [&](std::map<std::string, std::string>& names, const std::string& name, const std::string& what,
                   unsigned line, const std::string& path) {
    if (name.empty()) return;
    auto [it, fresh] = names.emplace(name, what + " at line " + std::to_string(line));
    if (!fresh) {
      toml::source_region at;
      at.begin = {line, 1};
      fail(at, path + " " + in_quotes(name) + " is already used by the " + it->second);
    }
  };
  for (std::size_t i = 0; i < config_.endpoints.size(); ++i) {
    const auto& e = config_.endpoints[i];
    claim(accounts, e.name, "endpoint", e.line, "endpoint[" + std::to_string(i) + "].name");
  }
  for (std::size_t i = 0; i < config_.mapping_gateways.size(); ++i) {
    const auto& g = config_.mapping_gateways[i];
    claim(accounts, g.name, "mapping_gateway", g.line, "mapping_gateway[" + std::to_string(i) + "].name");
  }
  std::map<std::string, std::string> usernames;
  for (const auto& e : config_.endpoints) {
    if (!e.name.empty()) usernames.emplace(e.name, "endpoint at line " + std::to_string(e.line));
  }
  for (std::size_t i = 0; i < config_.mapping_gateways.size(); ++i) {
    const auto& g = config_.mapping_gateways[i];
    claim(usernames, g.username, "mapping_gateway", g.line, "mapping_gateway[" + std::to_string(i) + "].username");
  }
  std::map<std::string, std::string> routes;
  for (std::size_t i = 0; i < config_.routing_gateways.size(); ++i) {
    const auto& g = config_.routing_gateways[i];
    claim(routes, g.name, "routing_gateway", g.line, "routing_gateway[" + std::to_string(i) + "].name");
  }
}

}  // namespace tollgate::config::detail
