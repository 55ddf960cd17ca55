// Messages for the SIP errc values.
#include "sip/error.hpp"

namespace tollgate::sip {
namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "sip"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::message_too_large: return "message too large";
      case errc::line_too_long: return "line too long";
      case errc::too_many_headers: return "too many header fields";
      case errc::empty_message: return "empty message";
      case errc::bad_start_line: return "malformed start line";
      case errc::bad_method: return "malformed method";
      case errc::bad_request_uri: return "malformed Request-URI";
      case errc::bad_version: return "malformed SIP-Version";
      case errc::unsupported_version: return "unsupported SIP-Version";
      case errc::bad_status_code: return "malformed status code";
      case errc::bad_header_line: return "malformed header line";
      case errc::headers_unterminated: return "header section not terminated";
      case errc::bad_content_length: return "malformed Content-Length";
      case errc::content_length_mismatch: return "Content-Length larger than the message";
      case errc::duplicate_header: return "header must appear once";
      case errc::missing_header: return "mandatory header missing";
      case errc::bad_via: return "malformed Via";
      case errc::bad_cseq: return "malformed CSeq";
      case errc::cseq_method_mismatch: return "CSeq method differs from the request method";
      case errc::bad_call_id: return "malformed Call-ID";
      case errc::bad_name_addr: return "malformed name-addr";
      case errc::bad_max_forwards: return "malformed Max-Forwards";
    }
    return "unknown sip error";
  }
};

}  // namespace

const std::error_category& error_category() {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

std::string parse_error::describe() const {
  std::string out = make_error_code(code).message();
  if (header != header_id::other) {
    out += " in ";
    out += canonical_name(header);
  }
  out += " (line " + std::to_string(line) + ", offset " + std::to_string(offset) + ")";
  return out;
}

}  // namespace tollgate::sip
