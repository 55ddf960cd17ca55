// The agent daemon: start-up, the event loop's timers and signals, reload and stop.
#include "agent/daemon.hpp"

#include <systemd/sd-daemon.h>

#include <filesystem>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "agent/audit_record.hpp"
#include "agent/metrics_collect.hpp"
#include "config/load.hpp"
#include "store/agent_schema.hpp"

namespace tollgate::agent {
namespace {

constexpr auto idle_tick = std::chrono::seconds{1};
constexpr auto reconcile_period = std::chrono::seconds{60};

std::shared_ptr<const config::config> load_config(const std::string& path) {
  const auto loaded = path.empty() ? config::load_file_or_defaults(std::string(config::default_config_path))
                                   : config::load_file(path);
  if (!loaded) throw std::runtime_error(loaded.message());
  return loaded.value();
}

netfilter::table_spec spec_of(const config::config& c) {
  netfilter::table_spec spec;
  spec.table = c.agent.table;
  spec.sip_ports = c.agent.sip_ports;
  spec.queue_num = c.agent.queue;
  spec.rate = {static_cast<std::uint32_t>(c.parameters.get(policy::parameter::REGISTER_RATE_LIMIT)),
               static_cast<std::uint32_t>(c.parameters.get(policy::parameter::REGISTER_RATE_BURST))};
  spec.inspect = c.parameters.enabled(policy::parameter::INSPECT_ENABLE);
  return spec;
}

netfilter::firewall open_firewall(const config::config& c) {
  auto spec = spec_of(c);
  auto opened = netfilter::firewall::open(spec);
  if (!opened) throw std::runtime_error("netlink: " + opened.error.message());
  auto firewall = std::move(opened.value);
  const auto kind = firewall.probe_queue_kind();
  if (!kind) throw std::runtime_error("nftables: " + kind.error.message());
  spec.queue = kind.value;
  spdlog::info("kernel: NFQUEUE rule uses the {} form", kind.value == netfilter::queue_kind::native
                                                             ? "native queue expression"
                                                             : "xt NFQUEUE target (no CONFIG_NFT_QUEUE)");
  if (auto err = firewall.ensure_table(spec)) throw std::runtime_error("nftables: " + err.message());
  return firewall;
}

/// Binds the inspector's queue before anything touches the kernel table, so that an agent
/// that cannot inspect stops before it changes anything.
netfilter::queue_receiver open_queue(const config::config& c) {
  netfilter::queue_config qc;
  qc.num = c.agent.queue;
  auto opened = netfilter::queue_receiver::open(qc);
  if (opened) return std::move(opened.value);
  if (opened.error.code == netfilter::errc::queue_busy) {
    throw std::runtime_error("NFQUEUE " + std::to_string(qc.num) +
                             " is bound by another process (another tollgate-agent?); stop it or set [agent] queue "
                             "to a free queue number");
  }
  throw std::runtime_error("NFQUEUE " + std::to_string(qc.num) + ": " + opened.error.message());
}

policy::report report_of(const inspection& i, base::timestamp now) {
  policy::report r;
  r.type = i.reason == inspect_reason::malformed_sip ? policy::report_type::malformed_sip
                                                     : policy::report_type::scanner_seen;
  r.time = now;
  r.ip = i.source;
  r.port = i.source_port;
  r.transport = "udp";
  r.user_agent = i.user_agent;
  r.call_id = i.call_id;
  return r;
}

}  // namespace

daemon::daemon(daemon_options options)
    : options_(std::move(options)),
      config_(load_config(options_.config_path)),
      tick_timer_(io_),
      reconcile_timer_(io_),
      watchdog_timer_(io_),
      signals_(io_, SIGHUP, SIGTERM, SIGINT) {
  state_dir_ = options_.state_dir.empty() ? config_->agent.state_dir : options_.state_dir;
  socket_path_ = options_.socket.empty() ? config_->agent.socket : options_.socket;
  std::error_code ec;
  std::filesystem::create_directories(state_dir_, ec);
  if (ec) throw std::runtime_error("state directory " + state_dir_ + ": " + ec.message());

  const std::string db_path = (std::filesystem::path(state_dir_) / "agent.db").string();
  auto db = store::open_agent_db(db_path);
  if (!db) throw std::runtime_error(db_path + ": " + db.error().message);
  db_ = std::make_unique<store::database>(std::move(*db));
  journal_ = std::make_unique<state_journal>(*db_);

  policy::engine_options engine_options;
  engine_options.scanner_user_agents = config_->scanner_user_agents;
  engine_ = std::make_unique<policy::engine>(config_->parameters, engine_options);

  auto queue = open_queue(*config_);
  firewall_ = open_firewall(*config_);
  kernel_ = std::make_unique<netfilter_kernel>(firewall_);
  core_options core_opts;
  core_opts.config_whitelist = config_->whitelist;
  core_opts.gateways = config_->gateway_networks();
  core_ = std::make_unique<agent::core>(*engine_, *kernel_, *journal_, clock_, core_opts);
  control_hooks hooks;
  hooks.kernel_status = [this] { return kernel_status(); };
  hooks.inspector_status = [this] { return pump_ ? pump_->status() : wire::json::object(); };
  hooks.reload = [this] {
    try {
      reload();
      return std::string();
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
  };
  hooks.report_arrived = [this] { schedule_flush(); };
  service_ = std::make_unique<control_service>(*core_, *journal_, clock_, std::move(hooks));
  server_options server_opts;
  server_opts.path = socket_path_;
  server_ = std::make_unique<socket_server>(io_, server_opts, *service_, clock_);
  service_->attach(*server_);
  core_->on_audit = [this](const store::audit_entry& entry) {
    const std::string line = audit_line(entry);
    spdlog::get("audit")->info(line);
    server_->publish_audit(line);
  };
  core_->on_switch_decision = [this](const policy::decision& d) { server_->push_decision(d); };

  const auto started = std::chrono::steady_clock::now();
  if (auto failure = core_->start()) throw std::runtime_error("kernel: " + failure->message);
  spdlog::info("agent: restored {} block(s) and {} suspension(s) from {} in {} ms", engine_->blocks().active().size(),
               engine_->suspensions().suspensions().size(), db_path,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());

  if (const auto ec = server_->start()) {
    throw std::runtime_error("agent socket " + socket_path_ + ": " + ec.message());
  }
  if (const auto& at = config_->agent.metrics) {
    metrics_ = std::make_unique<metrics_listener>(io_, [this] {
      auto listed = firewall_.counters();
      return format_metrics(collect_metrics(*core_, *server_, pump_ ? &pump_->counters() : nullptr,
                                           listed ? &listed.value : nullptr));
    });
    if (const auto ec = metrics_->start({boost::asio::ip::make_address(at->address.to_string()), at->port})) {
      throw std::runtime_error("metrics listener " + at->to_string() + ": " + ec.message());
    }
    spdlog::info("agent: metrics on http://{}/metrics", at->to_string());
  }
  if (!server_->stats().admin_acl_problem.empty()) {
    spdlog::warn("agent socket: members of tollgate-admin need group tollgate too: {}", server_->stats().admin_acl_problem);
  }

  pump_ = std::make_unique<queue_pump>(io_, std::move(queue), inspector(config_->scanner_user_agents), clock_);
  pump_->enabled = [this] { return core_->engine().parameters().enabled(policy::parameter::INSPECT_ENABLE); };
  pump_->on_drop = [this](const inspection& i, base::timestamp now) {
    core_->submit(report_of(i, now), clock_.steady_now());
    schedule_flush();
  };
  spdlog::info("inspector: bound to NFQUEUE {} ({} scanner fingerprints)", config_->agent.queue,
               config_->scanner_user_agents.size());

  auto monitor = netfilter::table_monitor::open(config_->agent.table);
  if (!monitor) throw std::runtime_error("netlink monitor: " + monitor.error.message());
  monitor_ = std::move(monitor.value);
  monitor_fd_ = std::make_unique<boost::asio::posix::stream_descriptor>(io_, ::dup(monitor_.fd()));
}

daemon::~daemon() = default;

void daemon::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  // Posted, so that every report read in this turn of the loop lands in one batch.
  boost::asio::post(io_, [this] {
    flush_scheduled_ = false;
    core_->flush();
    if (core_->has_queued_reports()) schedule_flush();
    arm_tick();
  });
}

void daemon::arm_tick() {
  auto wait = idle_tick;
  if (const auto due = core_->next_due()) {
    const auto until_due = std::chrono::duration_cast<std::chrono::seconds>(*due - clock_.now()) + std::chrono::seconds{1};
    wait = std::clamp(until_due, std::chrono::seconds{0}, idle_tick);
  }
  tick_timer_.expires_after(wait);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_tick();
  });
}

