// New requests (RFC 3261 §8.1.1).
#include "sip/builder.hpp"

namespace tollgate::sip {

request_builder::request_builder(std::string_view method, std::string_view request_uri)
    : method_(method), request_uri_(request_uri) {}

request_builder& request_builder::via(std::string_view transport, std::string_view sent_by,
                                      std::string_view branch, bool rport) {
  via_ = "SIP/2.0/";
  via_.append(transport).append(" ").append(sent_by).append(";branch=");
  if (branch.substr(0, branch_cookie.size()) != branch_cookie) via_.append(branch_cookie);
  via_.append(branch);
  if (rport) via_.append(";rport");
  return *this;
}

request_builder& request_builder::max_forwards(unsigned hops) {
  max_forwards_ = hops;
  return *this;
}

request_builder& request_builder::from(std::string_view address, std::string_view tag) {
  from_ = address;
  if (!tag.empty()) from_.append(";tag=").append(tag);
  return *this;
}

request_builder& request_builder::to(std::string_view address, std::string_view tag) {
  to_ = address;
  if (!tag.empty()) to_.append(";tag=").append(tag);
  return *this;
}

request_builder& request_builder::call_id(std::string_view id) {
  call_id_ = id;
  return *this;
}

request_builder& request_builder::cseq(std::uint32_t number) {
  cseq_ = number;
  return *this;
}

request_builder& request_builder::contact(std::string_view address) {
  contact_ = address;
  return *this;
}

request_builder& request_builder::header(std::string_view name, std::string_view value) {
  extra_.emplace_back(name, value);
  return *this;
}

request_builder& request_builder::body(std::string_view content_type, std::string_view content) {
  content_type_ = content_type;
  body_ = content;
  return *this;
}

std::string request_builder::build() const {
  std::string out;
  out.reserve(512 + body_.size());
  for (char c : method_ + " " + request_uri_) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out.append(" SIP/2.0\r\n");
  if (!via_.empty()) append_header(out, "Via", via_);
  append_header(out, "Max-Forwards", std::to_string(max_forwards_));
  if (!to_.empty()) append_header(out, "To", to_);
  if (!from_.empty()) append_header(out, "From", from_);
  if (!call_id_.empty()) append_header(out, "Call-ID", call_id_);
  append_header(out, "CSeq", std::to_string(cseq_) + " " + method_);
  if (!contact_.empty()) append_header(out, "Contact", contact_);
  for (const auto& [name, value] : extra_) append_header(out, name, value);
  if (!body_.empty()) append_header(out, "Content-Type", content_type_);
  append_header(out, "Content-Length", std::to_string(body_.size()));
  out.append("\r\n");
  out.append(body_);
  return out;
}

}  // namespace tollgate::sip
