// The digest server: challenges for 401/407 and verification of every credentials header a
// request carries, against HA1 secrets and stateless nonces (RFC 3261 §22, RFC 7616, RFC 8760).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "base/ip_address.hpp"
#include "sip/digest_error.hpp"
#include "sip/digest_hash.hpp"
#include "sip/nonce.hpp"
#include "sip/nonce_counter.hpp"

namespace tollgate::sip {

/// What the server keeps per endpoint instead of a password: HA1 per algorithm.
struct endpoint_secret {
  std::optional<hex_digest> ha1_md5;
  std::optional<hex_digest> ha1_sha256;
  /// The algorithms this endpoint is challenged with and may answer; empty: the server's.
  std::vector<digest_algorithm> algorithms;

  const std::optional<hex_digest>& ha1(digest_algorithm a) const {
    return a == digest_algorithm::md5 ? ha1_md5 : ha1_sha256;
  }
};

/// Endpoint secrets of one realm. Immutable once built (shared as shared_ptr<const>).
class digest_credential_store {
public:
  explicit digest_credential_store(std::string realm) : realm_(std::move(realm)) {}

  const std::string& realm() const { return realm_; }
  /// Precomputes MD5 and SHA-256 HA1; the password itself is not kept.
  void add_password(const std::string& username, std::string_view password);
  /// A precomputed HA1 (hex); false when it is not hex of the algorithm's length.
  bool add_ha1(const std::string& username, digest_algorithm a, std::string_view ha1_hex);
  /// The endpoint's own algorithms, in the order its challenges offer them (after its
  /// password or HA1 is added).
  void set_algorithms(const std::string& username, std::vector<digest_algorithm> algorithms);
  const endpoint_secret* find(std::string_view username) const;

private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::string realm_;
  std::unordered_map<std::string, endpoint_secret, string_hash, std::equal_to<>> secrets_;
};

/// SS_AUTHCHALLENGEMODE.
enum class challenge_mode : std::uint8_t {
  www_authenticate = 1,    // 401 + WWW-Authenticate
  proxy_authenticate = 2,  // 407 + Proxy-Authenticate
  by_method = 3,           // 401 for REGISTER, 407 for other methods
};

struct digest_challenges {
  int status = 401;
  std::string_view header_name;      // "WWW-Authenticate" or "Proxy-Authenticate"
  std::vector<std::string> values;   // one per configured algorithm, in configured order
};

enum class digest_verdict : std::uint8_t {
  ok,
  wrong_password,
  unknown_user,           // same work and same wire answer as wrong_password
  realm_mismatch,         // credentials for another realm (not ours to judge)
  stale_nonce,            // our nonce, expired or forgotten, correct answer: challenge with stale=true
  malformed_credentials,
  nonce_not_ours,         // never issued by us, forged, or issued to another address
  nc_replay,              // correct answer with an nc already used for this nonce
  no_credentials,
};
std::string_view to_string(digest_verdict v);

struct digest_verification {
  digest_verdict verdict = digest_verdict::no_credentials;
  std::string username;
  digest_algorithm algorithm = digest_algorithm::md5;
  std::optional<digest_parse_error> parse_error;  // set for malformed_credentials

  /// The credentials answered a nonce we issued to this source (product.md §3: only such
  /// answers can count as failures).
  bool answered_our_nonce() const;
  /// A wrong answer to our nonce: counts towards suspension (known and unknown users alike).
  bool counts_as_failure() const {
    return verdict == digest_verdict::wrong_password || verdict == digest_verdict::unknown_user;
  }
};

struct digest_server_config {
  /// MD5 only by default: many deployed phones fail outright when offered a second challenge.
  std::vector<digest_algorithm> algorithms{digest_algorithm::md5};
  std::chrono::seconds nonce_lifetime{300};
  std::size_t nc_cache_capacity = 65536;
};

/// Not thread-safe (the nonce salt and the nc cache change on use): one per signalling
/// thread, sharing the nonce secret, which is all a nonce needs to be checked anywhere.
class digest_server {
public:
  digest_server(digest_server_config config, const nonce_secret& secret,
                std::shared_ptr<const digest_credential_store> store);

  /// Challenges for a request with `method` from `source`: status and header per `mode`,
  /// qop="auth", one header value per algorithm offered to `username` (the user the
  /// request claims to be; empty when it names none).
  digest_challenges challenge(challenge_mode mode, std::string_view method, const base::ip_address& source,
                              base::timestamp now, bool stale = false, std::string_view username = {});

  /// The algorithms offered to `username`: a known endpoint's own list if it has one, else
  /// the configured list. Unknown users get the configured list, so a challenge does not
  /// tell whether a user without a list of its own exists.
  std::span<const digest_algorithm> algorithms_for(std::string_view username) const;

  /// Verifies one credentials header value.
  digest_verification verify(std::string_view credentials, std::string_view method,
                             const base::ip_address& source, base::timestamp now);
  /// Verifies every credentials header (Authorization and Proxy-Authorization alike) and
  /// returns the most decisive result: ok over a wrong answer over replay over stale over
  /// the rest. An empty list gives no_credentials.
  digest_verification verify_all(std::span<const std::string_view> credentials, std::string_view method,
                                 const base::ip_address& source, base::timestamp now);

  const digest_server_config& config() const { return config_; }
  void replace_store(std::shared_ptr<const digest_credential_store> store);

private:
  digest_server_config config_;
  std::shared_ptr<const digest_credential_store> store_;
  nonce_authority nonces_;
  nonce_counter_cache counters_;
  endpoint_secret dummy_;  // answers for unknown users are checked against this
};

}  // namespace tollgate::sip
