// The hardening checklist: each item a condition on the config, a message and a fix.
#include "config/hardening.hpp"

#include <algorithm>
#include <cctype>

namespace tollgate::config {

std::string_view to_string(severity s) {
  switch (s) {
    case severity::low: return "low";
    case severity::medium: return "medium";
    case severity::high: return "high";
  }
  return "low";
}

bool weak_password(std::string_view name, std::string_view password) {
  if (password.size() < 12 || password == name) return true;
  bool lower = false, upper = false, digit = false, other = false;
  for (char ch : password) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::islower(c)) lower = true;
    else if (std::isupper(c)) upper = true;
    else if (std::isdigit(c)) digit = true;
    else other = true;
  }
  return lower + upper + digit + other < 2;
}

bool site_dependent(std::string_view finding_id) { return finding_id == "whitelist_empty"; }

namespace {

std::string password_problem(std::string_view name, std::string_view password) {
  if (password == name) return "the password equals the name";
  if (password.size() < 12) return "the password has " + std::to_string(password.size()) + " characters";
  return "the password uses one kind of character only";
}

bool is_loopback(const base::ip_address& a) {
  const auto plain = a.unmapped();
  if (plain.is_v4()) return plain.bytes()[0] == 127;
  return plain == *base::ip_address::parse("::1");
}

}  // namespace

std::vector<finding> hardening_findings(const config& c) { return hardening_findings(c, c.parameters); }