void daemon::on_tick() {
  core_->tick();
  arm_tick();
}

void daemon::watch_table() {
  monitor_fd_->async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;
    auto events = monitor_.read();
    if (!events) {
      spdlog::warn("netlink monitor: {}; checking the table", events.error.message());
      core_->kernel_lost();
    }
    for (const auto& event : events.value) {
      spdlog::warn("kernel: {} {} was removed by someone else; restoring", 
                   event.kind == netfilter::table_event_kind::table_deleted ? "table" : "object", event.name);
      core_->kernel_lost();
    }
    if (!events || !events.value.empty()) {
      core_->tick();
      arm_tick();
    }
    watch_table();
  });
}

void daemon::arm_watchdog() {
  if (watchdog_interval_us_ == 0) return;
  watchdog_timer_.expires_after(std::chrono::microseconds{watchdog_interval_us_ / 2});
  watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    sd_notify(0, "WATCHDOG=1");
    arm_watchdog();
  });
}

void daemon::wait_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (signal != SIGHUP) return stop();
    try {
      reload();
    } catch (const std::exception& e) {
      spdlog::error("agent: reload refused, keeping the running configuration: {}", e.what());
    }
    wait_signal();
  });
}

void daemon::reload() {
  auto fresh = load_config(options_.config_path);  // throws with every problem in the file
  core_->reconfigure(fresh->whitelist, fresh->gateway_networks(), fresh->parameters);
  pump_->set_inspector(inspector(fresh->scanner_user_agents));
  config_ = std::move(fresh);
  spdlog::info("agent: configuration reloaded");
}

