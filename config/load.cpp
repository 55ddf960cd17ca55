// Loading the config file: walking the TOML tree with toml++, section by section, and
// checking every key, type, range and cross-reference with its source position.
#include "config/load.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "base/clock.hpp"

namespace tollgate::config {

std::string load_result::message() const {
  std::string out;
  for (const auto& line : errors()) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

namespace {

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

/// SIP user names and digest usernames as the config may hold them: printable, without
/// the characters that delimit a SIP URI or a digest parameter.
bool is_user_name(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != '@' && c != ':' && c != '"' && c != ';' && c != '<' && c != '>';
  });
}

/// Dialled-number text: digits and the DTMF and E.164 extras.
bool is_number_prefix(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '+' || c == '*' || c == '#';
  });
}

bool is_host_name(std::string_view text) {
  if (base::ip_address::parse(text)) return true;
  if (text.empty() || text.size() > 253 || text.front() == '-' || text.front() == '.') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

/// One pass over one file: the config being built and every error found so far.
class reader {
public:
  explicit reader(std::string_view source) : source_(source) { config_ = built_in_defaults(); }

  void read(const toml::table& root);
  config& result() { return config_; }
  bool failed() const { return !errors_.empty(); }

  /// The errors in file order (toml++ walks tables in key order, not file order).
  std::vector<std::string> errors() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const positioned& a, const positioned& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    std::vector<std::string> out;
    for (auto& e : errors_) out.push_back(std::move(e.text));
    return out;
  }

  void fail(const toml::source_region& at, const std::string& message) {
    std::ostringstream line;
    line << source_ << ':' << at.begin.line << ':' << at.begin.column << ": " << message;
    errors_.push_back({at.begin.line, at.begin.column, line.str()});
  }

private:
  struct field {
    std::string_view key;
    std::function<void(const toml::key&, const toml::node&, const std::string&)> read;
  };

  // ---- generic walking and typed values ----

  /// Calls each known key's reader with its full name ("switch.realm"); refuses the others.
  void walk(const toml::table& table, const std::string& path, const std::vector<field>& fields) {
    for (auto&& [key, node] : table) {
      const std::string name = path + "." + std::string(key.str());
      auto known = std::find_if(fields.begin(), fields.end(), [&](const field& f) { return f.key == key.str(); });
      if (known == fields.end()) {
        std::string allowed;
        for (const auto& f : fields) allowed += (allowed.empty() ? "" : ", ") + std::string(f.key);
        fail(key.source(), "unknown key " + name + " (allowed: " + allowed + ")");
        continue;
      }
      known->read(key, node, name);
    }
  }

  std::optional<std::string> string_value(const toml::key& key, const toml::node& node, const std::string& name) {
    if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
    fail(key.source(), name + " must be a string (got " + std::string(type_name(node)) + ")");
    return std::nullopt;
  }

  std::optional<std::string> nonempty_string(const toml::key& key, const toml::node& node, const std::string& name) {
    auto s = string_value(key, node, name);
    if (s && s->empty()) {
      fail(key.source(), name + " must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<std::int64_t> int_value(const toml::key& key, const toml::node& node, const std::string& name,
                                        std::int64_t min, std::int64_t max) {
    if (!node.is_integer()) {
      fail(key.source(), name + " must be an integer (got " + std::string(type_name(node)) + ")");
      return std::nullopt;
    }
    const auto value = *node.value<std::int64_t>();
    if (value < min || value > max) {
      fail(key.source(), name + " must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " +
                             std::to_string(value) + ")");
      return std::nullopt;
    }
    return value;
  }

  /// Whole seconds, or a duration as operators write it ("90d", "12h").
  std::optional<std::chrono::seconds> seconds_value(const toml::key& key, const toml::node& node,
                                                    const std::string& name, std::int64_t min, std::int64_t max) {
    std::int64_t seconds = 0;
    if (node.is_integer()) {
      seconds = *node.value<std::int64_t>();
    } else if (node.is_string()) {
      const auto text = *node.value<std::string>();
      auto parsed = base::parse_duration(text);
      if (!parsed) {
        fail(key.source(), name + " " + in_quotes(text) + " is not a duration (seconds, or a number with s, m, h, d or w)");
        return std::nullopt;
      }
      seconds = parsed->count();
    } else {
      fail(key.source(), name + " must be a number of seconds or a duration string (got " +
                             std::string(type_name(node)) + ")");
      return std::nullopt;
    }
    if (seconds < min || seconds > max) {
      fail(key.source(), name + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                             " seconds (got " + std::to_string(seconds) + ")");
      return std::nullopt;
    }
    return std::chrono::seconds{seconds};
  }

  /// Each element of an array of strings with its node (for its position); nullopt after
  /// reporting when the value is not an array or an element is not a string.
  std::optional<std::vector<std::pair<std::string, const toml::node*>>> string_array(const toml::key& key,
                                                                                      const toml::node& node,
                                                                                      const std::string& name) {
    const auto* array = node.as_array();
    if (!array) {
      fail(key.source(), name + " must be an array of strings (got " + std::string(type_name(node)) + ")");
      return std::nullopt;
    }
    std::vector<std::pair<std::string, const toml::node*>> items;
    bool ok = true;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const auto& element = *array->get(i);
      if (!element.is_string()) {
        fail(element.source(), name + "[" + std::to_string(i) + "] must be a string (got " +
                                   std::string(type_name(element)) + ")");
        ok = false;
        continue;
      }
      items.emplace_back(*element.value<std::string>(), &element);
    }
    if (!ok) return std::nullopt;
    return items;
  }

  std::optional<std::vector<base::ip_prefix>> cidr_array(const toml::key& key, const toml::node& node,
                                                         const std::string& name) {
    auto items = string_array(key, node, name);
    if (!items) return std::nullopt;
    std::vector<base::ip_prefix> out;
    bool ok = true;
    for (std::size_t i = 0; i < items->size(); ++i) {
      const auto& [text, element] = (*items)[i];
      auto prefix = base::ip_prefix::parse(text);
      const std::string at = name + "[" + std::to_string(i) + "] " + in_quotes(text);
      if (!prefix) {
        fail(element->source(), at + " is not a CIDR (address/length, host bits clear, e.g. \"192.0.2.0/24\")");
        ok = false;
      } else if (std::find(out.begin(), out.end(), *prefix) != out.end()) {
        fail(element->source(), at + " is listed twice");
        ok = false;
      } else {
        out.push_back(*prefix);
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // ---- sections ----

  void read_switch(const toml::table& table);
  void read_agent(const toml::table& table);
  void read_parameters(const toml::table& table);
  void read_whitelist(const toml::table& table);
  void read_inspector(const toml::table& table);
  void read_endpoint(const toml::table& table, const std::string& path);
  void read_mapping_gateway(const toml::table& table, const std::string& path);
  void read_routing_gateway(const toml::table& table, const std::string& path);
  void check_names();

  struct positioned {
    toml::source_index line;
    toml::source_index column;
    std::string text;
  };

  std::string source_;
  config config_;
  std::vector<positioned> errors_;
};

void reader::read(const toml::table& root) {
  using table_reader = void (reader::*)(const toml::table&);
  using entry_reader = void (reader::*)(const toml::table&, const std::string&);
  const std::vector<std::pair<std::string_view, table_reader>> tables{
      {"switch", &reader::read_switch},         {"agent", &reader::read_agent},
      {"parameters", &reader::read_parameters}, {"whitelist", &reader::read_whitelist},
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
        fail(key.source(), name + " must be an array of tables ([[" + name + "]]), got " + std::string(type_name(node)));
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
    fail(key.source(), (section ? "unknown section [" + name + "]" : "unknown key " + name) + " (allowed: " + allowed + ")");
  }
  check_names();
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
           if (!is_user_name(*realm)) return fail(key.source(), name + " " + in_quotes(*realm) + " must be printable, without spaces, quotes, '@', ':', ';', '<' or '>'");
           s.realm = *realm;
         }},
        {"nonce_lifetime",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = seconds_value(key, node, name, 10, 3600)) s.nonce_lifetime = *v;
         }},
        {"digest_algorithms", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto items = string_array(key, node, name);
           if (!items) return;
           if (items->empty()) return fail(key.source(), name + " must list MD5, SHA-256 or both");
           std::vector<std::string> out;
           for (std::size_t i = 0; i < items->size(); ++i) {
             const auto& [text, element] = (*items)[i];
             const auto canonical = lower(text) == "md5" ? "MD5"s : lower(text) == "sha-256" ? "SHA-256"s : ""s;
             const std::string at = name + "[" + std::to_string(i) + "] " + in_quotes(text);
             if (canonical.empty()) return fail(element->source(), at + " must be one of MD5, SHA-256");
             if (std::find(out.begin(), out.end(), canonical) != out.end()) return fail(element->source(), at + " is listed twice");
             out.push_back(canonical);
           }
           s.digest_algorithms = std::move(out);
         }}});
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
             if (!element.is_integer()) return fail(element.source(), at + " must be an integer (got " + std::string(type_name(element)) + ")");
             if (*value < 1 || *value > 65535) return fail(element.source(), at + " must be between 1 and 65535 (got " + std::to_string(*value) + ")");
             ports.push_back(static_cast<std::uint16_t>(*value));
           }
           a.sip_ports = std::move(ports);
         }},
        {"metrics",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           auto address = parse_socket_address(*v);
           if (!address) return fail(key.source(), name + " " + in_quotes(*v) + " is not an address:port (e.g. \"127.0.0.1:9466\" or \"[::1]:9466\")");
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
      fail(second->source(), canonical + " is set twice (also at line " + std::to_string(first->source().begin.line) + ")");
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
  walk(table, "inspector", {{"user_agents", [&](const toml::key& key, const toml::node& node, const std::string& name) {
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

void reader::read_endpoint(const toml::table& table, const std::string& path) {
  endpoint e;
  e.line = table.source().begin.line;
  const toml::key* password_key = nullptr;
  const toml::key* ha1_key = nullptr;
  walk(table, path,
       {{"name",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_user_name(*v)) return fail(key.source(), name + " " + in_quotes(*v) + " is not a SIP user name (1 to 64 printable characters, no spaces, quotes, '@', ':', ';', '<' or '>')");
           e.name = *v;
         }},
        {"password",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) {
             e.password = *v;
             password_key = &key;
           }
         }},
        {"ha1_md5",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_hex(*v, 32)) return fail(key.source(), name + " must be 32 hexadecimal digits, MD5(name:realm:password)");
           e.ha1_md5 = lower(*v);
           ha1_key = &key;
         }},
        {"ha1_sha256",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_hex(*v, 64)) return fail(key.source(), name + " must be 64 hexadecimal digits, SHA-256(name:realm:password)");
           e.ha1_sha256 = lower(*v);
           ha1_key = &key;
         }},
        {"allow",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = cidr_array(key, node, name)) e.allow = std::move(*v);
         }},
        {"max_bindings", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 1, 100)) e.max_bindings = static_cast<unsigned>(*v);
         }}});
  if (!table.contains("name")) fail(table.source(), path + ".name is required");
  if (password_key && ha1_key) {
    fail(ha1_key->source(), path + ": give password or ha1_md5/ha1_sha256, not both");
  } else if (!table.contains("password") && !table.contains("ha1_md5") && !table.contains("ha1_sha256")) {
    fail(table.source(), path + " needs password, ha1_md5 or ha1_sha256");
  }
  config_.endpoints.push_back(std::move(e));
}

