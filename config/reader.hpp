// The config reader: one pass over a TOML tree, collecting the config and every error
// with its position. Internal to config/; load.hpp is the interface.
#pragma once

#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.hpp"
#include "config/config.hpp"

namespace tollgate::config::detail {

std::string_view type_name(const toml::node& node);
/// The text in double quotes, as messages show values.
std::string in_quotes(std::string_view text);
bool is_hex(std::string_view text, std::size_t length);
std::string lower(std::string_view text);
/// SIP user names and digest usernames as the config may hold them: printable, without
/// the characters that delimit a SIP URI or a digest parameter.
bool is_user_name(std::string_view text);
/// Dialled-number text: digits and the DTMF and E.164 extras.
bool is_number_prefix(std::string_view text);
/// An IP address or a DNS name.
bool is_host_name(std::string_view text);

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

  /// A mapping or routing gateway's name: what CDRs and logs show, so a SIP-safe token.
  std::optional<std::string> gateway_name(const toml::key& key, const toml::node& node, const std::string& name) {
    auto v = string_value(key, node, name);
    if (v && !is_user_name(*v)) {
      fail(key.source(), name + " " + in_quotes(*v) +
                             " must be 1 to 64 printable characters, no spaces, quotes, '@', ':', ';', '<' or '>'");
      return std::nullopt;
    }
    return v;
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
        fail(key.source(),
             name + " " + in_quotes(text) + " is not a duration (seconds, or a number with s, m, h, d or w)");
        return std::nullopt;
      }
      seconds = parsed->count();
    } else {
      fail(key.source(),
           name + " must be a number of seconds or a duration string (got " + std::string(type_name(node)) + ")");
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
        fail(element.source(),
             name + "[" + std::to_string(i) + "] must be a string (got " + std::string(type_name(element)) + ")");
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

  /// "MD5" and/or "SHA-256" (any case, written canonically), each once, at least one.
  std::optional<std::vector<std::string>> digest_algorithm_list(const toml::key& key, const toml::node& node,
                                                                const std::string& name);

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
  /// A gateway's `local` key: parsed, and remembered for check_locals() ([switch] listen
  /// may come later in the file).
  std::optional<listen_address> local_value(const toml::key& key, const toml::node& node, const std::string& name);
  /// Every gateway's `local` names one of [switch] listen (of the gateway's transport).
  void check_locals();

  struct local_key {
    std::string name;  // "routing_gateway[0].local"
    toml::source_region at;
    listen_address address;
    std::optional<tollgate::config::transport> transport;  // a routing gateway's
  };
  std::vector<local_key> locals_;

  struct positioned {
    toml::source_index line;
    toml::source_index column;
    std::string text;
  };

  std::string source_;
  config config_;
  std::vector<positioned> errors_;
};

}  // namespace tollgate::config::detail
