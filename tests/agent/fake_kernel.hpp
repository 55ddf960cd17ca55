// A recording kernel for agent tests: sets as maps, and a countdown that fails the Nth call.
#pragma once

#include <map>
#include <set>

#include "agent/kernel_port.hpp"

namespace tollgate::test {

class fake_kernel final : public agent::kernel_port {
public:
  std::map<base::ip_prefix, std::optional<base::millis>> blocks;
  std::set<base::ip_prefix> allow;
  std::set<base::ip_prefix> trusted;
  std::uint32_t rate = 0;
  std::uint32_t burst = 0;
  bool inspect = false;
  bool table = false;
  int calls = 0;
  int adds = 0;
  /// Calls left before one fails with EIO; negative: never.
  int fail_after = -1;

  agent::kernel_status ensure_table() override {
    if (auto f = maybe_fail("ensure_table")) return f;
    table = true;
    return std::nullopt;
  }
  agent::kernel_status add_blocks(const std::vector<agent::kernel_block>& list) override {
    if (auto f = maybe_fail("add_blocks")) return f;
    for (const auto& b : list) blocks.try_emplace(b.prefix, b.timeout);  // existing elements keep theirs
    adds += static_cast<int>(list.size());
    return std::nullopt;
  }
  agent::kernel_status remove_blocks(const std::vector<base::ip_prefix>& list) override {
    if (auto f = maybe_fail("remove_blocks")) return f;
    for (const auto& p : list) {
      if (!blocks.count(p)) return agent::kernel_failure{std::make_error_code(std::errc::no_such_file_or_directory), "no element " + p.to_string()};
    }
    for (const auto& p : list) blocks.erase(p);
    return std::nullopt;
  }
  std::optional<std::vector<agent::kernel_block>> list_blocks(agent::kernel_failure& failure) override {
    if (auto f = maybe_fail("list_blocks")) {
      failure = *f;
      return std::nullopt;
    }
    std::vector<agent::kernel_block> out;
    for (const auto& [p, t] : blocks) out.push_back({p, t});
    return out;
  }
  agent::kernel_status set_allow(const std::vector<base::ip_prefix>& list) override {
    if (auto f = maybe_fail("set_allow")) return f;
    allow = {list.begin(), list.end()};
    return std::nullopt;
  }
  agent::kernel_status set_trusted(const std::vector<base::ip_prefix>& list) override {
    if (auto f = maybe_fail("set_trusted")) return f;
    trusted = {list.begin(), list.end()};
    return std::nullopt;
  }
  agent::kernel_status add_trusted(const std::vector<base::ip_prefix>& list) override {
    if (auto f = maybe_fail("add_trusted")) return f;
    trusted.insert(list.begin(), list.end());
    return std::nullopt;
  }
  agent::kernel_status remove_trusted(const std::vector<base::ip_prefix>& list) override {
    if (auto f = maybe_fail("remove_trusted")) return f;
    for (const auto& p : list) trusted.erase(p);
    return std::nullopt;
  }
  agent::kernel_status set_rate(std::uint32_t per_minute, std::uint32_t b) override {
    if (auto f = maybe_fail("set_rate")) return f;
    rate = per_minute;
    burst = b;
    return std::nullopt;
  }
  agent::kernel_status set_inspect(bool on) override {
    if (auto f = maybe_fail("set_inspect")) return f;
    inspect = on;
    return std::nullopt;
  }

private:
  agent::kernel_status maybe_fail(const char* what) {
    ++calls;
    if (fail_after < 0) return std::nullopt;
    if (fail_after-- == 0) return agent::kernel_failure{std::make_error_code(std::errc::io_error), std::string(what) + ": injected"};
    return std::nullopt;
  }
};

}  // namespace tollgate::test
