// Loading the TOML config file into an immutable config, with errors as values that name
// file, line, column and key.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace tollgate::config {

inline constexpr std::string_view default_config_path = "/etc/tollgate/tollgate.toml";

/// A loaded config, or every problem found in the file, each a line like
/// "tollgate.toml:12:1: parameters.SS_ENDPOINTREGISTERRETRY must be between 1 and 100 (got 0)".
class [[nodiscard]] load_result {
public:
  load_result(std::shared_ptr<const config> loaded) : v_(std::move(loaded)) {}
  load_result(std::vector<std::string> errors) : v_(std::move(errors)) {}

  explicit operator bool() const { return v_.index() == 0; }
  const std::shared_ptr<const config>& value() const { return std::get<0>(v_); }
  const std::vector<std::string>& errors() const { return std::get<1>(v_); }
  /// The errors, one per line.
  std::string message() const;

private:
  std::variant<std::shared_ptr<const config>, std::vector<std::string>> v_;
};

/// Parses TOML text; `source_name` prefixes every error ("tollgate.toml:3:1: ...").
/// Unknown sections and keys are errors (a typo must not pass silently), as are values of
/// the wrong type or out of range, bad addresses and CIDRs, and duplicate names.
/// Keys left out take the built-in defaults (built_in_defaults()).
load_result parse(std::string_view text, std::string_view source_name);

/// Reads and parses the file at `path`; a missing or unreadable file is an error.
load_result load_file(const std::string& path);

/// As load_file, but a file that does not exist yields the built-in defaults: how the
/// daemons start when no --config was given and the default path is absent.
load_result load_file_or_defaults(const std::string& path);

}  // namespace tollgate::config
