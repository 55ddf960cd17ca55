// The digest server: nonce check, then the same digest work for known and unknown users.
#include "sip/digest_server.hpp"

#include <algorithm>

#include "sip/digest_challenge.hpp"
#include "sip/digest_credentials.hpp"
#include "sip/digest_params.hpp"

namespace tollgate::sip {
namespace {

int rank(digest_verdict v) {
  switch (v) {
    case digest_verdict::ok: return 9;
    case digest_verdict::wrong_password: return 8;
    case digest_verdict::unknown_user: return 8;
    case digest_verdict::nc_replay: return 6;
    case digest_verdict::stale_nonce: return 5;
    case digest_verdict::nonce_not_ours: return 4;
    case digest_verdict::realm_mismatch: return 3;
    case digest_verdict::malformed_credentials: return 2;
    case digest_verdict::no_credentials: return 0;
  }
  return 0;
}

}  // namespace

std::string_view to_string(digest_verdict v) {
  switch (v) {
    case digest_verdict::ok: return "ok";
    case digest_verdict::wrong_password: return "wrong_password";
    case digest_verdict::unknown_user: return "unknown_user";
    case digest_verdict::realm_mismatch: return "realm_mismatch";
    case digest_verdict::stale_nonce: return "stale_nonce";
    case digest_verdict::malformed_credentials: return "malformed_credentials";
    case digest_verdict::nonce_not_ours: return "nonce_not_ours";
    case digest_verdict::nc_replay: return "nc_replay";
    case digest_verdict::no_credentials: return "no_credentials";
  }
  return "unknown";
}

bool digest_verification::answered_our_nonce() const {
  switch (verdict) {
    case digest_verdict::ok:
    case digest_verdict::wrong_password:
    case digest_verdict::unknown_user:
    case digest_verdict::stale_nonce:
    case digest_verdict::nc_replay:
      return true;
    default:
      return false;
  }
}

void digest_credential_store::add_password(const std::string& username, std::string_view password) {
  endpoint_secret& s = secrets_[username];
  s.ha1_md5 = compute_ha1(digest_algorithm::md5, username, realm_, password);
  s.ha1_sha256 = compute_ha1(digest_algorithm::sha256, username, realm_, password);
}

bool digest_credential_store::add_ha1(const std::string& username, digest_algorithm a, std::string_view ha1_hex) {
  auto ha1 = hex_digest::from_hex(ha1_hex);
  if (!ha1 || ha1->view().size() != hex_length(a)) return false;
  endpoint_secret& s = secrets_[username];
  (a == digest_algorithm::md5 ? s.ha1_md5 : s.ha1_sha256) = *ha1;
  return true;
}

void digest_credential_store::set_algorithms(const std::string& username, std::vector<digest_algorithm> algorithms) {
  secrets_[username].algorithms = std::move(algorithms);
}

const endpoint_secret* digest_credential_store::find(std::string_view username) const {
  const auto it = secrets_.find(username);
  return it == secrets_.end() ? nullptr : &it->second;
}

digest_server::digest_server(digest_server_config config, const nonce_secret& secret,
                             std::shared_ptr<const digest_credential_store> store)
    : config_(std::move(config)),
      store_(std::move(store)),
      nonces_(secret, config_.nonce_lifetime, static_cast<std::uint32_t>(secret.bytes[0]) << 24 | secret.bytes[1]),
      counters_(config_.nc_cache_capacity, config_.nonce_lifetime) {
  if (config_.algorithms.empty()) config_.algorithms = {digest_algorithm::md5};
  // A secret-derived password nobody knows: unknown users cost one full digest like known ones.
  std::string unknowable;
  for (std::uint8_t b : secret.bytes) unknowable += static_cast<char>('a' + (b % 26));
  dummy_.ha1_md5 = compute_ha1(digest_algorithm::md5, "", store_->realm(), unknowable);
  dummy_.ha1_sha256 = compute_ha1(digest_algorithm::sha256, "", store_->realm(), unknowable);
}

void digest_server::replace_store(std::shared_ptr<const digest_credential_store> store) { store_ = std::move(store); }

std::span<const digest_algorithm> digest_server::algorithms_for(std::string_view username) const {
  const endpoint_secret* known = username.empty() ? nullptr : store_->find(username);
  if (known != nullptr && !known->algorithms.empty()) return known->algorithms;
  return config_.algorithms;
}

digest_challenges digest_server::challenge(challenge_mode mode, std::string_view method,
                                           const base::ip_address& source, base::timestamp now, bool stale,
                                           std::string_view username) {
  const bool proxy = mode == challenge_mode::proxy_authenticate ||
                     (mode == challenge_mode::by_method && method != "REGISTER");
  digest_challenges out;
  out.status = proxy ? 407 : 401;
  out.header_name = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
  for (digest_algorithm a : algorithms_for(username)) {
    digest_challenge c;
    c.realm = store_->realm();
    c.nonce = nonces_.issue(now, source, store_->realm());
    c.algorithm = a;
    c.algorithm_given = true;
    c.qop_auth = true;
    c.qop_offered = true;
    c.stale = stale;
    out.values.push_back(format_digest_challenge(c));
  }
  return out;
}

digest_verification digest_server::verify(std::string_view credentials, std::string_view method,
                                          const base::ip_address& source, base::timestamp now) {
  digest_verification result;
  auto parsed = parse_digest_credentials(credentials);
  if (auto* error = std::get_if<digest_parse_error>(&parsed)) {
    result.verdict = digest_verdict::malformed_credentials;
    result.parse_error = std::move(*error);
    return result;
  }
  const digest_credentials& c = std::get<digest_credentials>(parsed);
  result.username = c.username;
  result.algorithm = c.algorithm;
  const auto offered = algorithms_for(c.username);
  if (std::find(offered.begin(), offered.end(), c.algorithm) == offered.end()) {
    result.verdict = digest_verdict::malformed_credentials;
    result.parse_error = digest_parse_error{make_error_code(digest_errc::unsupported_algorithm), 0, "algorithm"};
    return result;
  }
  if (c.realm != store_->realm()) {
    result.verdict = digest_verdict::realm_mismatch;
    return result;
  }
  const nonce_check nonce = nonces_.check(c.nonce, now, source, store_->realm());
  if (nonce.status == nonce_status::not_ours) {
    result.verdict = digest_verdict::nonce_not_ours;
    return result;
  }

  const endpoint_secret* known = store_->find(c.username);
  const std::optional<hex_digest>& own_ha1 = known != nullptr ? known->ha1(c.algorithm) : std::nullopt;
  const hex_digest& ha1 = own_ha1 ? *own_ha1 : *dummy_.ha1(c.algorithm);
  const hex_digest expected = compute_response(
      c.algorithm, ha1.view(), {method, c.uri, c.nonce, c.qop_auth, c.nc, c.cnonce});
  const bool correct = expected.equals(c.response) && own_ha1.has_value();

  if (known == nullptr) {
    result.verdict = digest_verdict::unknown_user;
  } else if (!correct) {
    result.verdict = digest_verdict::wrong_password;
  } else if (nonce.status == nonce_status::expired) {
    result.verdict = digest_verdict::stale_nonce;
  } else {
    switch (counters_.record(c.nonce, nonce.issued, c.qop_auth ? c.nc_value : 0, now)) {
      case nc_result::fresh: result.verdict = digest_verdict::ok; break;
      case nc_result::replay: result.verdict = digest_verdict::nc_replay; break;
      case nc_result::forgotten: result.verdict = digest_verdict::stale_nonce; break;
    }
  }
  return result;
}

digest_verification digest_server::verify_all(std::span<const std::string_view> credentials,
                                              std::string_view method, const base::ip_address& source,
                                              base::timestamp now) {
  digest_verification best;
  for (std::string_view value : credentials) {
    digest_verification one = verify(value, method, source, now);
    if (rank(one.verdict) > rank(best.verdict)) best = std::move(one);
    if (best.verdict == digest_verdict::ok) break;
  }
  return best;
}

}  // namespace tollgate::sip
