// The message parser: bytes in; a message, "need more", or an error that says what and where.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "sip/error.hpp"
#include "sip/message.hpp"

namespace tollgate::sip {

/// Bounds on hostile input. Defaults fit any sane UDP or TCP SIP message.
struct parse_limits {
  std::size_t max_message_size = 65535;  // start line + headers + body
  std::size_t max_line_length = 8192;    // one line, or one header field after joining folds
  std::size_t max_header_count = 256;
};

struct parse_options {
  parse_limits limits;
  /// Also run validate() (mandatory headers, CSeq/method, Via, From/To, Contact, Route...).
  /// Off for callers that only classify and can live with half-checked messages.
  bool validate = true;
};

enum class parse_status { complete, need_more, error };

struct parse_result {
  parse_status status = parse_status::error;
  std::optional<message> msg;  // when complete
  parse_error error;           // when error
  /// complete: octets of the input used, leading CRLFs included. need_more: total octets the
  /// message needs, or 0 while the header section is still incomplete.
  std::size_t consumed = 0;
  /// Datagrams: octets after the message that were ignored (RFC 3261 §18.3, RFC 4475 dblreq).
  std::size_t trailing = 0;

  bool ok() const { return status == parse_status::complete; }
};

/// Parses one UDP datagram. Never returns need_more: a datagram is all there is. Leading
/// CRLFs are skipped; without Content-Length the body is the rest of the datagram; octets past
/// Content-Length are ignored and counted in `trailing`.
parse_result parse(std::string_view datagram, const parse_options& options = {});

/// Parses the first message at the front of a stream buffer. Returns need_more until the
/// header section and Content-Length octets of body are there; a missing Content-Length
/// means an empty body. See stream_framer for the incremental wrapper.
parse_result parse_stream(std::string_view bytes, const parse_options& options = {});

/// The checks an element needs before acting on a message (RFC 3261 §8.2, §16.3, RFC 4475):
/// Via, From, To, Call-ID and CSeq present and unique where they must be, each well formed,
/// CSeq method equal to the request method, Request-URI a URI without headers, Contact,
/// Route and Record-Route well formed, Max-Forwards 0..255.
std::optional<parse_error> validate(const message& m);

}  // namespace tollgate::sip
