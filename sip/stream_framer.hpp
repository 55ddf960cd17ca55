// TCP/TLS framing: accumulates stream octets and cuts them into messages by Content-Length.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sip/parser.hpp"

namespace tollgate::sip {

/// Feed it what the socket reads; take messages out with next(). Each message is parsed at
/// most twice (once the header section is complete, once its body is), and the search for the
/// end of the header section resumes where it stopped, so a slow sender costs linear time.
/// CRLF keep-alives between messages (RFC 5626 §3.5.1) are skipped. A framing error (bad or
/// duplicate Content-Length, limits, a broken header section) cannot be resynchronised:
/// failed() turns true, the connection must be closed (RFC 4475 ncl, mcl01) and next() keeps
/// returning that error. A well-framed message that fails validate() is consumed and returned
/// as an error with failed() false, so the caller can answer 400 and read on.
class stream_framer {
public:
  explicit stream_framer(parse_options options = {});

  void append(std::string_view bytes);
  /// complete (a message), need_more, or error.
  parse_result next();
  /// Octets received and not yet returned as messages.
  std::size_t buffered() const { return buffer_.size() - start_; }
  bool failed() const { return failed_.has_value(); }
  /// True when the incomplete message's header section has arrived (its body has not).
  bool headers_complete() const { return needed_ > 0; }

private:
  parse_options options_;  // validate off: next() validates after framing
  bool validate_;
  std::string buffer_;
  std::size_t start_ = 0;    // where the next message begins in buffer_
  std::size_t scanned_ = 0;  // octets after start_ searched for the empty line, in vain
  std::size_t needed_ = 0;   // octets the current message needs, once its headers are known
  std::optional<parse_error> failed_;
};

}  // namespace tollgate::sip
