// The answer to `registrations`: every online binding with its source and expiry.
#pragma once

#include "base/clock.hpp"
#include "switch/bindings.hpp"
#include "wire/control_protocol.hpp"

namespace tollgate::switch_ {

/// [{"endpoint","contact","source":"ip:port/transport","ip","port","transport",
///   "expires_in" (seconds left),"expires_at" (Unix seconds),"user_agent"}], by endpoint then
/// contact. Bindings already expired at `now` (not yet swept) are left out.
wire::json registrations_json(const binding_table& bindings, base::timestamp now);

}  // namespace tollgate::switch_
