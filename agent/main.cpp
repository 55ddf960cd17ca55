// tollgate-agent: parses arguments, builds the daemon, runs its loop.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include "agent/daemon.hpp"

namespace {

// Under systemd (JOURNAL_STREAM set) log to the journal; otherwise to stderr.
void set_up_logging() {
  const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
  auto make_sink = [journal](const char* pattern) -> spdlog::sink_ptr {
    if (journal) return std::make_shared<spdlog::sinks::systemd_sink_mt>("tollgate-agent");
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink->set_pattern(pattern);
    return sink;
  };
  auto main_logger = std::make_shared<spdlog::logger>("agent", make_sink("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v"));
  auto audit_logger = std::make_shared<spdlog::logger>("audit", make_sink("%Y-%m-%dT%H:%M:%S.%e audit %v"));
  spdlog::set_default_logger(main_logger);
  spdlog::register_logger(audit_logger);
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tollgate-agent: the Tollgate security agent"};
  app.set_version_flag("--version", std::string("tollgate-agent ") + TOLLGATE_VERSION);
  tollgate::agent::daemon_options options;
  bool teardown = false;
  app.add_option("--config", options.config_path, "config file (default /etc/tollgate/tollgate.toml, or built-in defaults when absent)");
  app.add_option("--state-dir", options.state_dir, "state directory for agent.db (overrides [agent] state_dir)");
  app.add_option("--socket", options.socket, "the agent socket (overrides [agent] socket)");
  app.add_flag("--teardown", teardown, "remove the nftables table and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  set_up_logging();
  try {
    if (teardown) return tollgate::agent::teardown(options);
    tollgate::agent::daemon d(options);
    return d.run();
  } catch (const std::exception& e) {
    spdlog::critical("tollgate-agent: {}", e.what());
    return 1;
  }
}
