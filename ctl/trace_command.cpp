// `tollgatectl trace`: subscribe on the switch's control socket, then print or write each
// message line it sends.
#include "ctl/trace_command.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>

#include "base/clock.hpp"
#include "ctl/agent_client.hpp"
#include "ctl/pcap_writer.hpp"
#include "ctl/trace_record.hpp"

namespace tollgate::ctl {

namespace {

volatile std::sig_atomic_t interrupted = 0;

void on_interrupt(int) { interrupted = 1; }

/// Ctrl-C and SIGTERM end the trace the way --count does, so the switch's totals are still
/// asked for and reported; the previous handlers come back when the trace ends.
class interrupt_guard {
public:
  interrupt_guard() {
    interrupted = 0;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &previous_int_);
    ::sigaction(SIGTERM, &action, &previous_term_);
  }
  ~interrupt_guard() {
    ::sigaction(SIGINT, &previous_int_, nullptr);
    ::sigaction(SIGTERM, &previous_term_, nullptr);
  }
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;

private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

/// How often the reading loop looks at the interrupt flag.
constexpr std::chrono::milliseconds interrupt_poll{200};

struct trace_end {
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
};

/// Sends trace_stop and reads up to its answer; the lines before it were queued for this
/// trace and are not shown. The answer's totals are exact, the notices along the way are not.
std::variant<trace_end, std::string> stop_trace(agent_client& client) {
  constexpr std::int64_t stop_id = 2;
  if (auto failed = client.send(wire::request{stop_id, wire::trace_stop_request{}})) return failed->message;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::string("the switch did not answer trace_stop within 10 s");
    auto line = client.next_line(left);
    if (auto* e = std::get_if<client_error>(&line)) return e->message;
    if (std::holds_alternative<std::nullopt_t>(line)) return std::string("the switch closed the trace");
    const auto& text = std::get<std::string>(line);
    const auto json = wire::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("id")) continue;  // a trace line still queued
    auto parsed = wire::parse_response(text);
    if (auto* e = std::get_if<std::string>(&parsed)) return "the switch sent a bad answer to trace_stop: " + *e;
    const auto& response = std::get<wire::response>(parsed);
    if (response.id != wire::json(stop_id)) continue;
    if (!response.ok) return response.error;
    trace_end end;
    end.delivered = response.result.value("delivered", std::uint64_t{0});
    end.dropped = response.result.value("dropped", std::uint64_t{0});
    return end;
  }
}

}  // namespace

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
  const interrupt_guard interrupts;
  while ((arguments.count == 0 || messages < arguments.count) && interrupted == 0) {
    auto wait = interrupt_poll;
    if (limited_time) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.steady_now());
      if (left.count() <= 0) break;
      wait = std::min(wait, left);
    }
    auto line = client.next_line(wait);
    if (auto* e = std::get_if<client_error>(&line)) {
      if (e->timed_out) continue;
      return fail(e->message);
    }
    if (std::holds_alternative<std::nullopt_t>(line)) return fail("the switch closed the trace");
    const auto& text = std::get<std::string>(line);
    const auto json = wire::json::parse(text, nullptr, /*allow_exceptions=*/false);
    auto parsed = parse_trace_line(json);
    if (auto* e = std::get_if<std::string>(&parsed)) return fail("the switch sent a bad trace line: " + *e);
    if (const auto* notice = std::get_if<dropped_notice>(&parsed)) {
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
  auto end = stop_trace(client);
  if (auto* e = std::get_if<std::string>(&end)) return fail("cannot learn the trace's totals: " + *e);
  const auto& totals = std::get<trace_end>(end);
  err << "tollgatectl trace: " << messages << " message(s) shown, " << totals.dropped
      << " dropped by the switch in all\n";
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
      "A reader slower than the switch loses messages, never delays calls: the switch drops them, says how many\n"
      "as it goes, and at the end gives the exact total.\n"
      "Examples: tollgatectl trace --endpoint 1001\n"
      "          tollgatectl trace --ip 203.0.113.9 --pcap /tmp/scan.pcap --duration 60\n");
  on_parsed(trace, chosen, [o, arguments] { return run_trace(*o, *arguments, std::cout, std::cerr); });
}

}  // namespace tollgate::ctl
