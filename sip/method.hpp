// Request methods: the ones Tollgate acts on get an id; any other token is `unknown`.
#pragma once

#include <cstdint>
#include <string_view>

namespace tollgate::sip {

enum class method : std::uint8_t {
  unknown, invite, ack, bye, cancel, register_, options, info, update, prack, subscribe, notify,
  refer, message, publish,
};

/// Methods are case-sensitive (RFC 3261 §7.1): "invite" is an unknown method.
method lookup_method(std::string_view name);
std::string_view to_string(method m);

}  // namespace tollgate::sip
