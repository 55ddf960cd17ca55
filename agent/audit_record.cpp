// Audit rows: decisions and changes to rows, rows to JSON lines.
#include "agent/audit_record.hpp"

#include <nlohmann/json.hpp>

namespace tollgate::agent {
namespace {

using json = nlohmann::ordered_json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json evidence_of(const policy::evidence& e) {
  json j = json::object();
  if (!e.endpoint.empty()) j["endpoint"] = e.endpoint;
  if (!e.call_id.empty()) j["call_id"] = e.call_id;
  if (!e.user_agent.empty()) j["user_agent"] = e.user_agent;
  if (e.count > 0) j["count"] = e.count;
  return j;
}

}  // namespace

store::audit_entry audit_of(const policy::decision& d) {
  store::audit_entry row;
  row.time = d.time;
  row.action = std::string(policy::kind_name(d));
  row.actor = "policy";
  struct fill {
    store::audit_entry& row;
    void operator()(const policy::suspend& s) const {
      row.subject = s.endpoint;
      row.reason = "register_failures";
      row.actor = s.actor;
      json e = evidence_of(s.why);
      e["failures"] = s.failures;
      e["until"] = base::to_unix_seconds(s.until);
      row.evidence = dump(e);
    }
    void operator()(const policy::unsuspend& u) const {
      row.subject = u.endpoint;
      row.reason = u.reason;
      row.actor = u.actor;
    }
    void operator()(const policy::block& b) const {
      row.subject = b.address.to_string();
      row.reason = std::string(policy::to_string(b.reason));
      row.actor = b.actor;
      json e = evidence_of(b.why);
      if (b.until) {
        e["until"] = base::to_unix_seconds(*b.until);
      } else {
        e["until"] = nullptr;
      }
      if (b.repeat > 0) e["repeat"] = b.repeat;
      if (!b.note.empty()) e["note"] = b.note;
      row.evidence = dump(e);
    }
    void operator()(const policy::protected_source& p) const {
      row.subject = p.address.to_string();
      row.reason = std::string(policy::to_string(p.reason));
      json e = evidence_of(p.why);
      e["protection"] = policy::to_string(p.kind);
      row.evidence = dump(e);
    }
    void operator()(const policy::release& r) const {
      row.subject = r.address.to_string();
      row.reason = r.reason;
      row.actor = r.actor;
    }
  };
  std::visit(fill{row}, d.what);
  return row;
}

store::audit_entry audit_change(base::timestamp time, std::string actor, std::string action, std::string subject,
                                std::string reason, std::string evidence) {
  store::audit_entry row;
  row.time = time;
  row.actor = std::move(actor);
  row.action = std::move(action);
  row.subject = std::move(subject);
  row.reason = std::move(reason);
  row.evidence = std::move(evidence);
  return row;
}

std::string audit_line(const store::audit_entry& entry) {
  json j;
  j["time"] = base::to_unix_seconds(entry.time);
  if (entry.id > 0) j["id"] = entry.id;
  j["actor"] = entry.actor;
  j["action"] = entry.action;
  j["subject"] = entry.subject;
  j["reason"] = entry.reason;
  j["evidence"] = json::parse(entry.evidence, nullptr, false);
  if (j["evidence"].is_discarded()) j["evidence"] = entry.evidence;
  return dump(j);
}

}  // namespace tollgate::agent
