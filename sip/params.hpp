// Header parameter lists (";name=value" after a Via, name-addr or other value; RFC 3261 §7.3.1).
#pragma once

#include <optional>
#include <string_view>

namespace tollgate::sip {

/// One generic-param. value excludes the quotes of a quoted-string (escapes are kept as sent).
struct param {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
  bool quoted = false;
};

/// Walks a header parameter list such as ";branch = z9hG4bK1 ;rport". LWS is allowed around
/// ';' and '='. Each name is a token; each value a token, host ([IPv6] included) or
/// quoted-string. An empty parameter (";;") or any other junk ends the walk with failed().
class param_cursor {
public:
  explicit param_cursor(std::string_view params) : rest_(params) {}
  std::optional<param> next();
  bool failed() const { return failed_; }

private:
  std::string_view rest_;
  bool failed_ = false;
};

/// The first parameter named `name` (case-insensitive), or nullopt; a malformed list yields
/// nullopt for names past the fault.
std::optional<param> find_param(std::string_view params, std::string_view name);
/// True when every parameter of the list is well formed.
bool valid_params(std::string_view params);

}  // namespace tollgate::sip
