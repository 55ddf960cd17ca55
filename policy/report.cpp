// Reports: names of report types and failure reasons as the JSON lines spell them.
#include "policy/report.hpp"

#include <array>
#include <utility>

namespace tollgate::policy {
namespace {

constexpr std::array<std::pair<report_type, std::string_view>, report_type_count> report_names{{
    {report_type::register_failed, "register_failed"},
    {report_type::register_ok, "register_ok"},
    {report_type::illegal_call, "illegal_call"},
    {report_type::call_auth_failed, "call_auth_failed"},
    {report_type::scanner_seen, "scanner_seen"},
    {report_type::malformed_sip, "malformed_sip"},
    {report_type::endpoint_suspended, "endpoint_suspended"},
}};

constexpr std::array<std::pair<failure_reason, std::string_view>, 7> reason_names{{
    {failure_reason::wrong_password, "wrong_password"},
    {failure_reason::unknown_user, "unknown_user"},
    {failure_reason::realm_mismatch, "realm_mismatch"},
    {failure_reason::stale_nonce, "stale_nonce"},
    {failure_reason::malformed_credentials, "malformed_credentials"},
    {failure_reason::suspended, "suspended"},
    {failure_reason::not_allowed_from_address, "not_allowed_from_address"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& names, std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(report_type type) { return name_of(report_names, type); }
std::optional<report_type> parse_report_type(std::string_view text) { return value_of(report_names, text); }
std::string_view to_string(failure_reason reason) { return name_of(reason_names, reason); }
std::optional<failure_reason> parse_failure_reason(std::string_view text) { return value_of(reason_names, text); }

}  // namespace tollgate::policy