std::vector<finding> hardening_findings(const config& c, const policy::parameter_set& p) {
  using policy::parameter;
  std::vector<finding> out;
  auto add = [&](std::string id, severity s, std::string message, std::string fix) {
    out.push_back({std::move(id), s, std::move(message), std::move(fix)});
  };
  auto value = [&](parameter id) { return std::to_string(p.get(id)); };

  if (!p.enabled(parameter::SS_ENDPOINTREGISTERSUSPEND)) {
    add("suspend_disabled", severity::high,
        "authentication suspend is off: a password can be guessed at the speed of the network",
        "set SS_ENDPOINTREGISTERSUSPEND = 1 in [parameters]");
  }
  if (p.get(parameter::SS_ENDPOINTREGISTERRETRY) > 10) {
    add("suspend_retry_high", severity::medium,
        "SS_ENDPOINTREGISTERRETRY is " + value(parameter::SS_ENDPOINTREGISTERRETRY) +
            ": more than 10 wrong passwords in a row before an endpoint is suspended",
        "set SS_ENDPOINTREGISTERRETRY = 5 in [parameters]");
  }
  if (p.get(parameter::SS_ENDPOINTREGISTERSUSPENDTIME) < 300) {
    add("suspend_time_short", severity::medium,
        "SS_ENDPOINTREGISTERSUSPENDTIME is " + value(parameter::SS_ENDPOINTREGISTERSUSPENDTIME) +
            " s: a suspension under 300 s barely slows a password guesser",
        "set SS_ENDPOINTREGISTERSUSPENDTIME = 600 in [parameters]");
  }
  if (!p.enabled(parameter::BLACKLIST_ENABLE)) {
    add("blacklist_disabled", severity::high, "the dynamic blacklist is off: scanners and guessers are never blocked",
        "set BLACKLIST_ENABLE = 1 in [parameters]");
  }
  if (!p.enabled(parameter::BLACKLIST_SCANNER_UA)) {
    add("scanner_block_disabled", severity::medium,
        "sources with a scanner User-Agent are not blocked at once (BLACKLIST_SCANNER_UA = 0)",
        "set BLACKLIST_SCANNER_UA = 1 in [parameters]");
  }
  if (p.get(parameter::REGISTER_RATE_LIMIT) == 0) {
    add("rate_limit_off", severity::medium,
        "REGISTER requests are not rate-limited in the kernel (REGISTER_RATE_LIMIT = 0)",
        "set REGISTER_RATE_LIMIT = 10 in [parameters]");
  }
  if (!p.enabled(parameter::SERVER_BILLING_RECORD_ILLEGAL_CALL)) {
    add("illegal_call_recording_off", severity::medium,
        "illegal calls leave no CDR (SERVER_BILLING_RECORD_ILLEGAL_CALL = 0): toll-fraud attempts go unseen",
        "set SERVER_BILLING_RECORD_ILLEGAL_CALL = 1 in [parameters]");
  }
  if (!p.enabled(parameter::INSPECT_ENABLE)) {
    add("inspector_off", severity::medium,
        "the NFQUEUE inspector is off (INSPECT_ENABLE = 0): malformed SIP and scanners reach the switch",
        "set INSPECT_ENABLE = 1 in [parameters]");
  } else if (c.scanner_user_agents.empty()) {
    add("scanner_list_empty", severity::low,
        "[inspector] user_agents is empty: no scanner is recognised by its User-Agent",
        "remove user_agents from [inspector] to use the built-in list");
  }
  if (c.whitelist.empty()) {
    add("whitelist_empty", severity::medium,
        "the whitelist is empty: an administrator's own address can be blocked by a mistyped password",
        "add the administrators' and offices' addresses to cidrs in [whitelist]");
  }
  for (const auto& e : c.endpoints) {
    if (!e.password.empty() && weak_password(e.name, e.password)) {
      add("weak_password", severity::high, "endpoint " + e.name + ": " + password_problem(e.name, e.password),
          "give endpoint " + e.name + " a password of at least 12 characters mixing letters, digits and symbols");
    }
  }
  for (const auto& g : c.mapping_gateways) {
    if (g.auth == gateway_auth::password && weak_password(g.username, g.password)) {
      add("weak_password", severity::high,
          "mapping gateway " + g.name + ": " + password_problem(g.username, g.password),
          "give mapping gateway " + g.name +
              " a password of at least 12 characters mixing letters, digits and symbols");
    }
    for (const auto& network : g.networks) {
      const unsigned wide = network.family() == base::ip_family::v4 ? 16 : 32;
      if (network.length() == 0) {
        add("mapping_gateway_open", severity::high,
            "mapping gateway " + g.name + " accepts calls from every address (" + network.to_string() + ")",
            "list only the customer's own addresses in its addresses");
      } else if (network.length() < wide) {
        add("mapping_gateway_wide", severity::medium,
            "mapping gateway " + g.name + " accepts calls from " + network.to_string() + ", a network wider than /" +
                std::to_string(wide),
            "list only the customer's own addresses in its addresses");
      }
    }
  }
  // A trade-off, not a weakness: SHA-256 is the stronger digest, but many deployed phones
  // (baresip 1.0 among them) fail to register when a challenge offers two algorithms.
  const auto offers_sha256 = [](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), "SHA-256") != list.end();
  };
  std::string sha256_endpoints;
  for (const auto& e : c.endpoints) {
    if (offers_sha256(e.digest_algorithms)) sha256_endpoints += (sha256_endpoints.empty() ? "" : ", ") + e.name;
  }
  if (offers_sha256(c.sip.digest_algorithms)) {
    add("digest_sha256_offered", severity::low,
        "[switch] digest_algorithms offers SHA-256 to every endpoint: phones such as baresip 1.0 fail to register "
        "when a challenge offers both MD5 and SHA-256",
        "set digest_algorithms = [\"MD5\"] in [switch], and digest_algorithms = [\"SHA-256\", \"MD5\"] only on "
        "the [[endpoint]]s whose phones take it");
  } else if (!sha256_endpoints.empty()) {
    add("digest_sha256_offered", severity::low,
        "digest_algorithms offers SHA-256 to endpoint(s) " + sha256_endpoints +
            ": their phones must take it (baresip 1.0, for one, fails to register when offered both)",
        "remove digest_algorithms from an [[endpoint]] whose phone cannot register");
  }
  if (c.agent.metrics && !is_loopback(c.agent.metrics->address)) {
    add("metrics_exposed", severity::medium,
        "the metrics listener " + c.agent.metrics->to_string() + " is reachable beyond this host",
        "set metrics = \"127.0.0.1:" + std::to_string(c.agent.metrics->port) + "\" in [agent]");
  }
  std::stable_sort(out.begin(), out.end(), [](const finding& a, const finding& b) { return a.severity > b.severity; });
  return out;
}

}  // namespace tollgate::config
