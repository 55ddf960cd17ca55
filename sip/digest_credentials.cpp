// Digest credentials: required-param checks on top of the auth-param scanner.
#include "sip/digest_credentials.hpp"

#include <charconv>

#include "sip/digest_params.hpp"

namespace tollgate::sip {
namespace {

digest_parse_error error_at(digest_errc code, std::size_t offset, std::string_view param) {
  return digest_parse_error{make_error_code(code), offset, std::string(param)};
}

bool is_hex(std::string_view text) {
  for (char c : text) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

}  // namespace

std::variant<digest_credentials, digest_parse_error> parse_digest_credentials(std::string_view value) {
  auto parsed = parse_digest_params(value);
  if (auto* error = std::get_if<digest_parse_error>(&parsed)) return std::move(*error);
  const auth_params& params = std::get<auth_params>(parsed);

  digest_credentials c;
  // Required params, in the order a reader expects the complaint.
  struct required {
    std::string_view name;
    std::string* field;
    bool may_be_empty;
  };
  const required fields[] = {
      {"username", &c.username, true}, {"realm", &c.realm, true}, {"nonce", &c.nonce, false},
      {"uri", &c.uri, false},          {"response", &c.response, false},
  };
  for (const required& r : fields) {
    const auth_param* p = params.find(r.name);
    if (p == nullptr) return error_at(digest_errc::missing_param, value.size(), r.name);
    *r.field = p->value();
    if (r.field->empty() && !r.may_be_empty) return error_at(digest_errc::empty_param, p->offset, r.name);
  }

  if (const auth_param* p = params.find("algorithm")) {
    const auto algorithm = parse_digest_algorithm(p->value());
    if (!algorithm) return error_at(digest_errc::unsupported_algorithm, p->offset, "algorithm");
    c.algorithm = *algorithm;
    c.algorithm_given = true;
  }
  const auth_param* response = params.find("response");
  if (c.response.size() != hex_length(c.algorithm) || !is_hex(c.response)) {
    return error_at(digest_errc::bad_response, response->offset, "response");
  }

  if (const auth_param* p = params.find("qop")) {
    if (!iequals(p->value(), "auth")) return error_at(digest_errc::unsupported_qop, p->offset, "qop");
    c.qop_auth = true;
    const auth_param* nc = params.find("nc");
    if (nc == nullptr) return error_at(digest_errc::missing_param, value.size(), "nc");
    c.nc = nc->value();
    if (c.nc.size() != 8 || !is_hex(c.nc)) return error_at(digest_errc::bad_nc, nc->offset, "nc");
    std::from_chars(c.nc.data(), c.nc.data() + c.nc.size(), c.nc_value, 16);
    const auth_param* cnonce = params.find("cnonce");
    if (cnonce == nullptr) return error_at(digest_errc::missing_param, value.size(), "cnonce");
    c.cnonce = cnonce->value();
    if (c.cnonce.empty()) return error_at(digest_errc::empty_param, cnonce->offset, "cnonce");
  }
  if (const auth_param* p = params.find("opaque")) {
    c.opaque = p->value();
    c.opaque_given = true;
  }
  return c;
}

std::string format_digest_credentials(const digest_credentials& c) {
  std::string out = "Digest username=";
  out.reserve(256);
  append_quoted(out, c.username);
  out += ", realm=";
  append_quoted(out, c.realm);
  out += ", nonce=";
  append_quoted(out, c.nonce);
  out += ", uri=";
  append_quoted(out, c.uri);
  out += ", response=";
  append_quoted(out, c.response);
  if (c.algorithm_given) {
    out += ", algorithm=";
    out += to_string(c.algorithm);
  }
  if (c.opaque_given) {
    out += ", opaque=";
    append_quoted(out, c.opaque);
  }
  if (c.qop_auth) {
    out += ", qop=auth, nc=";
    out += c.nc;
    out += ", cnonce=";
    append_quoted(out, c.cnonce);
  }
  return out;
}

bool operator==(const digest_credentials& a, const digest_credentials& b) {
  return a.username == b.username && a.realm == b.realm && a.nonce == b.nonce && a.uri == b.uri &&
         a.response == b.response && a.algorithm == b.algorithm && a.algorithm_given == b.algorithm_given &&
         a.qop_auth == b.qop_auth && a.nc == b.nc && a.nc_value == b.nc_value && a.cnonce == b.cnonce &&
         a.opaque == b.opaque && a.opaque_given == b.opaque_given;
}

}  // namespace tollgate::sip
