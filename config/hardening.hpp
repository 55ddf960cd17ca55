// The hardening checklist of product.md section 2, as a pure function of a config.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace tollgate::config {

enum class severity : std::uint8_t { low, medium, high };
std::string_view to_string(severity s);

struct finding {
  std::string id;  // stable, for scripts: "suspend_disabled", "weak_password", ...
  tollgate::config::severity severity;
  std::string message;  // what is wrong, naming the parameter, endpoint or gateway
  std::string fix;      // what to change, as the operator would type it

  friend bool operator==(const finding&, const finding&) = default;
};

/// Every checklist item `c` fails, most severe first (then in checklist order). Used by
/// `tollgatectl check` (with the running parameters) and by the switch's warning about
/// weak passwords at load. Items that depend on the site's own data (today only
/// `whitelist_empty`: which addresses are the administrators') are findings like the
/// others; site_dependent() names them.
std::vector<finding> hardening_findings(const config& c);

/// True for findings a shipped config cannot settle, since they need the site's data.
bool site_dependent(std::string_view finding_id);

/// True when `password` is under 12 characters or uses one character class only
/// (lower case, upper case, digits, others), or equals `name`.
bool weak_password(std::string_view name, std::string_view password);

}  // namespace tollgate::config
