// Loading the config file: the peers ([[endpoint]], [[mapping_gateway]], [[routing_gateway]]).
#include "config/reader.hpp"

namespace tollgate::config::detail {

using namespace std::string_literals;

void reader::read_endpoint(const toml::table& table, const std::string& path) {
  endpoint e;
  e.line = table.source().begin.line;
  const toml::key* password_key = nullptr;
  const toml::key* ha1_key = nullptr;
  const toml::key* algorithms_key = nullptr;
  walk(table, path,
       {{"name",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_user_name(*v))
             return fail(key.source(), name + " " + in_quotes(*v) +
                                           " is not a SIP user name (1 to 64 printable characters, no spaces, quotes, "
                                           "'@', ':', ';', '<' or '>')");
           e.name = *v;
         }},
        {"password",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) {
             e.password = *v;
             password_key = &key;
           }
         }},
        {"ha1_md5",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_hex(*v, 32))
             return fail(key.source(), name + " must be 32 hexadecimal digits, MD5(name:realm:password)");
           e.ha1_md5 = lower(*v);
           ha1_key = &key;
         }},
        {"ha1_sha256",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_hex(*v, 64))
             return fail(key.source(), name + " must be 64 hexadecimal digits, SHA-256(name:realm:password)");
           e.ha1_sha256 = lower(*v);
           ha1_key = &key;
         }},
        {"allow",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = cidr_array(key, node, name)) e.allow = std::move(*v);
         }},
        {"max_bindings",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 1, 100)) e.max_bindings = static_cast<unsigned>(*v);
         }},
        {"digest_algorithms", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = digest_algorithm_list(key, node, name)) {
             e.digest_algorithms = std::move(*v);
             algorithms_key = &key;
           }
         }}});
  if (!table.contains("name")) fail(table.source(), path + ".name is required");
  if (password_key && ha1_key) {
    fail(ha1_key->source(), path + ": give password or ha1_md5/ha1_sha256, not both");
  } else if (!table.contains("password") && !table.contains("ha1_md5") && !table.contains("ha1_sha256")) {
    fail(table.source(), path + " needs password, ha1_md5 or ha1_sha256");
  } else if (algorithms_key && e.password.empty()) {
    // With HA1 values only, an offered algorithm without its HA1 could never be answered.
    const auto offered = [&](const char* a) {
      return std::find(e.digest_algorithms.begin(), e.digest_algorithms.end(), a) != e.digest_algorithms.end();
    };
    if (!(offered("MD5") && !e.ha1_md5.empty()) && !(offered("SHA-256") && !e.ha1_sha256.empty()))
      fail(algorithms_key->source(), path + ".digest_algorithms offers no algorithm the endpoint has an HA1 for (" +
                                         (e.ha1_md5.empty() ? "ha1_sha256" : "ha1_md5") + " only)");
  }
  config_.endpoints.push_back(std::move(e));
}

void reader::read_mapping_gateway(const toml::table& table, const std::string& path) {
  mapping_gateway g;
  g.line = table.source().begin.line;
  std::optional<gateway_auth> auth;
  const toml::node* addresses = nullptr;
  const toml::key* addresses_key = nullptr;
  walk(table, path,
       {{"name",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = gateway_name(key, node, name)) g.name = *v;
         }},
        {"auth",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (*v == "ip") auth = gateway_auth::ip;
           else if (*v == "ip+port") auth = gateway_auth::ip_port;
           else if (*v == "password") auth = gateway_auth::password;
           else
             return fail(key.source(),
                         name + " must be one of \"ip\", \"ip+port\", \"password\" (got " + in_quotes(*v) + ")");
         }},
        {"addresses",
         [&](const toml::key& key, const toml::node& node, const std::string&) {
           addresses = &node;  // read once auth is known, whatever the key order
           addresses_key = &key;
         }},
        {"username",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_user_name(*v))
             return fail(key.source(), name + " " + in_quotes(*v) +
                                           " is not a digest user name (1 to 64 printable characters, no spaces, "
                                           "quotes, '@', ':', ';', '<' or '>')");
           g.username = *v;
         }},
        {"password",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) g.password = *v;
         }},
        {"billing_mode", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (!node.is_integer())
             return fail(key.source(), name + " must be an integer (got " + std::string(type_name(node)) + ")");
           const auto v = *node.value<std::int64_t>();
           if (v != -1 && v != 0 && v != 1)
             return fail(key.source(), name + " must be one of -1, 0, 1 (got " + std::to_string(v) + ")");
           g.billing_mode = static_cast<int>(v);
         }},
        {"local", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           g.local = local_value(key, node, name);
         }}});
  if (!table.contains("name")) fail(table.source(), path + ".name is required");
  if (!table.contains("auth")) fail(table.source(), path + ".auth is required (\"ip\", \"ip+port\" or \"password\")");
  if (auth) {
    g.auth = *auth;
    const std::string addresses_name = path + ".addresses";
    if (*auth == gateway_auth::password) {
      if (addresses) fail(addresses_key->source(), addresses_name + " is not used with auth = \"password\"");
      if (!table.contains("username")) fail(table.source(), path + ".username is required with auth = \"password\"");
      if (!table.contains("password")) fail(table.source(), path + ".password is required with auth = \"password\"");
    } else {
      for (const char* key : {"username", "password"}) {
        if (auto found = table.find(key); found != table.end()) {
          fail(found->first.source(), path + "." + key + " is used only with auth = \"password\"");
        }
      }
      if (!addresses) {
        fail(table.source(), addresses_name + " is required with auth = \"" + std::string(to_string(*auth)) + "\"");
      } else if (*auth == gateway_auth::ip) {
        if (auto v = cidr_array(*addresses_key, *addresses, addresses_name)) {
          if (v->empty()) fail(addresses_key->source(), addresses_name + " must list at least one CIDR");
          g.networks = std::move(*v);
        }
      } else if (auto items = string_array(*addresses_key, *addresses, addresses_name)) {
        if (items->empty()) fail(addresses_key->source(), addresses_name + " must list at least one address:port");
        for (std::size_t i = 0; i < items->size(); ++i) {
          const auto& [text, element] = (*items)[i];
          auto address = parse_socket_address(text);
          const std::string at = addresses_name + "[" + std::to_string(i) + "] " + in_quotes(text);
          if (!address) {
            fail(element->source(),
                 at + " is not an address:port (e.g. \"198.51.100.7:5060\" or \"[2001:db8::7]:5060\")");
          } else if (std::find(g.addresses.begin(), g.addresses.end(), *address) != g.addresses.end()) {
            fail(element->source(), at + " is listed twice");
          } else {
            g.addresses.push_back(*address);
          }
        }
      }
    }
  }
  config_.mapping_gateways.push_back(std::move(g));
}

