// Trace lines from the switch into records; records as text.
#include "ctl/trace_record.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace tollgate::ctl {
namespace {

std::string timestamp_text(base::timestamp t) {
  const double seconds = base::to_unix_seconds(t);
  const auto whole = static_cast<std::time_t>(std::floor(seconds));
  const auto micros = static_cast<long>(std::llround((seconds - static_cast<double>(whole)) * 1e6));
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d:%02d.%06ld UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, std::min(micros, 999999L));
  return out;
}

const wire::json* member(const wire::json& o, const char* name) {
  const auto it = o.find(name);
  return it == o.end() ? nullptr : &*it;
}

}  // namespace

std::variant<trace_record, dropped_notice, std::string> parse_trace_line(const wire::json& line) {
  if (!line.is_object()) return std::string("a trace line is not a JSON object");
  const auto* time = member(line, "time");
  if (time == nullptr || !time->is_number()) return std::string("a trace line has no \"time\"");
  if (const auto* dropped = member(line, "dropped")) {
    if (!dropped->is_number_unsigned()) return std::string("\"dropped\" is not a count");
    return dropped_notice{dropped->get<std::uint64_t>()};
  }
  trace_record r;
  r.time = base::from_unix_seconds(time->get<double>());
  const auto text = [&](const char* name) -> const std::string* {
    const auto* v = member(line, name);
    return v != nullptr && v->is_string() ? v->get_ptr<const std::string*>() : nullptr;
  };
  const auto* direction = text("direction");
  const auto* transport = text("transport");
  const auto* local = text("local");
  const auto* remote = text("remote");
  const auto* message = text("message");
  if (!direction || !transport || !local || !remote || !message) {
    return std::string("a trace line lacks direction, transport, local, remote or message");
  }
  if (*direction != "in" && *direction != "out") return "unknown direction \"" + *direction + "\"";
  r.inbound = *direction == "in";
  if (*transport == "udp") {
    r.transport = config::transport::udp;
  } else if (*transport == "tcp") {
    r.transport = config::transport::tcp;
  } else {
    return "unknown transport \"" + *transport + "\"";
  }
  const auto l = config::parse_socket_address(*local);
  const auto rm = config::parse_socket_address(*remote);
  if (!l || !rm) return std::string("a trace line has an address that is not address:port");
  r.local = *l;
  r.remote = *rm;
  r.message = *message;
  return r;
}

std::string trace_text(const trace_record& r) {
  const auto& from = r.inbound ? r.remote : r.local;
  const auto& to = r.inbound ? r.local : r.remote;
  std::string out = timestamp_text(r.time) + " " + std::string(config::to_string(r.transport)) + " " +
                    (r.inbound ? "in " : "out") + " " + from.to_string() + " -> " + to.to_string() + " (" +
                    std::to_string(r.message.size()) + " bytes)\n";
  for (std::size_t i = 0; i < r.message.size(); ++i) {
    if (r.message[i] == '\r' && i + 1 < r.message.size() && r.message[i + 1] == '\n') continue;
    out.push_back(r.message[i]);
  }
  if (out.back() != '\n') out.push_back('\n');
  out.push_back('\n');
  return out;
}

}  // namespace tollgate::ctl
