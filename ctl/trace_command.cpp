// `tollgatectl trace`: subscribe on the switch's control socket, then print or write each
// message line it sends.
#include "ctl/trace_command.hpp"

#include <chrono>
#include <iostream>
#include <memory>

#include "base/clock.hpp"
#include "ctl/agent_client.hpp"
#include "ctl/pcap_writer.hpp"
#include "ctl/trace_record.hpp"

namespace tollgate::ctl {

std::variant<wire::trace_request, std::string> make_trace_request(const trace_arguments& arguments) {
  wire::trace_request r;
  if (!arguments.ip.empty()) {
    r.ip = base::ip_address::parse(arguments.ip);
    if (!r.ip) return "--ip \"" + arguments.ip + "\" is not an IPv4 or IPv6 address";
  }
  r.endpoint = arguments.endpoint;
  r.call_id = arguments.call_id;
  return r;
}

int run_trace(const ctl_options& options, const trace_arguments& arguments, std::ostream& out, std::ostream& err) {
  auto request = make_trace_request(arguments);
  if (auto* e = std::get_if<std::string>(&request)) return usage_error("trace", *e, err);
  const auto fail = [&err](const std::string& why) {
    err << "tollgatectl trace: " << why << '\n';
    return exit_failed;
  };

  std::optional<pcap_writer> pcap;
  if (!arguments.pcap.empty()) {
    auto opened = pcap_writer::open(arguments.pcap);
    if (auto* e = std::get_if<std::string>(&opened)) return fail(*e);
    pcap.emplace(std::move(std::get<pcap_writer>(opened)));
  }

  auto connected = agent_client::connect(options.switch_socket, timeout_of(options), "switch");
  if (auto* e = std::get_if<client_error>(&connected)) return fail(e->message);
  auto& client = std::get<agent_client>(connected);
  auto answer = client.call(wire::request{1, std::get<wire::trace_request>(request)});
  if (auto* e = std::get_if<client_error>(&answer)) return fail(e->message);
  const auto& response = std::get<wire::response>(answer);
  if (!response.ok) return fail(response.error);

  const base::system_clock clock;
  const bool limited_time = arguments.duration_seconds > 0;
  const auto deadline =
      clock.steady_now() + std::chrono::duration_cast<base::steady_timestamp::duration>(
                               std::chrono::duration<double>(arguments.duration_seconds));
  std::uint64_t messages = 0;
  std::uint64_t dropped = 0;
  while (arguments.count == 0 || messages < arguments.count) {
    std::variant<std::string, std::nullopt_t, client_error> line;
    if (limited_time) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.steady_now());
      if (left.count() <= 0) break;
      line = client.next_line(left);
    } else {
      line = client.next_line();
    }
    if (auto* e = std::get_if<client_error>(&line)) {
      if (e->timed_out) break;
      return fail(e->message);
    }
    if (std::holds_alternative<std::nullopt_t>(line)) return fail("the switch closed the trace");
    const auto& text = std::get<std::string>(line);
    const auto json = wire::json::parse(text, nullptr, /*allow_exceptions=*/false);
    auto parsed = parse_trace_line(json);
    if (auto* e = std::get_if<std::string>(&parsed)) return fail("the switch sent a bad trace line: " + *e);
    if (const auto* notice = std::get_if<dropped_notice>(&parsed)) {
      dropped += notice->count;
      err << "tollgatectl trace: the switch dropped " << notice->count
          << " message(s) this trace did not read in time\n";
      if (options.json && !pcap) out << text << std::endl;
      continue;
    }
    const auto& record = std::get<trace_record>(parsed);
    ++messages;
    if (pcap) {
      pcap->write(record);
    } else if (options.json) {
      out << text << std::endl;  // flushed: a pipe reader sees messages as they come
    } else {
      out << trace_text(record) << std::flush;
    }
  }
  if (pcap) err << "tollgatectl trace: " << messages << " message(s) written to " << arguments.pcap << '\n';
  if (dropped > 0) err << "tollgatectl trace: " << dropped << " message(s) dropped by the switch in all\n";
  return exit_done;
}

void add_trace_command(CLI::App& app, const ctl_options& options, action& chosen) {
  const ctl_options* o = &options;
  auto arguments = std::make_shared<trace_arguments>();
  auto* trace = app.add_subcommand("trace", "show the SIP messages the switch receives and sends, live");
  trace->add_option("--ip", arguments->ip, "only messages from or to this address");
  trace->add_option("--endpoint", arguments->endpoint,
                    "only messages whose From, To or Contact user, or digest username, is this");
  trace->add_option("--call-id", arguments->call_id, "only messages with this Call-ID");
  trace->add_option("--pcap", arguments->pcap, "write a pcap file (Wireshark, tshark, sngrep) instead of text");
  trace->add_option("--count", arguments->count, "stop after this many messages")->check(CLI::Range(1, 100'000'000));
  trace->add_option("--duration", arguments->duration_seconds, "stop after this many seconds")
      ->check(CLI::Range(0.001, 31'536'000.0));
  trace->footer(
      "Runs until Ctrl-C, --count or --duration. Filters combine: every one given must match.\n"
      "A reader slower than the switch loses messages, never delays calls: the switch drops them and says how many.\n"
      "Examples: tollgatectl trace --endpoint 1001\n"
      "          tollgatectl trace --ip 203.0.113.9 --pcap /tmp/scan.pcap --duration 60\n");
  on_parsed(trace, chosen, [o, arguments] { return run_trace(*o, *arguments, std::cout, std::cerr); });
}

}  // namespace tollgate::ctl
