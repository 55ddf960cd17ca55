// Header field names: the ids the parser recognises, their compact forms (RFC 3261 §7.3.3).
#pragma once

#include <cstdint>
#include <string_view>

namespace tollgate::sip {

enum class header_id : std::uint8_t {
  other,  // any header without an id below; compare its name text
  accept,
  allow,
  authorization,
  call_id,
  contact,
  content_encoding,
  content_length,
  content_type,
  cseq,
  date,
  event,
  expires,
  from,
  max_forwards,
  min_expires,
  proxy_authenticate,
  proxy_authorization,
  proxy_require,
  record_route,
  refer_to,
  referred_by,
  require,
  retry_after,
  route,
  server,
  subject,
  supported,
  timestamp,
  to,
  unsupported,
  user_agent,
  via,
  warning,
  www_authenticate,
};

/// The id of a header name, long or compact form, case-insensitively; other when unknown.
header_id lookup_header(std::string_view name);
/// "Call-ID", "CSeq", "WWW-Authenticate"...; "" for other.
std::string_view canonical_name(header_id id);
/// The compact form letter ('i' for Call-ID), or '\0' when the header has none.
char compact_form(header_id id);

}  // namespace tollgate::sip
