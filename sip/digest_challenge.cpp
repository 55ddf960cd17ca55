// Digest challenges: required-param checks on top of the auth-param scanner.
#include "sip/digest_challenge.hpp"

#include "sip/digest_params.hpp"

namespace tollgate::sip {
namespace {

digest_parse_error error_at(digest_errc code, std::size_t offset, std::string_view param) {
  return digest_parse_error{make_error_code(code), offset, std::string(param)};
}

// qop-options is a quoted comma list: "auth,auth-int".
bool list_contains(std::string_view list, std::string_view wanted) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, wanted)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::variant<digest_challenge, digest_parse_error> parse_digest_challenge(std::string_view value) {
  auto parsed = parse_digest_params(value);
  if (auto* error = std::get_if<digest_parse_error>(&parsed)) return std::move(*error);
  const auth_params& params = std::get<auth_params>(parsed);

  digest_challenge c;
  const auth_param* realm = params.find("realm");
  if (realm == nullptr) return error_at(digest_errc::missing_param, value.size(), "realm");
  c.realm = realm->value();
  const auth_param* nonce = params.find("nonce");
  if (nonce == nullptr) return error_at(digest_errc::missing_param, value.size(), "nonce");
  c.nonce = nonce->value();
  if (c.nonce.empty()) return error_at(digest_errc::empty_param, nonce->offset, "nonce");
  if (const auth_param* p = params.find("opaque")) {
    c.opaque = p->value();
    c.opaque_given = true;
  }
  if (const auth_param* p = params.find("algorithm")) {
    const auto algorithm = parse_digest_algorithm(p->value());
    if (!algorithm) return error_at(digest_errc::unsupported_algorithm, p->offset, "algorithm");
    c.algorithm = *algorithm;
    c.algorithm_given = true;
  }
  if (const auth_param* p = params.find("qop")) {
    c.qop_offered = true;
    c.qop_auth = list_contains(p->value(), "auth");
  }
  if (const auth_param* p = params.find("stale")) {
    const std::string stale = p->value();
    if (iequals(stale, "true")) {
      c.stale = true;
    } else if (!iequals(stale, "false")) {
      return error_at(digest_errc::bad_stale, p->offset, "stale");
    }
  }
  return c;
}

std::string format_digest_challenge(const digest_challenge& c) {
  std::string out = "Digest realm=";
  out.reserve(160);
  append_quoted(out, c.realm);
  out += ", nonce=";
  append_quoted(out, c.nonce);
  if (c.opaque_given) {
    out += ", opaque=";
    append_quoted(out, c.opaque);
  }
  if (c.algorithm_given) {
    out += ", algorithm=";
    out += to_string(c.algorithm);
  }
  if (c.qop_auth) out += ", qop=\"auth\"";
  if (c.stale) out += ", stale=true";
  return out;
}

}  // namespace tollgate::sip
