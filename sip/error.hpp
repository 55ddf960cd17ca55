// Errors of the SIP message layer: one errc per way a message can be malformed, with a category.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

#include "sip/header_names.hpp"

namespace tollgate::sip {

enum class errc {
  message_too_large = 1,   // datagram or framed message exceeds limits.max_message_size
  line_too_long,           // a start line or (unfolded) header field exceeds limits.max_line_length
  too_many_headers,        // more header fields than limits.max_header_count
  empty_message,           // nothing but CRLFs
  bad_start_line,          // neither a request line nor a status line
  bad_method,              // method is not a token
  bad_request_uri,         // Request-URI missing, with whitespace, or not a URI
  bad_version,             // SIP-Version is not "SIP/" 1*DIGIT "." 1*DIGIT
  unsupported_version,     // a well-formed version other than SIP/2.0 (answer 505)
  bad_status_code,         // status code is not three digits in 100..699
  bad_header_line,         // no colon, a non-token name, or a continuation with no header
  headers_unterminated,    // the datagram ends before the empty line that ends the headers
  bad_content_length,      // Content-Length is not 1*DIGIT (negative, junk, overflow)
  content_length_mismatch, // Content-Length promises more octets than the datagram holds
  duplicate_header,        // a header that must appear once appears again (multi01, mcl01)
  missing_header,          // Via, From, To, Call-ID or CSeq is absent
  bad_via,
  bad_cseq,                // not "number method", or number >= 2^31
  cseq_method_mismatch,    // request method differs from the CSeq method
  bad_call_id,
  bad_name_addr,           // From, To, Contact, Route, Record-Route value is malformed
  bad_max_forwards,
};

const std::error_category& error_category();
std::error_code make_error_code(errc e);

/// What went wrong and where: byte offset into the input and 1-based line, plus the header
/// concerned (header_id::other when the error is not about one header).
struct parse_error {
  errc code{};
  std::size_t offset = 0;
  std::uint32_t line = 0;
  header_id header = header_id::other;

  std::error_code error_code() const { return make_error_code(code); }
  /// "bad CSeq header (line 5, offset 123)".
  std::string describe() const;
};

}  // namespace tollgate::sip

template <>
struct std::is_error_code_enum<tollgate::sip::errc> : std::true_type {};
