// The CDR of one call attempt (product.md section 4): filled in as the call progresses,
// finished exactly once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "b2bua/effect.hpp"
#include "sip/message.hpp"
#include "store/cdr.hpp"

namespace tollgate::b2bua {

/// The caller as the From user and the callee as the Request-URI user (else the To user).
std::string caller_of(const sip::message& request);
std::string callee_of(const sip::message& request);

/// Invariant: finish() yields a record once; later calls return nullopt, so a call can
/// never write two CDRs.
class cdr_builder {
public:
  /// Starts the record of an INVITE from `source` at `now` (the call's start_time).
  cdr_builder(const sip::message& invite, const source_address& source, base::timestamp now);

  void account(std::string name, store::billing_mode mode);
  void routing_gateway(std::string name);
  /// The first 2xx: answer_time. Later calls change nothing.
  void answered(base::timestamp now);
  bool is_answered() const { return record_.answer_time.has_value(); }

  /// Ends the record: end_time, duration (whole seconds from answer to end, 0 when not
  /// answered), disconnect code and reason. Nullopt once already finished.
  std::optional<store::cdr_record> finish(int disconnect_code, std::string_view reason, base::timestamp now);
  bool finished() const { return finished_; }
  const store::cdr_record& record() const { return record_; }

private:
  store::cdr_record record_;
  bool finished_ = false;
};

/// The illegal-call record: billing mode 4, duration 0, disconnect 403, no account.
store::cdr_record illegal_call_cdr(const sip::message& invite, const source_address& source, base::timestamp now);

}  // namespace tollgate::b2bua
