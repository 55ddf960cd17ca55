// Responses built from requests (RFC 3261 §8.2.6, §18.2.1; RFC 3581).
#include "sip/builder.hpp"

#include <functional>

#include "sip/params.hpp"
#include "sip/text.hpp"

namespace tollgate::sip {

void append_header(std::string& out, std::string_view name, std::string_view value) {
  for (char c : name) {
    if (text::is_token_char(c)) out.push_back(c);  // a name can never carry ':' or CRLF
  }
  out.append(": ");
  for (char c : value) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out.append("\r\n");
}

std::string_view default_reason(int status) {
  switch (status) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 200: return "OK";
    case 202: return "Accepted";
    case 301: return "Moved Permanently";
    case 302: return "Moved Temporarily";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 415: return "Unsupported Media Type";
    case 416: return "Unsupported URI Scheme";
    case 420: return "Bad Extension";
    case 423: return "Interval Too Brief";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 482: return "Loop Detected";
    case 483: return "Too Many Hops";
    case 484: return "Address Incomplete";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 491: return "Request Pending";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Server Time-out";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    case 603: return "Decline";
    default: return "";
  }
}

namespace {

std::string hex64(std::uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = digits[v & 0xf];
    v >>= 4;
  }
  return out;
}

}  // namespace

std::string make_branch(std::uint64_t random) { return std::string(branch_cookie) + hex64(random); }

std::string make_tag(std::uint64_t random) { return hex64(random); }

response_builder::response_builder(const message& request, int status, std::string_view reason)
    : request_(request), status_(status), reason_(reason.empty() ? default_reason(status) : reason) {}

response_builder& response_builder::to_tag(std::string_view tag) {
  to_tag_ = tag;
  return *this;
}

response_builder& response_builder::source(const base::ip_address& address, std::uint16_t port) {
  source_.emplace(address, port);
  return *this;
}

response_builder& response_builder::header(std::string_view name, std::string_view value) {
  extra_.emplace_back(name, value);
  return *this;
}

response_builder& response_builder::body(std::string_view content_type, std::string_view content) {
  content_type_ = content_type;
  body_ = content;
  return *this;
}

std::string response_builder::top_via(std::string_view element) const {
  const auto v = via::parse(element);
  if (!source_ || !v) return std::string(element);
  const std::string address = source_->first.to_string();
  std::string out;
  out.append(v->protocol).append("/").append(v->version).append("/").append(v->transport);
  out.append(" ").append(v->host);
  if (v->port) out.append(":").append(std::to_string(*v->port));
  param_cursor cursor(v->params);
  while (auto p = cursor.next()) {
    if (text::iequals(p->name, "received") || text::iequals(p->name, "rport")) continue;
    out.append(";").append(p->name);
    if (p->has_value) {
      out.append("=");
      if (p->quoted) out.append("\"").append(p->value).append("\"");
      else out.append(p->value);
    }
  }
  if (v->has_rport()) {
    out.append(";received=").append(address).append(";rport=").append(std::to_string(source_->second));
  } else if (v->host_bare() != address) {
    out.append(";received=").append(address);
  }
  return out;
}

std::string response_builder::build() const {
  std::string out;
  out.reserve(512 + body_.size());
  out.append("SIP/2.0 ").append(std::to_string(status_)).append(" ").append(reason_).append("\r\n");

  bool top = true;
  for (const header_field& h : request_.headers()) {
    if (h.id != header_id::via) continue;
    text::list_splitter split(h.value);
    while (auto element = split.next()) {
      append_header(out, "Via", top ? top_via(*element) : std::string(*element));
      top = false;
    }
  }
  const bool dialog = request_.method() == method::invite || request_.method() == method::subscribe;
  if (dialog && status_ > 100 && status_ < 300) {
    for (const header_field& h : request_.headers()) {
      if (h.id == header_id::record_route) append_header(out, "Record-Route", h.value);
    }
  }
  append_header(out, "From", request_.header(header_id::from));
  std::string to(request_.header(header_id::to));
  const auto parsed_to = request_.to();
  if (status_ != 100 && (!parsed_to || parsed_to->tag().empty())) {
    std::string tag = to_tag_;
    if (tag.empty()) {
      const auto from = request_.from();
      const auto via = request_.top_via();
      std::string seed(request_.call_id());
      seed.append("|").append(from ? from->tag() : "").append("|").append(via ? via->branch() : "");
      tag = make_tag(std::hash<std::string>{}(seed));
    }
    to.append(";tag=").append(tag);
  }
  append_header(out, "To", to);
  append_header(out, "Call-ID", request_.call_id());
  append_header(out, "CSeq", request_.header(header_id::cseq));
  for (const auto& [name, value] : extra_) append_header(out, name, value);
  if (!body_.empty()) append_header(out, "Content-Type", content_type_);
  append_header(out, "Content-Length", std::to_string(body_.size()));
  out.append("\r\n");
  out.append(body_);
  return out;
}

}  // namespace tollgate::sip
