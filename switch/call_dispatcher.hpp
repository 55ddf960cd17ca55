// The calls of the switch: new INVITEs authorized and routed into b2bua::call objects,
// every later message delivered to its call by Call-ID, the calls' effects carried out
// (messages through a call_sender, timers in one queue, CDRs through a group-commit spool,
// reports to the agent).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "b2bua/call.hpp"
#include "b2bua/rejection_cache.hpp"
#include "base/clock.hpp"
#include "config/config.hpp"
#include "policy/report.hpp"
#include "sip/digest_server.hpp"
#include "sip/message.hpp"
#include "switch/bindings.hpp"
#include "switch/call_sender.hpp"
#include "switch/call_timers.hpp"
#include "switch/cdr_spool.hpp"
#include "switch/peer.hpp"
#include "switch/response_cache.hpp"

namespace tollgate::switch_ {

struct call_counters {
  std::uint64_t attempted = 0;   // calls set up (authorized INVITEs)
  std::uint64_t answered = 0;    // calls whose CDR has an answer time
  std::uint64_t failed = 0;      // calls ended without an answer
  std::uint64_t illegal = 0;     // illegal INVITEs (retransmissions not counted)
  std::uint64_t refused = 0;     // INVITEs with wrong credentials
  std::uint64_t challenged = 0;  // INVITEs answered 401/407
  std::uint64_t rejected_retransmissions = 0;  // answered from the rejection cache
  std::uint64_t unknown_dialog = 0;            // in-dialog requests without a call: 481
  std::uint64_t unknown_dialog_silenced = 0;   // of those, from strangers: no answer
  std::uint64_t stray_responses = 0;           // responses matching no call: dropped
  std::uint64_t transport_failures = 0;
  std::uint64_t overloaded = 0;         // authorized INVITEs answered 503: [switch] max_calls reached
  std::uint64_t overloaded_source = 0;  // authorized INVITEs answered 503: max_calls_per_source reached
};

struct call_dispatcher_options {
  sip::timer_config timers;
  base::millis no_answer_timeout{180'000};
  cdr_spool_limits cdr;
};

/// What the dispatcher works with; all of it outlives the dispatcher.
struct call_services {
  sip::digest_server& digest;
  const binding_table& bindings;
  call_sender& sender;
  cdr_spool::writer write_cdrs;
  std::function<void(const policy::report&)> report;
  std::function<std::uint64_t()> random;
};

/// Invariants: every live call is reachable under both of its Call-IDs and holds timers
/// only in `timers_`; a call is forgotten (both Call-IDs, every timer) when it emits
/// call_ended; a response a call sends in the effects that write a CDR, or later while
/// that row is not committed, leaves only after the commit (so no caller or carrier is told
/// a call ended before its CDR is durable).
class call_dispatcher {
public:
  call_dispatcher(call_services services, call_dispatcher_options options = {});

  /// Takes a validated message if it belongs to the calls: every response, every request
  /// whose Call-ID is a call's, INVITE, ACK, CANCEL, and in-dialog requests (To-tag).
  /// Returns false for what the request handler answers itself (REGISTER, OPTIONS and other
  /// out-of-dialog requests). `c` is the configuration current for this message.
  bool on_message(const sip::message& m, const peer& from, const config::config& c, base::timestamp now);
  /// A send for `call` to `to` failed.
  void on_transport_failed(std::uint64_t call, const b2bua::destination& to, base::timestamp now);
  /// Fires due timers and commits CDRs when due.
  void on_tick(base::timestamp now);
  /// Ends every call (b2bua::call::terminate: BYE or 503 and CANCEL, CDR with 503), for a
  /// switch that is stopping; flush() then writes their CDRs.
  void terminate_all(std::string_view reason, base::timestamp now);
  /// Commits every queued CDR now (at shutdown); false when the write failed.
  bool flush(base::timestamp now);
  /// The next time on_tick has work: a timer or a CDR commit.
  std::optional<base::timestamp> next_deadline() const;
  /// Forgets old rejected and challenged INVITEs.
  void prune(base::timestamp now);

  std::size_t active() const { return calls_.size(); }
  /// Calls in progress from `ip`'s counted source (its /64 for IPv6).
  std::size_t active_from(const base::ip_address& ip) const;
  const call_counters& counters() const { return counters_; }
  const cdr_spool& cdrs() const { return spool_; }
  /// `[switch] cdr_buffer`: CDR rows kept in memory while switch.db cannot be written.
  void set_cdr_buffer(std::size_t rows) { spool_.set_capacity(rows); }
  const call_timer_queue& timers() const { return timers_; }
  /// The call holding `call_id` (either leg), or nullptr.
  const b2bua::call* find(std::string_view call_id) const;

private:
  struct entry {
    std::unique_ptr<b2bua::call> call;
    b2bua::destination a_peer;
    base::ip_address source;  // as counted in calls_by_source_
    bool answered = false;
  };

  void on_new_invite(const sip::message& m, const peer& from, const config::config& c, base::timestamp now);
  /// The 503 for an authorized INVITE beyond max_calls or max_calls_per_source; false when
  /// there is room for it.
  bool refuse_beyond_limits(const sip::message& m, const peer& from, const base::ip_address& source,
                            const config::config& c, base::timestamp now);
  void forget(std::unordered_map<std::uint64_t, entry>::iterator it);
  /// 481, or nothing for a stranger when SS_REPLY_UNAUTHORIZED = 0.
  void answer_unknown_dialog(const sip::message& m, const peer& from, const config::config& c);
  bool known_source(const peer& from, const config::config& c) const;
  void deliver(std::uint64_t serial, b2bua::event ev, base::timestamp now);
  void apply(std::uint64_t serial, b2bua::effects fx, base::timestamp now);
  void answer(const sip::message& request, const peer& from, std::string text, bool behind_cdrs);
  void send(std::uint64_t serial, const b2bua::destination& to, std::string text, bool hold);
  void commit(base::timestamp now, bool force);
  std::optional<b2bua::registered_contact> contact_of(std::string_view endpoint) const;
  /// Sets the route's address.local: its pinned `local`, made specific, or the sender's
  /// choice towards it.
  void place(b2bua::route& r);

  call_services services_;
  call_dispatcher_options options_;
  std::unordered_map<std::uint64_t, entry> calls_;
  std::unordered_map<std::string, std::uint64_t> by_call_id_;
  std::unordered_map<base::ip_address, std::uint32_t> calls_by_source_;  // calls in progress by counted source
  static constexpr base::millis overload_log_interval{60'000};
  base::timestamp last_overload_log_{};
  std::uint64_t overloads_logged_ = 0;  // of counters_.overloaded + overloaded_source, up to the last log
  std::uint64_t next_serial_ = 1;
  call_timer_queue timers_;
  cdr_spool spool_;
  std::unordered_set<std::uint64_t> holding_;  // calls with messages waiting for a commit
  static constexpr base::millis cdr_alarm_interval{60'000};  // a failing disk is logged once a minute
  base::timestamp last_cdr_alarm_{};
  b2bua::rejection_cache rejected_;
  response_cache challenges_;
  call_counters counters_;
};

/// The address max_calls_per_source counts `ip` under: IPv4 (or IPv4-mapped) as itself,
/// IPv6 by its /64, since one host or site is given a whole /64.
base::ip_address counted_source(const base::ip_address& ip);

/// Where a response to `request` from `from` goes: the source address, and for UDP the
/// Via port unless the client asked for rport (RFC 3261 §18.2.2, RFC 3581 §4).
b2bua::destination response_destination(const sip::message& request, const peer& from);

}  // namespace tollgate::switch_
