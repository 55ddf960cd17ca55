// The policy engine: routes each report to suspend and blacklist logic and judges sources.
#include "policy/engine.hpp"

#include <functional>
#include <string_view>

namespace tollgate::policy {
namespace {

std::uint32_t name_hash(std::string_view name) {
  const std::size_t h = std::hash<std::string_view>{}(name);
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

base::millis window_of(const parameter_set& params) {
  return std::chrono::seconds{params.get(parameter::BLACKLIST_WINDOW)};
}

}  // namespace

engine::engine(parameter_set params, engine_options options)
    : params_(params),
      scanners_(std::move(options.scanner_user_agents)),
      suspend_(options.endpoints),
      sources_(options.max_sources) {}

base::ip_prefix engine::source_of(const base::ip_address& address) const {
  const base::ip_address a = address.unmapped();
  if (a.is_v4()) return base::ip_prefix::host(a);
  return base::ip_prefix::of(a, static_cast<unsigned>(params_.get(parameter::BLACKLIST_IPV6_PREFIX)));
}

void engine::on_report(const report& r, base::timestamp now, std::vector<decision>& out) {
  if (r.type == report_type::register_ok) {
    suspend_.on_success(r.endpoint);
    const auto change = protections_.on_registered(r.ip, now + std::chrono::seconds{r.expires}, now);
    if (change != protection_set::change::none) {
      trust_changes_.push_back({r.ip.unmapped(), change == protection_set::change::added});
    }
  } else if (r.type == report_type::register_failed) {
    suspend_.on_failure(r, params_, now, out);
  } else if (r.type == report_type::endpoint_suspended) {
    // The failures behind it were reported one by one and counted as evidence already.
    suspend_.adopt(r, now, out);
    return;
  }
  if (!params_.enabled(parameter::BLACKLIST_ENABLE)) return;
  const base::ip_prefix source = source_of(r.ip);
  if (blocks_.blocked(source, now)) return;  // already blocked: its packets are the kernel's now
  add_evidence(r, source, now, out);
}

void engine::add_evidence(const report& r, const base::ip_prefix& source, base::timestamp now,
                          std::vector<decision>& out) {
  if (params_.enabled(parameter::BLACKLIST_SCANNER_UA) &&
      (r.type == report_type::scanner_seen || !scanners_.match(r.user_agent).empty())) {
    judge(source, block_reason::scanner_ua, 1, r, now, out);
    return;
  }
  if (r.type == report_type::register_ok || r.type == report_type::scanner_seen) return;

  source_evidence* e = sources_.track(source, now, window_of(params_));
  if (e == nullptr) return;  // table full of active sources: counted in sources().untracked()
  const base::millis window = window_of(params_);

  switch (r.type) {
    case report_type::register_failed:
    case report_type::call_auth_failed: {
      const std::uint32_t failures = e->add(evidence_kind::auth_failure, now, window);
      const std::uint32_t distinct = r.endpoint.empty() ? 0 : e->add_endpoint(name_hash(r.endpoint), now, window);
      if (distinct >= static_cast<std::uint32_t>(params_.get(parameter::BLACKLIST_DISTINCT_ENDPOINTS))) {
        judge(source, block_reason::distinct_endpoints, distinct, r, now, out);
      } else if (failures >= static_cast<std::uint32_t>(params_.get(parameter::BLACKLIST_REGISTER_FAILURES))) {
        judge(source, block_reason::register_failures, failures, r, now, out);
      }
      break;
    }
    case report_type::illegal_call: {
      const std::uint32_t calls = e->add(evidence_kind::illegal_call, now, window);
      if (calls >= static_cast<std::uint32_t>(params_.get(parameter::BLACKLIST_ILLEGAL_CALLS))) {
        judge(source, block_reason::illegal_calls, calls, r, now, out);
      }
      break;
    }
    case report_type::malformed_sip: {
      const std::uint32_t malformed = e->add(evidence_kind::malformed, now, window);
      if (malformed >= static_cast<std::uint32_t>(params_.get(parameter::BLACKLIST_REGISTER_FAILURES))) {
        judge(source, block_reason::malformed_sip, malformed, r, now, out);
      }
      break;
    }
    case report_type::register_ok:
    case report_type::scanner_seen:
    case report_type::endpoint_suspended: break;
  }
}

void engine::judge(const base::ip_prefix& source, block_reason reason, std::uint32_t count, const report& r,
                   base::timestamp now, std::vector<decision>& out) {
  sources_.forget(source);  // each threshold crossing is one decision; counting starts again
  evidence why{r.endpoint.empty() ? r.callee : r.endpoint, r.call_id, r.user_agent, count};
  if (const auto kind = protections_.protects(source, now)) {
    out.push_back(decision{now, protected_source{source, reason, *kind, std::move(why)}});
    return;
  }
  const auto [until, repeat] = blocks_.escalate(source, params_, now);
  blocks_.add(source, block_table::entry{until, reason, repeat});
  out.push_back(decision{now, block{source, until, reason, repeat, "policy", "", std::move(why)}});
}

void engine::on_tick(base::timestamp now, std::vector<decision>& out) {
  suspend_.on_tick(now, out);
  blocks_.on_tick(now, out);
  // Housekeeping once per window: stale evidence, expired registrations, old history.
  const base::millis window = window_of(params_);
  if (now - last_housekeeping_ >= window) {
    last_housekeeping_ = now;
    sources_.sweep(now, window);
    for (const auto& address : protections_.expire(now)) trust_changes_.push_back({address, false});
    blocks_.prune(params_, now);
  }
}

std::optional<base::timestamp> engine::next_due() const {
  const auto a = suspend_.next_due();
  const auto b = blocks_.next_due();
  if (a && b) return std::min(*a, *b);
  return a ? a : b;
}

manual_block_result engine::block_manually(const base::ip_prefix& prefix, std::optional<std::chrono::seconds> duration,
                                           const std::string& actor, const std::string& note, bool force,
                                           base::timestamp now, std::vector<decision>& out) {
  if (duration && duration->count() <= 0) return manual_block_result::refused_invalid;
  if (!force && protections_.whitelisted(prefix)) return manual_block_result::refused_whitelisted;
  std::optional<base::timestamp> until;
  if (duration) until = now + *duration;
  blocks_.add(prefix, block_table::entry{until, block_reason::manual, 0});
  sources_.forget(prefix);
  out.push_back(decision{now, block{prefix, until, block_reason::manual, 0, actor, note, {}}});
  return manual_block_result::blocked;
}

bool engine::release_manually(const base::ip_prefix& prefix, const std::string& actor, base::timestamp now,
                              std::vector<decision>& out) {
  if (!blocks_.remove(prefix, now)) return false;
  out.push_back(decision{now, release{prefix, "manual", actor}});
  return true;
}

bool engine::clear_suspension(const std::string& endpoint, const std::string& actor, base::timestamp now,
                              std::vector<decision>& out) {
  return suspend_.clear(endpoint, actor, now, out);
}

}  // namespace tollgate::policy