wire::json daemon::kernel_status() {
  wire::json j;
  j["table"] = "inet " + config_->agent.table;
  j["queue_mode"] = firewall_.spec().queue == netfilter::queue_kind::native ? "native" : "compat";
  wire::json counters = wire::json::object();
  if (auto listed = firewall_.counters()) {
    for (const auto& c : listed.value) counters[c.name] = {{"packets", c.packets}, {"bytes", c.bytes}};
  } else {
    j["error"] = listed.error.message();
  }
  j["counters"] = counters;
  return j;
}

void daemon::stop() {
  sd_notify(0, "STOPPING=1");
  server_->stop();
  pump_->stop();
  core_->flush();
  core_->tick();
  io_.stop();
}

int daemon::run() {
  wait_signal();
  watch_table();
  pump_->start();
  arm_tick();
  reconcile_timer_.expires_after(reconcile_period);
  std::function<void(const boost::system::error_code&)> periodic = [this, &periodic](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto failure = core_->reconcile()) spdlog::error("kernel: periodic check failed: {}", failure->message);
    // Listing a set costs the kernel more the larger it is: check big tables less often.
    const auto blocks = static_cast<long>(engine_->blocks().active().size());
    reconcile_timer_.expires_after(reconcile_period * std::max(1L, blocks / 20000));
    reconcile_timer_.async_wait(periodic);
  };
  reconcile_timer_.async_wait(periodic);
  if (sd_watchdog_enabled(0, &watchdog_interval_us_) <= 0) watchdog_interval_us_ = 0;
  arm_watchdog();
  sd_notify(0, "READY=1");
  spdlog::info("agent: serving on {}", socket_path_);
  io_.run();
  spdlog::info("agent: stopped; the kernel table stays in place");
  return 0;
}

int teardown(const daemon_options& options) {
  const auto c = load_config(options.config_path);
  auto opened = netfilter::firewall::open(spec_of(*c));
  if (!opened) throw std::runtime_error("netlink: " + opened.error.message());
  if (auto err = opened.value.teardown()) throw std::runtime_error("nftables: " + err.message());
  spdlog::info("agent: removed table inet {}", c->agent.table);
  return 0;
}

}  // namespace tollgate::agent