void reader::read_mapping_gateway(const toml::table& table, const std::string& path) {
  mapping_gateway g;
  g.line = table.source().begin.line;
  std::optional<gateway_auth> auth;
  const toml::node* addresses = nullptr;
  const toml::key* addresses_key = nullptr;
  walk(table, path,
       {{"name",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_user_name(*v)) return fail(key.source(), name + " " + in_quotes(*v) + " must be 1 to 64 printable characters, no spaces, quotes, '@', ':', ';', '<' or '>'");
           g.name = *v;
         }},
        {"auth",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (*v == "ip") auth = gateway_auth::ip;
           else if (*v == "ip+port") auth = gateway_auth::ip_port;
           else if (*v == "password") auth = gateway_auth::password;
           else return fail(key.source(), name + " must be one of \"ip\", \"ip+port\", \"password\" (got " + in_quotes(*v) + ")");
         }},
        {"addresses",
         [&](const toml::key& key, const toml::node& node, const std::string&) {
           addresses = &node;  // read once auth is known, whatever the key order
           addresses_key = &key;
         }},
        {"username",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_user_name(*v)) return fail(key.source(), name + " " + in_quotes(*v) + " is not a digest user name (1 to 64 printable characters, no spaces, quotes, '@', ':', ';', '<' or '>')");
           g.username = *v;
         }},
        {"password",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) g.password = *v;
         }},
        {"billing_mode", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (!node.is_integer()) return fail(key.source(), name + " must be an integer (got " + std::string(type_name(node)) + ")");
           const auto v = *node.value<std::int64_t>();
           if (v != -1 && v != 0 && v != 1) return fail(key.source(), name + " must be one of -1, 0, 1 (got " + std::to_string(v) + ")");
           g.billing_mode = static_cast<int>(v);
         }}});
  if (!table.contains("name")) fail(table.source(), path + ".name is required");
  if (!table.contains("auth")) fail(table.source(), path + ".auth is required (\"ip\", \"ip+port\" or \"password\")");
  if (auth) {
    g.auth = *auth;
    const std::string addresses_name = path + ".addresses";
    if (*auth == gateway_auth::password) {
      if (addresses) fail(addresses_key->source(), addresses_name + " is not used with auth = \"password\"");
      if (!table.contains("username")) fail(table.source(), path + ".username is required with auth = \"password\"");
      if (!table.contains("password")) fail(table.source(), path + ".password is required with auth = \"password\"");
    } else {
      for (const char* key : {"username", "password"}) {
        if (auto found = table.find(key); found != table.end()) {
          fail(found->first.source(), path + "." + key + " is used only with auth = \"password\"");
        }
      }
      if (!addresses) {
        fail(table.source(), addresses_name + " is required with auth = \"" + std::string(to_string(*auth)) + "\"");
      } else if (*auth == gateway_auth::ip) {
        if (auto v = cidr_array(*addresses_key, *addresses, addresses_name)) {
          if (v->empty()) fail(addresses_key->source(), addresses_name + " must list at least one CIDR");
          g.networks = std::move(*v);
        }
      } else if (auto items = string_array(*addresses_key, *addresses, addresses_name)) {
        if (items->empty()) fail(addresses_key->source(), addresses_name + " must list at least one address:port");
        for (std::size_t i = 0; i < items->size(); ++i) {
          const auto& [text, element] = (*items)[i];
          auto address = parse_socket_address(text);
          const std::string at = addresses_name + "[" + std::to_string(i) + "] " + in_quotes(text);
          if (!address) {
            fail(element->source(), at + " is not an address:port (e.g. \"198.51.100.7:5060\" or \"[2001:db8::7]:5060\")");
          } else if (std::find(g.addresses.begin(), g.addresses.end(), *address) != g.addresses.end()) {
            fail(element->source(), at + " is listed twice");
          } else {
            g.addresses.push_back(*address);
          }
        }
      }
    }
  }
  config_.mapping_gateways.push_back(std::move(g));
}

