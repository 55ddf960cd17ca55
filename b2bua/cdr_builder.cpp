// The CDR of one call attempt.
#include "b2bua/cdr_builder.hpp"

#include <chrono>

namespace tollgate::b2bua {

std::string caller_of(const sip::message& request) {
  const auto from = request.from();
  return from ? std::string(from->address.user) : std::string();
}

std::string callee_of(const sip::message& request) {
  if (const auto ruri = request.request_uri(); ruri && !ruri->user.empty()) return std::string(ruri->user);
  const auto to = request.to();
  return to ? std::string(to->address.user) : std::string();
}

cdr_builder::cdr_builder(const sip::message& invite, const source_address& source, base::timestamp now) {
  record_.call_id = std::string(invite.call_id());
  record_.start_time = now;
  record_.caller = caller_of(invite);
  record_.callee = callee_of(invite);
  record_.src_ip = source.ip.to_string();
  record_.src_port = source.port;
  record_.transport = std::string(config::to_string(source.transport));
  record_.user_agent = std::string(invite.user_agent());
}

void cdr_builder::account(std::string name, store::billing_mode mode) {
  record_.account = std::move(name);
  record_.mode = mode;
}

void cdr_builder::routing_gateway(std::string name) { record_.routing_gateway = std::move(name); }

void cdr_builder::answered(base::timestamp now) {
  if (!record_.answer_time) record_.answer_time = now;
}

std::optional<store::cdr_record> cdr_builder::finish(int disconnect_code, std::string_view reason,
                                                     base::timestamp now) {
  if (finished_) return std::nullopt;
  finished_ = true;
  record_.end_time = now;
  record_.duration_s =
      record_.answer_time ? std::chrono::duration_cast<std::chrono::seconds>(now - *record_.answer_time).count() : 0;
  record_.disconnect_code = disconnect_code;
  record_.disconnect_reason = std::string(reason);
  return record_;
}

store::cdr_record illegal_call_cdr(const sip::message& invite, const source_address& source, base::timestamp now) {
  cdr_builder b(invite, source, now);
  b.account("", store::billing_mode::illegal);
  return *b.finish(403, "illegal call", now);
}

}  // namespace tollgate::b2bua
