// The agent core: the pipeline from report to kernel, database, audit and switch.
#include "agent/core.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "agent/audit_record.hpp"

namespace tollgate::agent {
namespace {

std::size_t decision_index(const policy::decision& d) { return d.what.index(); }

bool touches_kernel(const policy::decision& d) {
  if (std::holds_alternative<policy::block>(d.what)) return true;
  // An expired block left the kernel by its own timeout at the same instant.
  if (const auto* r = std::get_if<policy::release>(&d.what)) return r->reason != "expired";
  return false;
}

std::optional<base::millis> remaining(const std::optional<base::timestamp>& until, base::timestamp now) {
  if (!until) return std::nullopt;
  return *until - now;
}

std::uint32_t repeat_of(const std::string& evidence) {
  const auto j = nlohmann::json::parse(evidence, nullptr, false);
  if (!j.is_object() || !j.contains("repeat") || !j["repeat"].is_number_unsigned()) return 0;
  return j["repeat"].get<std::uint32_t>();
}

}  // namespace

core::core(policy::engine& engine, kernel_port& kernel, state_journal& journal, base::clock& clock,
           core_options options)
    : engine_(engine),
      kernel_(kernel),
      journal_(journal),
      parameters_(journal.database()),
      whitelist_(journal.database()),
      clock_(clock),
      options_(std::move(options)) {}

void core::refresh_protections() {
  std::vector<base::ip_prefix> all = options_.config_whitelist;
  all.insert(all.end(), runtime_whitelist_.begin(), runtime_whitelist_.end());
  engine_.protections().set_whitelist(std::move(all));
  engine_.protections().set_gateways(options_.gateways);
}

std::vector<core::whitelist_entry> core::whitelist() const {
  std::vector<whitelist_entry> list;
  for (const auto& cidr : options_.config_whitelist) list.push_back({cidr, "config"});
  for (const auto& cidr : runtime_whitelist_) list.push_back({cidr, "runtime"});
  return list;
}

kernel_status core::start() {
  const base::timestamp now = clock_.now();
  std::vector<policy::decision> expired;

  if (auto rows = parameters_.load_all()) {
    for (const auto& row : *rows) {
      const auto id = policy::find_parameter(row.name);
      if (!id || row.origin != "runtime") continue;
      if (auto error = engine_.parameters().set(*id, row.value, policy::parameter_origin::runtime)) {
        spdlog::warn("agent.db: ignoring stored parameter: {}", *error);
      }
    }
  } else {
    spdlog::error("agent.db: cannot load parameters: {}", rows.error().message);
  }

  if (auto rows = whitelist_.list()) {
    for (const auto& row : *rows) runtime_whitelist_.push_back(row.cidr);
  } else {
    spdlog::error("agent.db: cannot load the whitelist: {}", rows.error().message);
  }
  refresh_protections();

  const auto recidive = std::chrono::seconds{engine_.parameters().get(policy::parameter::BLACKLIST_RECIDIVE_WINDOW)};
  if (auto rows = journal_.blocks().history_since(now - recidive - std::chrono::seconds{
                                                                          engine_.parameters().get(
                                                                              policy::parameter::BLACKLIST_MAX_DURATION)})) {
    std::map<base::ip_prefix, std::pair<base::timestamp, std::uint32_t>> last;
    for (const auto& row : *rows) {
      if (row.duration.count() == 0) continue;  // permanent: never released
      auto [it, inserted] = last.try_emplace(row.prefix, row.blocked_at + row.duration, 0);
      if (!inserted) it->second = {row.blocked_at + row.duration, it->second.second + 1};
    }
    for (const auto& [prefix, released] : last) engine_.restore_history(prefix, released.first, released.second);
  }

  auto blocks = journal_.blocks().load_all();
  if (!blocks) return kernel_failure{blocks.error().code, "agent.db: cannot load blocks: " + blocks.error().message};
  for (const auto& row : *blocks) {
    if (row.until && *row.until <= now) {
      expired.push_back({*row.until, policy::release{row.prefix, "expired", "policy"}});
      continue;
    }
    const auto reason = policy::parse_block_reason(row.reason).value_or(policy::block_reason::manual);
    engine_.restore_block(row.prefix, {row.until, reason, repeat_of(row.evidence)});
  }
  auto suspensions = journal_.suspensions().list();
  if (!suspensions) {
    return kernel_failure{suspensions.error().code, "agent.db: cannot load suspensions: " + suspensions.error().message};
  }
  for (const auto& row : *suspensions) {
    if (row.until <= now) {
      expired.push_back({row.until, policy::unsuspend{row.endpoint, "expired"}});
    } else {
      engine_.restore_suspension(row.endpoint, row.until);
    }
  }
  std::stable_sort(expired.begin(), expired.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
  commit(std::move(expired), {}, {});
  return restore_kernel();
}

kernel_status core::restore_kernel() {
  if (auto failure = kernel_.ensure_table()) return failure;
  std::vector<base::ip_prefix> allow;
  for (const auto& entry : whitelist()) allow.push_back(entry.cidr);
  if (auto failure = kernel_.set_allow(allow)) return failure;
  std::vector<base::ip_prefix> trusted;
  for (const auto& address : engine_.protections().registered(clock_.now())) {
    trusted.push_back(base::ip_prefix::host(address));
  }
  if (auto failure = kernel_.set_trusted(trusted)) return failure;
  apply_parameter_to_kernel(policy::parameter::REGISTER_RATE_LIMIT);
  apply_parameter_to_kernel(policy::parameter::INSPECT_ENABLE);
  return reconcile(reconcile_mode::add_missing);
}

kernel_status core::reconcile(reconcile_mode mode) {
  ++counters_.reconciliations;
  const base::timestamp now = clock_.now();
  const auto& active = engine_.blocks().active();
  std::vector<kernel_block> wanted;
  wanted.reserve(active.size());
  for (const auto& [prefix, entry] : active) {
    if (!entry.until || *entry.until > now) wanted.push_back({prefix, remaining(entry.until, now)});
  }
  std::vector<base::ip_prefix> extra;
  if (mode == reconcile_mode::full) {
    kernel_failure failure;
    const auto listed = kernel_.list_blocks(failure);
    if (!listed) {
      kernel_dirty_ = true;
      return failure;
    }
    absl::flat_hash_map<base::ip_prefix, bool, std::hash<base::ip_prefix>> in_kernel;
    for (const auto& element : *listed) {
      in_kernel[element.prefix] = true;
      const auto it = active.find(element.prefix);
      if (it == active.end() || (it->second.until && *it->second.until <= now)) extra.push_back(element.prefix);
    }
    std::erase_if(wanted, [&](const kernel_block& b) { return in_kernel.contains(b.prefix); });
    counters_.reconcile_repairs += wanted.size() + extra.size();
    if (!wanted.empty() || !extra.empty()) {
      spdlog::warn("kernel: reconciled blocks with agent.db: {} added, {} removed", wanted.size(), extra.size());
    }
  }
  if (!extra.empty()) {
    if (auto f = kernel_.remove_blocks(extra)) {
      kernel_dirty_ = true;
      return f;
    }
  }
  if (!wanted.empty()) {
    if (auto f = kernel_.add_blocks(wanted)) {
      kernel_dirty_ = true;
      return f;
    }
  }
  // Only a full check proves the kernel holds nothing more than the policy.
  if (mode == reconcile_mode::full) kernel_dirty_ = false;
  return std::nullopt;
}

void core::submit(policy::report report, base::steady_timestamp received) {
  if (queue_.size() >= options_.max_queued_reports) {
    queue_.pop_front();
    ++counters_.dropped_reports;
  }
  queue_.push_back({std::move(report), received});
}

void core::flush() {
  if (queue_.empty()) return;
  const base::timestamp now = clock_.now();
  std::vector<policy::decision> decisions;
  std::vector<base::steady_timestamp> waiting;
  const std::size_t n = std::min(queue_.size(), options_.max_batch);
  for (std::size_t i = 0; i < n; ++i) {
    queued& q = queue_.front();
    ++counters_.reports[static_cast<std::size_t>(q.report.type)];
    const std::size_t before = decisions.size();
    engine_.on_report(q.report, now, decisions);
    for (std::size_t k = before; k < decisions.size(); ++k) {
      if (touches_kernel(decisions[k])) {
        waiting.push_back(q.received);
        break;
      }
    }
    queue_.pop_front();
  }
  apply_trust_changes();
  commit(std::move(decisions), {}, waiting);
}

void core::tick() {
  if (kernel_lost_) {
    if (auto failure = restore_kernel()) {
      spdlog::error("kernel: cannot restore table: {}", failure->message);
    } else {
      spdlog::warn("kernel: our table was gone; restored it from agent.db");
      kernel_lost_ = false;
    }
  }
  std::vector<policy::decision> decisions;
  engine_.on_tick(clock_.now(), decisions);
  apply_trust_changes();
  commit(std::move(decisions), {}, {});
  write_unwritten();
  if (kernel_dirty_ && !kernel_lost_) reconcile();
}

void core::apply_trust_changes() {
  std::vector<base::ip_prefix> added;
  std::vector<base::ip_prefix> removed;
  for (const auto& change : engine_.take_trust_changes()) {
    (change.trusted ? added : removed).push_back(base::ip_prefix::host(change.address));
  }
  if (!added.empty()) {
    if (auto f = kernel_.add_trusted(added)) {
      ++counters_.kernel_failures;
      spdlog::error("kernel: cannot add trusted sources: {}", f->message);
      kernel_lost_ = true;  // a full restore rewrites the trusted sets
    }
  }
  if (!removed.empty()) {
    if (auto f = kernel_.remove_trusted(removed)) {
      ++counters_.kernel_failures;
      spdlog::error("kernel: cannot remove trusted sources: {}", f->message);
      kernel_lost_ = true;
    }
  }
}

bool core::apply_to_kernel(const std::vector<policy::decision>& decisions) {
  const base::timestamp now = clock_.now();
  std::vector<kernel_block> adds;
  std::vector<base::ip_prefix> removes;
  for (const auto& d : decisions) {
    if (const auto* b = std::get_if<policy::block>(&d.what)) {
      const auto timeout = remaining(b->until, now);
      if (!timeout || timeout->count() > 0) adds.push_back({b->address, timeout});
    } else if (const auto* r = std::get_if<policy::release>(&d.what); r && touches_kernel(d)) {
      removes.push_back(r->address);
    }
  }
  bool ok = true;
  if (!removes.empty()) {
    if (auto f = kernel_.remove_blocks(removes)) {
      ++counters_.kernel_failures;
      spdlog::error("kernel: cannot remove {} block(s): {}", removes.size(), f->message);
      ok = false;
    }
  }
  if (!adds.empty()) {
    if (auto f = kernel_.add_blocks(adds)) {
      ++counters_.kernel_failures;
      spdlog::error("kernel: cannot add {} block(s): {}", adds.size(), f->message);
      ok = false;
    }
  }
  if (!ok) kernel_dirty_ = true;  // the next tick reconciles against the policy
  return ok;
}

void core::commit(std::vector<policy::decision> decisions, std::vector<store::audit_entry> changes,
                  const std::vector<base::steady_timestamp>& waiting_for_kernel) {
  if (decisions.empty() && changes.empty()) return;
  const bool kernel_ok = apply_to_kernel(decisions);
  if (kernel_ok && !waiting_for_kernel.empty()) {
    const auto acked = clock_.steady_now();
    for (const auto received : waiting_for_kernel) {
      latency_.record(std::chrono::duration_cast<std::chrono::microseconds>(acked - received));
    }
  }
  batch b;
  for (const auto& d : decisions) {
    ++counters_.decisions[decision_index(d)];
    b.audit.push_back(audit_of(d));
  }
  for (auto& change : changes) b.audit.push_back(std::move(change));
  b.decisions = std::move(decisions);
  // Enforcement must not wait on the disk: the switch hears of suspensions now, and the
  // rows follow as soon as agent.db takes them.
  if (on_switch_decision) {
    for (const auto& d : b.decisions) {
      if (std::holds_alternative<policy::suspend>(d.what) || std::holds_alternative<policy::unsuspend>(d.what)) {
        on_switch_decision(d);
      }
    }
  }
  unwritten_.push_back(std::move(b));
  write_unwritten();
}

void core::write_unwritten() {
  while (!unwritten_.empty()) {
    batch& b = unwritten_.front();
    if (auto r = journal_.write(b.decisions, b.audit); !r) {
      ++counters_.store_failures;
      spdlog::error("agent.db: cannot write {} decision(s), will retry: {}", b.decisions.size(), r.error().message);
      return;
    }
    if (on_audit) {
      for (const auto& row : b.audit) on_audit(row);
    }
    unwritten_.pop_front();
  }
}

void core::apply_parameter_to_kernel(policy::parameter p) {
  const auto& params = engine_.parameters();
  kernel_status failure;
  if (p == policy::parameter::REGISTER_RATE_LIMIT || p == policy::parameter::REGISTER_RATE_BURST) {
    failure = kernel_.set_rate(static_cast<std::uint32_t>(params.get(policy::parameter::REGISTER_RATE_LIMIT)),
                               static_cast<std::uint32_t>(params.get(policy::parameter::REGISTER_RATE_BURST)));
  } else if (p == policy::parameter::INSPECT_ENABLE) {
    failure = kernel_.set_inspect(params.enabled(policy::parameter::INSPECT_ENABLE));
  }
  if (failure) {
    ++counters_.kernel_failures;
    spdlog::error("kernel: cannot apply {}: {}", policy::info(p).name, failure->message);
    kernel_lost_ = true;
  }
}

command_outcome core::block(const base::ip_prefix& prefix, std::optional<std::chrono::seconds> duration,
                            const std::string& actor, const std::string& note, bool force) {
  std::vector<policy::decision> decisions;
  const base::timestamp now = clock_.now();
  // Replacing a block: the kernel keeps an element's first timeout, so the old one goes.
  if (engine_.blocks().find(prefix) != nullptr) engine_.release_manually(prefix, actor, now, decisions);
  switch (engine_.block_manually(prefix, duration, actor, note, force, now, decisions)) {
    case policy::manual_block_result::refused_whitelisted:
      return {false, prefix.to_string() + " overlaps the whitelist; use --force to block it anyway", std::nullopt};
    case policy::manual_block_result::refused_invalid:
      return {false, "a block needs a positive duration or --permanent", std::nullopt};
    case policy::manual_block_result::blocked: break;
  }
  command_outcome outcome{true, "", decisions.back()};
  commit(std::move(decisions), {}, {});
  return outcome;
}

command_outcome core::unblock(const base::ip_prefix& prefix, const std::string& actor) {
  std::vector<policy::decision> decisions;
  if (!engine_.release_manually(prefix, actor, clock_.now(), decisions)) {
    return {false, prefix.to_string() + " is not blocked", std::nullopt};
  }
  command_outcome outcome{true, "", decisions.back()};
  commit(std::move(decisions), {}, {});
  return outcome;
}

std::size_t core::flush_blacklist(const std::string& actor) {
  std::vector<base::ip_prefix> all;
  for (const auto& [prefix, entry] : engine_.blocks().active()) all.push_back(prefix);
  std::vector<policy::decision> decisions;
  for (const auto& prefix : all) engine_.release_manually(prefix, actor, clock_.now(), decisions);
  const std::size_t n = decisions.size();
  commit(std::move(decisions), {}, {});
  return n;
}

command_outcome core::whitelist_add(const base::ip_prefix& cidr, const std::string& actor) {
  for (const auto& entry : whitelist()) {
    if (entry.cidr == cidr) return {false, cidr.to_string() + " is already whitelisted (" + entry.origin + ")", {}};
  }
  if (auto r = whitelist_.upsert({cidr, clock_.now(), actor}); !r) {
    return {false, "agent.db: " + r.error().message, std::nullopt};
  }
  runtime_whitelist_.push_back(cidr);
  refresh_protections();
  if (auto f = restore_kernel()) {
    kernel_lost_ = true;
    spdlog::error("kernel: cannot update the whitelist: {}", f->message);
  }
  commit({}, {audit_change(clock_.now(), actor, "whitelist_add", cidr.to_string(), "admin")}, {});
  return {true, "", std::nullopt};
}

command_outcome core::whitelist_del(const base::ip_prefix& cidr, const std::string& actor) {
  const auto it = std::find(runtime_whitelist_.begin(), runtime_whitelist_.end(), cidr);
  if (it == runtime_whitelist_.end()) {
    const bool in_config = std::find(options_.config_whitelist.begin(), options_.config_whitelist.end(), cidr) !=
                           options_.config_whitelist.end();
    return {false,
            cidr.to_string() + (in_config ? " comes from the config file; remove it there and reload"
                                          : " is not whitelisted"),
            std::nullopt};
  }
  if (auto r = whitelist_.erase(cidr); !r) return {false, "agent.db: " + r.error().message, std::nullopt};
  runtime_whitelist_.erase(it);
  refresh_protections();
  if (auto f = restore_kernel()) {
    kernel_lost_ = true;
    spdlog::error("kernel: cannot update the whitelist: {}", f->message);
  }
  commit({}, {audit_change(clock_.now(), actor, "whitelist_del", cidr.to_string(), "admin")}, {});
  return {true, "", std::nullopt};
}

command_outcome core::clear_suspension(const std::string& endpoint, const std::string& actor) {
  std::vector<policy::decision> decisions;
  if (!engine_.clear_suspension(endpoint, actor, clock_.now(), decisions)) {
    return {false, endpoint + " is not suspended", std::nullopt};
  }
  command_outcome outcome{true, "", decisions.back()};
  commit(std::move(decisions), {}, {});
  return outcome;
}

command_outcome core::set_parameter(const std::string& name, std::int64_t value, const std::string& actor) {
  const auto id = policy::find_parameter(name);
  if (!id) return {false, "unknown parameter \"" + name + "\"", std::nullopt};
  if (auto error = policy::check_range(*id, value)) return {false, *error, std::nullopt};
  const std::string canonical(policy::info(*id).name);
  const std::int64_t old_value = engine_.parameters().get(*id);
  if (auto r = parameters_.upsert({canonical, value, "runtime"}); !r) {
    return {false, "agent.db: " + r.error().message, std::nullopt};
  }
  (void)engine_.parameters().set(*id, value, policy::parameter_origin::runtime);
  apply_parameter_to_kernel(*id);
  commit({},
         {audit_change(clock_.now(), actor, "param_set", canonical, "admin",
                       "{\"old\":" + std::to_string(old_value) + ",\"new\":" + std::to_string(value) + "}")},
         {});
  return {true, "", std::nullopt};
}

void core::reconfigure(std::vector<base::ip_prefix> config_whitelist, std::vector<base::ip_prefix> gateways,
                       const policy::parameter_set& config_parameters) {
  options_.config_whitelist = std::move(config_whitelist);
  options_.gateways = std::move(gateways);
  refresh_protections();
  auto& params = engine_.parameters();
  for (const auto& entry : policy::parameter_table()) {
    if (params.origin(entry.id) == policy::parameter_origin::runtime) continue;
    (void)params.set(entry.id, config_parameters.get(entry.id), config_parameters.origin(entry.id));
  }
  if (auto f = restore_kernel()) {
    kernel_lost_ = true;
    spdlog::error("kernel: cannot apply the reloaded config: {}", f->message);
  }
  commit({}, {audit_change(clock_.now(), "config", "reload", "tollgate.toml", "reload")}, {});
}

void core::audit_refusal(const std::string& who, const std::string& what) {
  commit({}, {audit_change(clock_.now(), who, "refused", what, "not allowed")}, {});
}

}  // namespace tollgate::agent