void reader::read_routing_gateway(const toml::table& table, const std::string& path) {
  routing_gateway g;
  g.line = table.source().begin.line;
  walk(table, path,
       {{"name",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = gateway_name(key, node, name)) g.name = *v;
         }},
        {"host",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_host_name(*v))
             return fail(key.source(), name + " " + in_quotes(*v) + " is not an IP address or a host name");
           g.host = *v;
         }},
        {"port",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 1, 65535)) g.port = static_cast<std::uint16_t>(*v);
         }},
        {"transport",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           auto t = parse_transport(*v);
           if (!t) return fail(key.source(), name + " must be one of \"udp\", \"tcp\" (got " + in_quotes(*v) + ")");
           g.transport = *t;
         }},
        {"prefixes",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto items = string_array(key, node, name);
           if (!items) return;
           if (items->empty())
             return fail(key.source(), name + " must list at least one prefix (\"\" matches every number)");
           for (std::size_t i = 0; i < items->size(); ++i) {
             const auto& [text, element] = (*items)[i];
             const std::string at = name + "[" + std::to_string(i) + "] " + in_quotes(text);
             if (!is_number_prefix(text))
               return fail(element->source(), at + " may hold only digits, '+', '*' and '#'");
             if (std::find(g.prefixes.begin(), g.prefixes.end(), text) != g.prefixes.end())
               return fail(element->source(), at + " is listed twice");
             g.prefixes.push_back(text);
           }
         }},
        {"strip",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = int_value(key, node, name, 0, 32)) g.strip = static_cast<unsigned>(*v);
         }},
        {"add",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           auto v = string_value(key, node, name);
           if (!v) return;
           if (!is_number_prefix(*v))
             return fail(key.source(), name + " " + in_quotes(*v) + " may hold only digits, '+', '*' and '#'");
           g.add = *v;
         }},
        {"auth_username",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) g.auth_username = *v;
         }},
        {"auth_password",
         [&](const toml::key& key, const toml::node& node, const std::string& name) {
           if (auto v = nonempty_string(key, node, name)) g.auth_password = *v;
         }},
        {"local", [&](const toml::key& key, const toml::node& node, const std::string& name) {
           g.local = local_value(key, node, name);
         }}});
  if (g.local) locals_.back().transport = g.transport;  // whatever the key order
  if (!table.contains("name")) fail(table.source(), path + ".name is required");
  if (!table.contains("host")) fail(table.source(), path + ".host is required");
  if (!table.contains("prefixes")) fail(table.source(), path + ".prefixes is required (\"\" matches every number)");
  if (table.contains("auth_username") != table.contains("auth_password")) {
    fail(table.source(), path + ": auth_username and auth_password go together");
  }
  config_.routing_gateways.push_back(std::move(g));
}

std::optional<listen_address> reader::local_value(const toml::key& key, const toml::node& node,
                                                 const std::string& name) {
  auto v = string_value(key, node, name);
  if (!v) return std::nullopt;
  auto address = parse_listen_address(*v);
  if (!address) {
    fail(key.source(), name + " " + in_quotes(*v) +
                           " is not a listen address (udp: or tcp:, address, port, e.g. \"udp:198.51.100.1:5060\")");
    return std::nullopt;
  }
  locals_.push_back({name, key.source(), *address, std::nullopt});
  return address;
}

void reader::check_locals() {
  const auto& listen = config_.sip.listen;
  for (const auto& l : locals_) {
    const std::string at = l.name + " " + in_quotes(l.address.to_string());
    if (l.transport && *l.transport != l.address.transport) {
      fail(l.at, at + " is a " + std::string(to_string(l.address.transport)) + " socket but the gateway's transport is " +
                     std::string(to_string(*l.transport)));
      continue;
    }
    if (std::find(listen.begin(), listen.end(), l.address) != listen.end()) continue;
    std::string allowed;
    for (const auto& a : listen) {
      if (l.transport && a.transport != *l.transport) continue;
      allowed += (allowed.empty() ? "" : ", ") + in_quotes(a.to_string());
    }
    fail(l.at, at + " names no listen socket (allowed: " + (allowed.empty() ? "none" : allowed) + ", from switch.listen)");
  }
}

/// Names are how CDRs (account, routing_gateway), digest usernames and the CLI refer to
/// peers: endpoints and mapping gateways share one namespace (the CDR account), and a

}  // namespace tollgate::config::detail
