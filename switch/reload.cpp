// Which config changes a reload cannot apply, and the answer to `reload`.
#include "switch/reload.hpp"

#include <filesystem>

namespace tollgate::switch_ {
namespace {

std::string listen_text(const std::vector<config::listen_address>& listen) {
  std::string out;
  for (const auto& l : listen) out += (out.empty() ? "" : ", ") + l.to_string();
  return "[" + out + "]";
}

}  // namespace

startup_settings effective_settings(const config::config& c, const socket_overrides& overrides) {
  startup_settings s{c.sip.listen, overrides.agent_socket.empty() ? c.agent.socket : overrides.agent_socket,
                     overrides.control_socket.empty() ? c.sip.control_socket : overrides.control_socket};
  // Like the agent's socket: beside it unless said otherwise.
  if (s.control_socket.empty()) s.control_socket = (std::filesystem::path(s.agent_socket).parent_path() / "switch.sock").string();
  return s;
}

sip::digest_server_config digest_config(const config::config& c) {
  sip::digest_server_config d;
  d.algorithms = sip::parse_digest_algorithms(c.sip.digest_algorithms);
  if (d.algorithms.empty()) d.algorithms.push_back(sip::digest_algorithm::md5);
  d.nonce_lifetime = c.sip.nonce_lifetime;
  return d;
}

tcp_limits tcp_limits_of(const config::config& c, std::size_t max_outbound) {
  tcp_limits l;
  l.max_connections = c.sip.tcp_max_connections;
  l.max_per_source = c.sip.tcp_max_connections_per_source;
  l.idle_timeout = c.sip.tcp_idle_timeout;
  l.max_outbound = max_outbound;
  l.header_timeout = c.sip.tcp_header_timeout;
  l.min_rate = c.sip.tcp_min_rate;
  l.rate_window = config::tcp_rate_window;
  l.v6_source_prefix = c.sip.tcp_v6_source_prefix;
  return l;
}

registrar_settings settings_of(const config::config& c) {
  registrar_settings s;
  s.mode = static_cast<sip::challenge_mode>(c.parameters.get(policy::parameter::SS_AUTHCHALLENGEMODE));
  return s;
}

std::vector<std::string> restart_notes(const startup_settings& started, const startup_settings& fresh) {
  std::vector<std::string> notes;
  if (started.listen != fresh.listen) {
    notes.push_back("[switch] listen changed from " + listen_text(started.listen) + " to " + listen_text(fresh.listen) +
                    ": restart tollgate-switch to listen there");
  }
  if (started.agent_socket != fresh.agent_socket) {
    notes.push_back("[agent] socket changed from " + started.agent_socket + " to " + fresh.agent_socket +
                    ": restart tollgate-switch to use it");
  }
  if (started.control_socket != fresh.control_socket) {
    notes.push_back("[switch] control_socket changed from " + started.control_socket + " to " +
                    fresh.control_socket + ": restart tollgate-switch to use it");
  }
  return notes;
}

wire::json reload_json(const reload_result& r, const config::config& current) {
  wire::json j;
  j["reloaded"] = true;
  j["source"] = r.source;
  j["endpoints"] = current.endpoints.size();
  j["mapping_gateways"] = current.mapping_gateways.size();
  j["routing_gateways"] = current.routing_gateways.size();
  j["restart_needed"] = r.restart_needed;
  return j;
}

}  // namespace tollgate::switch_
