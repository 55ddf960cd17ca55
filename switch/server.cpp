// The switch daemon's wiring.
#include "switch/server.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "sip/nonce_secret_file.hpp"
#include "store/binding_store.hpp"
#include "store/cdr.hpp"
#include "store/suspension_store.hpp"
#include "store/switch_schema.hpp"
#include "switch/control_service.hpp"

namespace tollgate::switch_ {
namespace {

constexpr std::chrono::milliseconds tick_interval{200};
constexpr unsigned ticks_per_expiry = 5;  // bindings and caches pruned once a second
constexpr std::size_t cdr_prune_batch = 5000;  // CDR rows deleted a tick at most, so signalling never waits long
constexpr std::chrono::hours cdr_prune_interval{1};

}  // namespace

server::server(boost::asio::io_context& io, std::shared_ptr<const config::config> c, server_options options,
               const base::clock& clock)
    : io_(io),
      config_(std::move(c)),
      options_(std::move(options)),
      clock_(clock),
      directory_(config_),
      agent_(io, options_.agent_socket,
             [this](const policy::decision& d) {
               suspensions_.apply(d, clock_.now());
               log_agent_decision(d);
             }),
      call_timer_(io),
      tick_(io) {}

server::~server() { stop(); }

std::string server::open() {
  std::error_code ec;
  std::filesystem::create_directories(options_.state_dir, ec);
  if (ec) return "state directory " + options_.state_dir.string() + ": " + ec.message();
  gateway_networks_ = config_->gateway_networks();
  auto db = store::open_switch_db((options_.state_dir / "switch.db").string());
  if (!db) return "switch.db: " + db.error().message;
  db_.emplace(std::move(db.value()));
  auto rows = store::binding_store(*db_).load_all();
  if (!rows) return "switch.db bindings: " + rows.error().message;
  bindings_.restore(std::move(rows.value()), clock_.now());
  flush_bindings();
  spdlog::info("restored {} bindings of {} endpoints from switch.db", bindings_.size(), bindings_.endpoints());
  auto suspended = store::suspension_store(*db_).list();
  if (!suspended) return "switch.db suspensions: " + suspended.error().message;
  for (const auto& row : *suspended) suspensions_.restore(row, clock_.now());
  flush_suspensions();
  if (suspensions_.size() > 0) spdlog::info("restored {} suspensions from switch.db", suspensions_.size());
  // The agent hears of every suspension this switch enforces each time it connects, so one
  // made while it was away (or before a restart of either) reaches it with its start time.
  refresh_parameters();
  agent_.on_parameters([this](const wire::parameter_values& values) {
    agent_parameters_ = values;
    refresh_parameters();
    spdlog::info("agent: {} parameters set at run time apply here too", values.size());
  });
  agent_.on_connected([this] {
    for (const auto& r : suspensions_.active_reports(clock_.now())) agent_.send(r);
  });

  auto secret = sip::load_or_create_nonce_secret(options_.state_dir);
  if (const auto* e = std::get_if<std::error_code>(&secret)) return "nonce secret: " + e->message();
  digest_ = std::make_unique<sip::digest_server>(digest_config(*config_), std::get<sip::nonce_secret>(secret),
                                                 directory_.credentials());
  registrar_ = std::make_unique<registrar>(directory_, *digest_, suspensions_, bindings_, settings_of(*config_));
  handler_ = std::make_unique<request_handler>(*registrar_, *digest_, policy::scanner_match(config_->scanner_user_agents));

  for (const auto& listen : config_->sip.listen) {
    if (listen.transport == config::transport::udp) {
      auto t = udp_transport::open(io_, listen.local,
                                   [this](std::string_view d, const peer& from) { return handle_datagram(d, from); });
      if (const auto* e = std::get_if<std::error_code>(&t)) return "listen " + listen.to_string() + ": " + e->message();
      udp_.push_back(std::move(std::get<0>(t)));
    } else {
      auto t = tcp_transport::open(io_, listen.local, tcp_limits_of(*config_, options_.tcp_max_outbound), clock_,
                                   [this](const sip::message& m, const peer& from) { return handle_stream(m, from); });
      if (const auto* e = std::get_if<std::error_code>(&t)) return "listen " + listen.to_string() + ": " + e->message();
      tcp_.push_back(std::move(std::get<0>(t)));
      tcp_.back()->set_trust([this](const base::ip_address& ip) { return trusted_source(ip); });
    }
    spdlog::info("listening on {}", listen.to_string());
  }

  call_transport_ = std::make_unique<call_transport>(io_, udp_, tcp_, clock_,
                                                     [this](std::uint64_t call, const b2bua::destination& to) {
                                                       calls_->on_transport_failed(call, to, clock_.now());
                                                       schedule_calls();
                                                     });
  call_services services{*digest_,
                         bindings_,
                         *call_transport_,
                         [this](std::span<const store::cdr_record> rows) { return store::cdr_writer(*db_).write(rows); },
                         [this](const policy::report& r) { agent_.send(r); },
                         [this] { return random_.next(); }};
  calls_ = std::make_unique<call_dispatcher>(std::move(services));
  calls_->set_cdr_buffer(config_->sip.cdr_buffer);
  handler_->route_calls(*calls_, [this] { return config_; });
  return open_control();
}

void server::start() {
  for (auto& t : udp_) t->start();
  for (auto& t : tcp_) t->start();
  agent_.start();
  housekeeping();
}

void server::stop() {
  if (stopped_) return;
  stopped_ = true;
  tick_.cancel();
  call_timer_.cancel();
  if (calls_ && calls_->active() > 0) {
    spdlog::info("stopping with {} calls held; those still up get a BYE (or 503 and CANCEL)", calls_->active());
    calls_->terminate_all("switch stopping", clock_.now());
  }
  if (calls_ && !calls_->flush(clock_.now())) {
    spdlog::error("switch.db: {} CDR rows could not be written at shutdown: {}", calls_->cdrs().queued(),
                  calls_->cdrs().last_error());
  }
  for (auto& t : udp_) t->stop();
  for (auto& t : tcp_) t->stop();
  agent_.stop();
  if (control_) control_->stop();
  flush_bindings();
  flush_suspensions();
}

bool server::trusted_source(const base::ip_address& ip) const {
  if (bindings_.registered_from(ip)) return true;
  return std::any_of(gateway_networks_.begin(), gateway_networks_.end(),
                     [&](const base::ip_prefix& n) { return n.contains(ip.unmapped()) || n.contains(ip); });
}

std::optional<outbound> server::handle_datagram(std::string_view datagram, const peer& from) {
  auto out = handler_->on_datagram(datagram, from, clock_.now());
  forward_reports();
  schedule_calls();
  return out;
}

std::optional<outbound> server::handle_stream(const sip::message& m, const peer& from) {
  auto out = handler_->on_stream_message(m, from, clock_.now());
  forward_reports();
  schedule_calls();
  return out;
}

void server::forward_reports() {
  auto reports = handler_->take_reports();
  if (reports.empty()) return;
  const auto now = clock_.now();
  std::vector<policy::decision> local;
  for (const auto& r : reports) {
    // Counted here before the next request is read, so the RETRY-th failure suspends it.
    suspensions_.on_report(r, parameters_, now, local);
    count(r);
    agent_.send(r);
  }
  for (const auto& d : local) {
    const auto& s = std::get<policy::suspend>(d.what);
    spdlog::info("endpoint {} suspended for {} s after {} failed registrations{}", s.endpoint,
                 std::chrono::duration_cast<std::chrono::seconds>(s.until - now).count(), s.failures,
                 agent_.connected() ? "" : " (agent away: it hears of it on reconnect)");
    agent_.send(suspensions_.report_of(d));
  }
}

void server::refresh_parameters() {
  parameters_ = config_->parameters;
  for (const auto& [id, value] : agent_parameters_) (void)parameters_.set(id, value, policy::parameter_origin::runtime);
}

void server::count(const policy::report& r) {
  if (r.type == policy::report_type::register_ok) {
    ++registers_.registered;
  } else if (r.type == policy::report_type::register_failed) {
    if (r.reason == policy::failure_reason::suspended) {
      ++registers_.refused_suspended;
    } else if (r.verified) {
      ++registers_.verified_failures;
    }
  }
}

void server::log_agent_decision(const policy::decision& d) {
  if (const auto* u = std::get_if<policy::unsuspend>(&d.what); u && u->reason == "manual") {
    spdlog::info("endpoint {} unsuspended by {}", u->endpoint, u->actor);
  }
}

void server::prune_cdrs() {
  const auto now = clock_.now();
  if (now < next_cdr_prune_) return;
  const auto cutoff = now - config_->sip.cdr_retention;
  auto pruned = store::cdr_writer(*db_).prune_older_than(cutoff, cdr_prune_batch);
  if (!pruned) {
    spdlog::warn("switch.db: pruning CDRs older than [switch] cdr_retention failed: {}; retried in an hour",
                 pruned.error().message);
    next_cdr_prune_ = now + cdr_prune_interval;
    return;
  }
  cdrs_pruned_ += static_cast<std::uint64_t>(*pruned);
  // A full batch means more are due: the next tick takes the next batch.
  const bool more = static_cast<std::size_t>(*pruned) == cdr_prune_batch;
  if (*pruned > 0 && !more) spdlog::info("switch.db: {} CDRs older than [switch] cdr_retention pruned", cdrs_pruned_);
  if (!more) cdrs_pruned_ = 0;
  next_cdr_prune_ = more ? now : now + cdr_prune_interval;
}

void server::housekeeping() {
  if (stopped_) return;
  if (++ticks_ % ticks_per_expiry == 0) {
    const auto now = clock_.now();
    bindings_.expire(now);
    std::vector<policy::decision> ended;
    suspensions_.on_tick(now, ended);
    handler_->prune(now);
    calls_->prune(now);
  }
  flush_bindings();
  flush_suspensions();
  prune_cdrs();
  tick_.expires_after(tick_interval);
  tick_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) housekeeping();
  });
}

