// tollgate-switch: parses arguments, builds the server and runs its loop.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <functional>
#include <iostream>

#include "base/clock.hpp"
#include "config/descriptors.hpp"
#include "config/hardening.hpp"
#include "config/load.hpp"
#include "switch/descriptor_limit.hpp"
#include "switch/server.hpp"

int main(int argc, char** argv) {
  using namespace tollgate;
  CLI::App app{"Tollgate SIP switch"};
  std::string config_path;
  std::string state_dir;
  std::string socket_path;
  std::string control_socket;
  bool version = false;
  app.add_option("--config", config_path, "config file (default /etc/tollgate/tollgate.toml; built-in defaults when absent)");
  app.add_option("--state-dir", state_dir, "state directory holding switch.db");
  app.add_option("--socket", socket_path, "the agent's socket");
  app.add_option("--control-socket", control_socket,
                 "the switch's control socket (overrides [switch] control_socket; default: switch.sock beside the agent's)");
  app.add_flag("--version", version, "print the version and exit");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("tollgate-switch"));
  if (version) {
    std::cout << "tollgate-switch " << TOLLGATE_VERSION << '\n';
    return 0;
  }

  auto loaded = config_path.empty() ? config::load_file_or_defaults(std::string(config::default_config_path))
                                    : config::load_file(config_path);
  if (!loaded) {
    std::cerr << loaded.message() << '\n';
    return 1;
  }
  const auto& c = loaded.value();
  for (const auto& f : config::hardening_findings(*c)) {
    if (f.id == "weak_password") spdlog::warn("{} ({})", f.message, f.fix);
  }

  // The soft limit (1024 by default) is far below what the TCP limits need: at it, accept
  // fails and new clients wait in the backlog. Under systemd LimitNOFILE= sets both.
  const auto fds = switch_::raise_descriptor_limit();
  if (!fds.error.empty()) spdlog::warn("descriptor limit stays {}: {}", fds.soft, fds.error);
  if (const auto f = config::descriptor_finding(*c, fds.soft, "the switch's")) spdlog::warn("{} ({})", f->message, f->fix);

  switch_::server_options options;
  options.state_dir = state_dir.empty() ? c->agent.state_dir : state_dir;
  options.agent_socket = socket_path.empty() ? c->agent.socket : socket_path;
  options.config_path = config_path;
  options.command_line = {socket_path, control_socket};

  boost::asio::io_context io(1);
  const base::system_clock clock;
  switch_::server server(io, c, options, clock);
  if (const std::string error = server.open(); !error.empty()) {
    std::cerr << "tollgate-switch: " << error << '\n';
    return 1;
  }
  boost::asio::signal_set hangup(io, SIGHUP);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    server.stop();
    hangup.cancel();
    io.stop();
  });
  // SIGHUP: re-read the config; a bad file is logged and the running config stays.
  std::function<void()> await_hangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (const auto r = server.reload(); !r.ok()) spdlog::error("SIGHUP: config refused, the running one stays: {}", r.error);
      await_hangup();
    });
  };
  await_hangup();
  server.start();
  spdlog::info("tollgate-switch {} running (config: {})", TOLLGATE_VERSION,
               c->source.empty() ? "built-in defaults" : c->source);
  io.run();
  return 0;
}
