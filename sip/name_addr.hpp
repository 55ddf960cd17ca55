// name-addr and addr-spec values: From, To, Contact, Route, Record-Route (RFC 3261 §20.10).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sip/uri.hpp"

namespace tollgate::sip {

/// `"Display" <uri>;params`, `token words <uri>;params` or `uri;params`. For the bare addr-spec
/// form the first ';' starts the header parameters (RFC 3261 §20), so such a URI cannot carry
/// uri-parameters, and a '?' or whitespace in it is an error.
struct name_addr {
  std::string_view display_name;  // without the quotes; quoted-pair escapes kept
  bool display_quoted = false;
  bool bracketed = false;         // the URI was in <...>
  sip::uri address;
  std::string_view params;        // header parameters, from the first ';' (";tag=1;expires=60")

  static std::optional<name_addr> parse(std::string_view value);

  std::optional<std::string_view> param(std::string_view name) const;
  /// The tag parameter, or "" when absent.
  std::string_view tag() const;
  /// The expires parameter of a Contact, when present and a number (clamped to 2^32-1).
  std::optional<std::uint32_t> expires() const;
};

/// A Contact header value set: `*`, or one or more name-addrs.
struct contact_list {
  bool star = false;
  std::vector<name_addr> contacts;
};

/// Parses a comma-separated list of name-addrs (Route, Record-Route, Contact values).
std::optional<std::vector<name_addr>> parse_name_addr_list(std::string_view value);
/// Appends the elements of one Contact header value to `out`; false when malformed.
bool parse_contact_value(std::string_view value, contact_list& out);

}  // namespace tollgate::sip