void reader::read_routing_gateway(const toml::table& table, const std::string& path) {
  routing_gateway g;
  g.line = table.source().begin.line;
  walk(table, path,
       {{"name",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_user_name(*v)) return fail(key.source(), name + " " + in_quotes(*v) + " must be 1 to 64 printable characters, no spaces, quotes, '@', ':', ';', '<' or '>'");
           g.name = *v;
         }},
        {"host",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_host_name(*v)) return fail(key.source(), name + " " + in_quotes(*v) + " is not an IP address or a host name");
           g.host = *v;
         }},
        {"port",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 1, 65535)) g.port = static_cast<std::uint16_t>(*v);
         }},
        {"transport",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           auto t = parse_transport(*v);
           if (!t) return fail(key.source(), name + " must be one of \"udp\", \"tcp\" (got " + in_quotes(*v) + ")");
           g.transport = *t;
         }},
        {"prefixes",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto items = string_array(key, node, name);
           if (!items) return;
           if (items->empty()) return fail(key.source(), name + " must list at least one prefix (\"\" matches every number)");
           for (std::size_t i = 0; i < items->size(); ++i) {
             const auto& [text, element] = (*items)[i];
             const std::string at = name + "[" + std::to_string(i) + "] " + in_quotes(text);
             if (!is_number_prefix(text)) return fail(element->source(), at + " may hold only digits, '+', '*' and '#'");
             if (std::find(g.prefixes.begin(), g.prefixes.end(), text) != g.prefixes.end()) return fail(element->source(), at + " is listed twice");
             g.prefixes.push_back(text);
           }
         }},
        {"strip",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 0, 32)) g.strip = static_cast<unsigned>(*v);
         }},
        {"add",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_number_prefix(*v)) return fail(key.source(), name + " " + in_quotes(*v) + " may hold only digits, '+', '*' and '#'");
           g.add = *v;
         }},
        {"auth_username",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) g.auth_username = *v;
         }},
        {"auth_password", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) g.auth_password = *v;
         }}});
  if (!table.contains("name")) fail(table.source(), path + ".name is required");
  if (!table.contains("host")) fail(table.source(), path + ".host is required");
  if (!table.contains("prefixes")) fail(table.source(), path + ".prefixes is required (\"\" matches every number)");
  if (table.contains("auth_username") != table.contains("auth_password")) {
    fail(table.source(), path + ": auth_username and auth_password go together");
  }
  config_.routing_gateways.push_back(std::move(g));
}

/// Names are how CDRs (account, routing_gateway), digest usernames and the CLI refer to
/// peers: endpoints and mapping gateways share one namespace (the CDR account), and a
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

}  // namespace

load_result parse(std::string_view text, std::string_view source_name) {
  reader r(source_name);
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