void server::schedule_calls() {
  if (stopped_ || !calls_) return;
  const auto next = calls_->next_deadline();
  if (!next || (call_timer_at_ && *call_timer_at_ <= *next)) return;
  call_timer_at_ = *next;
  call_timer_.expires_after(std::max(base::millis{0}, *next - clock_.now()));
  call_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_call_timer();
  });
}

void server::on_call_timer() {
  if (stopped_) return;
  call_timer_at_.reset();
  calls_->on_tick(clock_.now());
  forward_reports();
  schedule_calls();
}

void server::flush_suspensions() {
  if (!db_ || suspensions_.pending_changes() == 0) return;
  const auto changes = suspensions_.take_changes(clock_.now());
  if (auto written = write_changes(*db_, changes); !written) {
    // Enforcement is in memory; the rows are tried again on the next tick.
    spdlog::warn("switch.db: {} suspension changes not written, will retry: {}", changes.size(),
                 written.error().message);
    suspensions_.retake(changes);
  }
}

void server::flush_bindings() {
  if (!db_ || bindings_.pending_changes() == 0) return;
  const auto changes = bindings_.take_changes();
  if (auto written = write_changes(*db_, changes); !written) {
    // Memory stays authoritative; a restart before the next good write loses these changes.
    spdlog::warn("switch.db: {} binding changes not written: {}", changes.size(), written.error().message);
  }
}

}  // namespace tollgate::switch_
