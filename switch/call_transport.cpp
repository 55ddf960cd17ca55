// Sending for calls over the switch's UDP sockets and TCP connections.
#include "switch/call_transport.hpp"

#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "switch/asio_address.hpp"
#include "switch/listener_choice.hpp"

namespace tollgate::switch_ {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr auto name_lifetime = std::chrono::seconds(60);
constexpr auto failed_name_lifetime = std::chrono::seconds(5);
constexpr std::size_t max_source_cache = 1024;
constexpr std::size_t max_recent_per_destination = 64;
constexpr std::size_t max_recent_destinations = 4096;

std::string udp_key(const base::ip_address& ip, std::uint16_t port) { return ip.to_string() + " " + std::to_string(port); }

template <typename Transport>
std::vector<config::socket_address> bound_addresses(const std::vector<std::unique_ptr<Transport>>& listeners) {
  std::vector<config::socket_address> out;
  out.reserve(listeners.size());
  for (const auto& l : listeners) out.push_back({l->local_ip().unmapped(), l->local_port()});
  return out;
}

std::optional<base::ip_address> literal_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (const auto ip = base::ip_address::parse(host)) return ip->unmapped();
  return std::nullopt;
}

}  // namespace

std::optional<base::ip_address> source_address_towards(const base::ip_address& remote) {
  asio::io_context io;
  udp::socket s(io);
  boost::system::error_code ec;
  const udp::endpoint to(to_asio(remote), 9);
  s.open(to.protocol(), ec);
  if (!ec) s.connect(to, ec);  // chooses a route and a source address; sends nothing
  if (ec) return std::nullopt;
  const auto local = s.local_endpoint(ec);
  if (ec) return std::nullopt;
  return from_asio(local.address());
}

call_transport::call_transport(asio::io_context& io, const std::vector<std::unique_ptr<udp_transport>>& udp,
                               const std::vector<std::unique_ptr<tcp_transport>>& tcp, const base::clock& clock,
                               failure_handler on_failure)
    : io_(io), udp_(udp), tcp_(tcp), clock_(clock), on_failure_(std::move(on_failure)),
      udp_bound_(bound_addresses(udp)), tcp_bound_(bound_addresses(tcp)) {
  for (const auto& u : udp_) {
    u->on_unreachable([this](const base::ip_address& ip, std::uint16_t port) { on_unreachable(ip, port); });
  }
}

void call_transport::on_unreachable(const base::ip_address& ip, std::uint16_t port) {
  const auto it = recent_udp_.find(udp_key(ip.unmapped(), port));
  if (it == recent_udp_.end()) return;
  const auto since = clock_.steady_now() - unreachable_window;
  std::vector<udp_send> sends = std::move(it->second);
  recent_udp_.erase(it);
  for (const auto& s : sends) {
    if (s.at < since) continue;
    ++counters_.unreachable;
    fail(s.to, s.call);
  }
}

void call_transport::remember_udp(const base::ip_address& ip, const b2bua::destination& to, std::uint64_t call) {
  const auto now = clock_.steady_now();
  const auto since = now - unreachable_window;
  if (recent_udp_.size() >= max_recent_destinations) {
    std::erase_if(recent_udp_, [since](const auto& kv) { return kv.second.empty() || kv.second.back().at < since; });
    if (recent_udp_.size() >= max_recent_destinations) recent_udp_.clear();
  }
  auto& sends = recent_udp_[udp_key(ip, to.port)];
  std::erase_if(sends, [since, call](const udp_send& s) { return s.at < since || s.call == call; });
  if (sends.size() >= max_recent_per_destination) sends.erase(sends.begin());
  sends.push_back({call, to, now});
}

void call_transport::send(const b2bua::destination& to, std::string text, std::uint64_t call) {
  if (const auto ip = literal_host(to.host)) {
    send_to(*ip, to, std::move(text), call);
    return;
  }
  resolve(to, std::move(text), call);
}

void call_transport::send_to(const base::ip_address& ip, const b2bua::destination& to, std::string text,
                             std::uint64_t call) {
  const auto from = choose(to.transport, ip, to.local);
  if (to.transport == config::transport::udp) {
    if (!from || udp_[from->listener]->send_to(ip, to.port, text, from->source)) {
      fail(to, call);
      return;
    }
    if (call != 0) remember_udp(ip, to, call);
    ++counters_.sent;
    return;
  }
  std::function<void()> on_failure;
  if (call != 0) {
    on_failure = [this, to, call] {
      ++counters_.send_failures;
      on_failure_(call, to);
    };
  }
  if (!from || !tcp_[from->listener]->send_to(ip, to.port, std::move(text), std::move(on_failure), from->source)) {
    fail(to, call);
    return;
  }
  ++counters_.sent;
}

