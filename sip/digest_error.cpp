// Digest errors: the category and its messages.
#include "sip/digest_error.hpp"

namespace tollgate::sip {
namespace {

class digest_category_impl final : public std::error_category {
public:
  const char* name() const noexcept override { return "tollgate.sip.digest"; }
  std::string message(int value) const override {
    switch (static_cast<digest_errc>(value)) {
      case digest_errc::empty: return "empty header value";
      case digest_errc::too_long: return "header value too long";
      case digest_errc::not_digest: return "scheme is not Digest";
      case digest_errc::expected_param_name: return "expected a parameter name";
      case digest_errc::expected_equals: return "expected '=' after the parameter name";
      case digest_errc::expected_value: return "expected a token or quoted-string value";
      case digest_errc::unterminated_quote: return "unterminated quoted-string";
      case digest_errc::bad_escape: return "invalid escape in quoted-string";
      case digest_errc::control_character: return "control character in value";
      case digest_errc::expected_comma: return "expected ',' between parameters";
      case digest_errc::too_many_params: return "too many parameters";
      case digest_errc::duplicate_param: return "duplicate parameter";
      case digest_errc::missing_param: return "missing required parameter";
      case digest_errc::empty_param: return "empty required parameter";
      case digest_errc::unsupported_algorithm: return "unsupported algorithm";
      case digest_errc::unsupported_qop: return "unsupported qop";
      case digest_errc::bad_nc: return "nc is not 8 hex digits";
      case digest_errc::bad_response: return "response is not a hex digest of the algorithm's length";
      case digest_errc::bad_stale: return "stale is neither true nor false";
      case digest_errc::secret_file_size: return "nonce secret file does not hold 32 bytes";
      case digest_errc::secret_file_permissions: return "nonce secret file is readable by group or others";
      case digest_errc::random_failure: return "random generator failed";
    }
    return "unknown digest error";
  }
};

}  // namespace

const std::error_category& digest_category() {
  static const digest_category_impl instance;
  return instance;
}

std::error_code make_error_code(digest_errc e) { return {static_cast<int>(e), digest_category()}; }

std::string digest_parse_error::message() const {
  std::string out = code.message();
  out += " (";
  if (!param.empty()) {
    out += "param ";
    out += param;
    out += ", ";
  }
  out += "offset ";
  out += std::to_string(offset);
  out += ')';
  return out;
}

}  // namespace tollgate::sip
