// The endpoint directory: config endpoints by name, HA1 secrets for the digest server.
#include "switch/endpoint_directory.hpp"

namespace tollgate::switch_ {

endpoint_directory::endpoint_directory(std::shared_ptr<const config::config> c) : config_(std::move(c)) {
  auto store = std::make_shared<sip::digest_credential_store>(config_->sip.realm);
  by_name_.reserve(config_->endpoints.size());
  for (const auto& ep : config_->endpoints) {
    by_name_.emplace(ep.name, &ep);
    if (!ep.password.empty()) {
      store->add_password(ep.name, ep.password);
    } else {
      // The config loader checked the HA1 text; a failure here would be a broken invariant.
      if (!ep.ha1_md5.empty()) (void)store->add_ha1(ep.name, sip::digest_algorithm::md5, ep.ha1_md5);
      if (!ep.ha1_sha256.empty()) (void)store->add_ha1(ep.name, sip::digest_algorithm::sha256, ep.ha1_sha256);
    }
    if (!ep.digest_algorithms.empty()) store->set_algorithms(ep.name, sip::parse_digest_algorithms(ep.digest_algorithms));
  }
  for (const auto& g : config_->mapping_gateways) {
    if (g.auth != config::gateway_auth::password || by_name_.contains(g.username)) continue;
    config::endpoint& account = gateway_accounts_.emplace_back();
    account.name = g.username;
    account.password = g.password;
    account.line = g.line;
    by_name_.emplace(account.name, &account);
    store->add_password(account.name, account.password);
  }
  credentials_ = std::move(store);
}

const config::endpoint* endpoint_directory::find(std::string_view name) const {
  const auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

bool endpoint_directory::allowed_from(const config::endpoint& ep, const base::ip_address& source) {
  if (ep.allow.empty()) return true;
  const base::ip_address address = source.unmapped();
  for (const auto& prefix : ep.allow) {
    if (prefix.contains(address)) return true;
  }
  return false;
}

}  // namespace tollgate::switch_