void call_transport::fail(const b2bua::destination& to, std::uint64_t call) {
  ++counters_.send_failures;
  if (call == 0) return;
  asio::post(io_, [this, to, call] { on_failure_(call, to); });
}

void call_transport::resolve(const b2bua::destination& to, std::string text, std::uint64_t call) {
  resolution& r = names_[to.host];
  const auto now = clock_.steady_now();
  if (!r.pending && r.expires > now) {
    if (r.addresses.empty()) {
      fail(to, call);
    } else {
      send_to(r.addresses.front(), to, std::move(text), call);
    }
    return;
  }
  r.waiting.push_back({to, std::move(text), call});
  if (r.pending) return;
  r.pending = true;
  auto resolver = std::make_shared<udp::resolver>(io_);
  const std::string host = to.host;
  resolver->async_resolve(host, "", [this, resolver, host](const boost::system::error_code& ec,
                                                           const udp::resolver::results_type& results) {
    resolution& r = names_[host];
    r.pending = false;
    r.addresses.clear();
    if (!ec) {
      for (const auto& e : results) {
        const base::ip_address ip = from_asio(e.endpoint().address());
        // Prefer addresses a listener of ours can reach.
        if (has_listener_for(ip)) r.addresses.push_back(ip);
      }
    }
    r.expires = clock_.steady_now() + (r.addresses.empty() ? failed_name_lifetime : name_lifetime);
    if (r.addresses.empty()) {
      ++counters_.resolve_failures;
      spdlog::warn("cannot resolve {}: {}", host, ec ? ec.message() : "no usable address");
    }
    auto waiting = std::move(r.waiting);
    r.waiting.clear();
    const std::vector<base::ip_address> addresses = r.addresses;  // r may move as sends add names
    for (auto& w : waiting) {
      if (addresses.empty()) {
        if (w.call != 0) on_failure_(w.call, w.to);
      } else {
        send_to(addresses.front(), w.to, std::move(w.text), w.call);
      }
    }
  });
}

std::optional<base::ip_address> call_transport::source_towards(const base::ip_address& remote) {
  auto cached = source_towards_.find(remote);
  if (cached == source_towards_.end()) {
    if (source_towards_.size() >= max_source_cache) source_towards_.clear();
    cached = source_towards_.emplace(remote, source_address_towards(remote)).first;
  }
  return cached->second;
}

std::optional<call_transport::sending_from> call_transport::choose(config::transport transport,
                                                                   const base::ip_address& ip,
                                                                   const std::optional<config::socket_address>& local) {
  const std::vector<config::socket_address>& bound = transport == config::transport::udp ? udp_bound_ : tcp_bound_;
  std::optional<std::size_t> index;
  std::optional<base::ip_address> source;
  if (local) {
    index = listener_at(bound, *local);
    if (!is_wildcard(local->address)) source = local->address;
  }
  if (!index) index = listener_towards(bound, ip, source = source_towards(ip));
  if (!index) return std::nullopt;
  if (!is_wildcard(bound[*index].address)) source = bound[*index].address;
  if (!source) source = source_towards(ip);
  return sending_from{*index, source};
}

bool call_transport::has_listener_for(const base::ip_address& ip) const {
  return listener_towards(udp_bound_, ip, std::nullopt) || listener_towards(tcp_bound_, ip, std::nullopt);
}

std::optional<config::socket_address> call_transport::local_towards(const b2bua::destination& to) {
  if (to.local && !is_wildcard(to.local->address)) return to.local;
  auto ip = literal_host(to.host);
  if (!ip) {  // a name: known once resolved
    const auto it = names_.find(to.host);
    if (it == names_.end() || it->second.addresses.empty() || it->second.expires <= clock_.steady_now()) {
      return std::nullopt;
    }
    ip = it->second.addresses.front();
  }
  const auto from = choose(to.transport, *ip, to.local);
  if (!from) return std::nullopt;
  const auto& bound = to.transport == config::transport::udp ? udp_bound_ : tcp_bound_;
  const std::uint16_t port = bound[from->listener].port;
  if (from->source) return config::socket_address{*from->source, port};
  return config::socket_address{bound[from->listener].address, port};
}

}  // namespace tollgate::switch_
