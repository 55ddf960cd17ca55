// The queue pump: drain, classify, batched verdicts, counters, a ring of recent drops.
#include "agent/queue_pump.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

namespace tollgate::agent {
namespace {

std::uint64_t micros(base::steady_timestamp::duration d) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

}  // namespace

queue_pump::queue_pump(boost::asio::io_context& io, netfilter::queue_receiver receiver, inspector inspector,
                       base::clock& clock, pump_options options)
    : io_(io),
      receiver_(std::move(receiver)),
      inspector_(std::move(inspector)),
      clock_(clock),
      options_(options),
      alive_(std::make_shared<bool>(true)) {}

queue_pump::~queue_pump() {
  *alive_ = false;
  stop();
}

void queue_pump::start() {
  if (fd_) return;
  fd_ = std::make_unique<boost::asio::posix::stream_descriptor>(io_, ::dup(receiver_.fd()));
  arm();
}

void queue_pump::stop() {
  if (!fd_) return;
  boost::system::error_code ignored;
  fd_->cancel(ignored);
  fd_.reset();
}

void queue_pump::arm() {
  if (!fd_) return;
  fd_->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                  [this, alive = alive_](const boost::system::error_code& ec) {
                    if (ec || !*alive) return;
                    drain();
                    arm();
                  });
}

void queue_pump::drain() {
  for (std::size_t turn = 0; turn < options_.batches_per_turn; ++turn) {
    auto packets = receiver_.receive();
    if (!packets) {
      ++counters_.receive_errors;
      spdlog::warn("inspector: {}", packets.error.message());
      return;
    }
    if (packets.value.empty()) return;
    const bool inspect = !enabled || enabled();
    judge_batch(packets.value, inspect);
    if (auto err = receiver_.flush()) {
      ++counters_.verdict_errors;
      spdlog::warn("inspector: verdicts not sent: {}", err.message());
    }
  }
}

void queue_pump::judge_batch(std::span<const netfilter::queued_packet> packets, bool inspect) {
  const auto received = clock_.steady_now();
  const base::timestamp now = clock_.now();
  base::steady_timestamp last = received;
  for (const auto& p : packets) {
    ++counters_.packets;
    if (!inspect) {
      ++counters_.disabled_accepts;
      ++counters_.by_reason[static_cast<std::size_t>(inspect_reason::unchecked)];
      ++counters_.accepted;
      receiver_.verdict(p.id, netfilter::verdict::accept);
      continue;
    }
    last = clock_.steady_now();
    if (last - received > options_.hold_budget) {
      ++counters_.overload_accepts;
      ++counters_.by_reason[static_cast<std::size_t>(inspect_reason::unchecked)];
      ++counters_.accepted;
      receiver_.verdict(p.id, netfilter::verdict::accept);
      continue;
    }
    const inspection i = inspector_.classify(p.payload);
    ++counters_.by_reason[static_cast<std::size_t>(i.reason)];
    receiver_.verdict(p.id, i.verdict);
    if (i.verdict == netfilter::verdict::accept) {
      ++counters_.accepted;
      continue;
    }
    ++counters_.dropped;
    remember(i, now);
    if (on_drop) on_drop(i, now);
  }
  counters_.longest_hold_us = std::max(counters_.longest_hold_us, micros(clock_.steady_now() - received));
}

void queue_pump::remember(const inspection& i, base::timestamp now) {
  if (options_.recent_drops == 0) return;
  if (recent_.size() == options_.recent_drops) recent_.pop_front();
  recent_.push_back({now, i.source, i.source_port, i.reason, i.user_agent, i.call_id, i.detail});
}

nlohmann::ordered_json queue_pump::status() const {
  nlohmann::ordered_json by_reason = nlohmann::ordered_json::object();
  for (std::size_t r = 0; r < inspect_reason_count; ++r) {
    by_reason[std::string(to_string(static_cast<inspect_reason>(r)))] = counters_.by_reason[r];
  }
  nlohmann::ordered_json drops = nlohmann::ordered_json::array();
  for (const auto& d : recent_) {
    drops.push_back({{"time", static_cast<double>(d.time.time_since_epoch().count()) / 1000.0},
                     {"source", d.source.to_string()},
                     {"port", d.source_port},
                     {"reason", to_string(d.reason)},
                     {"user_agent", d.user_agent},
                     {"call_id", d.call_id},
                     {"detail", d.detail}});
  }
  return {{"enabled", !enabled || enabled()},
          {"packets", counters_.packets},
          {"accepted", counters_.accepted},
          {"dropped", counters_.dropped},
          {"by_reason", std::move(by_reason)},
          {"overload_accepts", counters_.overload_accepts},
          {"disabled_accepts", counters_.disabled_accepts},
          {"receive_errors", counters_.receive_errors},
          {"verdict_errors", counters_.verdict_errors},
          {"longest_hold_us", counters_.longest_hold_us},
          {"recent_drops", std::move(drops)}};
}

}  // namespace tollgate::agent
