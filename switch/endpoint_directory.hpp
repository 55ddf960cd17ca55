// The endpoints of the config, indexed by name, and their digest secrets.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/config.hpp"
#include "sip/digest_server.hpp"

namespace tollgate::switch_ {

/// Built once per config and read-only afterwards. Points into the config it was built from,
/// which it keeps alive. A password mapping gateway registers and authenticates like an
/// endpoint named by its username (unless an endpoint has that name), so its INVITEs are
/// challenged once it is registered and authorized as the gateway (b2bua::authorize).
class endpoint_directory {
public:
  explicit endpoint_directory(std::shared_ptr<const config::config> c);

  /// The endpoint named `name`, or nullptr.
  const config::endpoint* find(std::string_view name) const;
  /// True when `ep` may register from `source` (no allow list means anywhere).
  static bool allowed_from(const config::endpoint& ep, const base::ip_address& source);
  std::shared_ptr<const sip::digest_credential_store> credentials() const { return credentials_; }
  const config::config& configuration() const { return *config_; }

private:
  std::shared_ptr<const config::config> config_;
  std::unordered_map<std::string_view, const config::endpoint*> by_name_;
  std::deque<config::endpoint> gateway_accounts_;  // stable addresses for by_name_
  std::shared_ptr<const sip::digest_credential_store> credentials_;
};

}  // namespace tollgate::switch_
