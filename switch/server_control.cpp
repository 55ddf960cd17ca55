// The switch daemon's control socket and reload: the config swapped in place, the parts
// built from it told, bindings and everything in flight kept.
#include "switch/server.hpp"

#include <spdlog/spdlog.h>

#include "config/descriptors.hpp"
#include "config/load.hpp"
#include "sip/nonce_secret_file.hpp"
#include "switch/control_service.hpp"
#include "switch/descriptor_limit.hpp"
#include "switch/registrations.hpp"

namespace tollgate::switch_ {

std::string server::open_control() {
  started_ = effective_settings(*config_, options_.command_line);
  control_hooks hooks;
  hooks.registrations = [this] { return registrations_json(bindings_, clock_.now()); };
  hooks.status = [this] { return status_json(); };
  hooks.reload = [this] { return reload(); };
  hooks.configuration = [this] { return config_; };
  control_ = std::make_unique<control_service>(io_, started_.control_socket, clock_, std::move(hooks));
  if (const auto ec = control_->start()) {
    // The switch serves calls without it; SIGHUP still reloads.
    spdlog::error("control socket {}: {}; registrations, trace and reload over the socket are unavailable",
                  started_.control_socket, ec.message());
    control_.reset();
    return {};
  }
  spdlog::info("control socket on {}", started_.control_socket);
  return {};
}

namespace {

wire::json cdr_status_json(const cdr_spool& spool, base::timestamp now) {
  const auto& c = spool.counters();
  wire::json j{{"written", c.written},
               {"queued", spool.queued()},
               {"dropped", c.dropped},
               {"write_failures", c.write_failures},
               {"released_unwritten", c.released_unwritten},
               {"writing", !spool.degraded_since().has_value()}};
  if (const auto since = spool.degraded_since()) {
    j["failing_for_s"] = std::chrono::duration_cast<std::chrono::seconds>(now - *since).count();
    j["last_error"] = spool.last_error();
  }
  return j;
}

wire::json calls_status_json(const call_dispatcher& calls) {
  const auto& c = calls.counters();
  return {{"in_progress", calls.active()},
          {"attempted", c.attempted},
          {"answered", c.answered},
          {"failed", c.failed},
          {"illegal", c.illegal},
          {"overloaded", c.overloaded},
          {"overloaded_source", c.overloaded_source}};
}

}  // namespace

wire::json server::tcp_status_json() const {
  wire::json j{{"connections", 0},     {"accepted", 0}, {"refused_total", 0},   {"refused_per_source", 0},
               {"evicted", 0},         {"idle_closed", 0}, {"header_timeouts", 0}, {"too_slow", 0},
               {"accept_errors", 0}};
  for (const auto& t : tcp_) {
    const auto& c = t->counters();
    j["connections"] = j["connections"].get<std::uint64_t>() + t->connections();
    for (const auto& [key, value] : {std::pair{"accepted", c.accepted}, {"refused_total", c.refused_total},
                                     {"refused_per_source", c.refused_per_source}, {"evicted", c.evicted},
                                     {"idle_closed", c.idle_closed}, {"header_timeouts", c.header_timeouts},
                                     {"too_slow", c.too_slow}, {"accept_errors", c.accept_errors}}) {
      j[key] = j[key].get<std::uint64_t>() + value;
    }
  }
  return j;
}

wire::json server::descriptors_json() const {
  const auto limit = current_descriptor_limit();
  return {{"soft", limit.soft}, {"hard", limit.hard}, {"needed", config::switch_descriptors_needed(*config_)}};
}

wire::json server::status_json() const {
  const auto& link = agent_.counters();
  return {{"agent",
           {{"connected", agent_.connected()},
            {"connects", link.connects},
            {"reports_sent", link.reports_sent},
            {"reports_buffered", agent_.buffer().size()},
            {"reports_dropped", agent_.buffer().dropped()},
            {"decisions", link.decisions}}},
          {"register",
           {{"verified_failures", registers_.verified_failures},
            {"refused_suspended", registers_.refused_suspended},
            {"registered", registers_.registered}}},
          {"suspensions",
           {{"active", suspensions_.size()}, {"suspended_by_switch", suspensions_.local_suspensions()}}},
          {"bindings", bindings_.size()},
          {"tcp", tcp_status_json()},
          {"descriptors", descriptors_json()},
          {"calls", calls_status_json(*calls_)},
          {"cdr", cdr_status_json(calls_->cdrs(), clock_.now())}};
}

reload_result server::reload() {
  auto loaded = options_.config_path.empty() ? config::load_file_or_defaults(std::string(config::default_config_path))
                                             : config::load_file(options_.config_path);
  reload_result r;
  if (!loaded) {
    r.error = loaded.message();
    return r;
  }
  const auto& fresh = loaded.value();
  r.source = fresh->source.empty() ? "built-in defaults" : fresh->source;
  r.restart_needed = restart_notes(started_, effective_settings(*fresh, options_.command_line));
  apply_config(fresh);
  spdlog::info("reloaded {}: {} endpoints, {} mapping and {} routing gateways", r.source, fresh->endpoints.size(),
               fresh->mapping_gateways.size(), fresh->routing_gateways.size());
  for (const auto& note : r.restart_needed) spdlog::warn("{}", note);
  return r;
}

void server::apply_config(std::shared_ptr<const config::config> fresh) {
  if (!digest_ || !registrar_ || !handler_) {  // not open yet: open() builds from config_
    config_ = std::move(fresh);
    directory_ = endpoint_directory(config_);
    return;
  }
  directory_ = endpoint_directory(fresh);
  if (calls_) calls_->set_cdr_buffer(fresh->sip.cdr_buffer);
  gateway_networks_ = fresh->gateway_networks();
  for (auto& t : tcp_) t->set_limits(tcp_limits_of(*fresh, options_.tcp_max_outbound));
  const auto digest = digest_config(*fresh);
  const auto& running = digest_->config();
  if (digest.algorithms != running.algorithms || digest.nonce_lifetime != running.nonce_lifetime) {
    // New algorithms or lifetime: a new digest server on the same secret, so nonces
    // already handed out still verify.
    auto secret = sip::load_or_create_nonce_secret(options_.state_dir);
    if (const auto* s = std::get_if<sip::nonce_secret>(&secret)) {
      *digest_ = sip::digest_server(digest, *s, directory_.credentials());
    } else {
      spdlog::warn("reload: nonce secret: {}; digest algorithms and nonce lifetime stay as they were",
                   std::get<std::error_code>(secret).message());
      digest_->replace_store(directory_.credentials());
    }
  } else {
    digest_->replace_store(directory_.credentials());
  }
  registrar_->set_settings(settings_of(*fresh));
  handler_->set_scanners(policy::scanner_match(fresh->scanner_user_agents));
  config_ = std::move(fresh);
  refresh_parameters();
}

}  // namespace tollgate::switch_
