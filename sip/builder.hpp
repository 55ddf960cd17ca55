// Building outgoing SIP text: responses from requests, new requests, edited messages.
//
// Every builder writes "Name: value\r\n" fields, ends with a Content-Length that matches the
// body it carries, and turns CR and LF inside any value into SP, so no caller-provided text
// can inject a header or end the header section early.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/ip_address.hpp"
#include "sip/message.hpp"

namespace tollgate::sip {

/// "Name: value\r\n", with CR/LF in the value made SP.
void append_header(std::string& out, std::string_view name, std::string_view value);
/// The RFC 3261 §21 reason phrase of a status code ("Not Found"); "" when unknown.
std::string_view default_reason(int status);
/// "z9hG4bK" followed by the 64 random bits in hex.
std::string make_branch(std::uint64_t random);
/// The 64 random bits as 16 hex digits (From- and To-tags, Call-IDs).
std::string make_tag(std::uint64_t random);

/// A response to `request` per RFC 3261 §8.2.6: every Via in order, From, To, Call-ID and
/// CSeq copied, Record-Route copied for 101-299 answers to INVITE and SUBSCRIBE.
/// The request must outlive the builder.
class response_builder {
public:
  response_builder(const message& request, int status, std::string_view reason = {});

  /// The To-tag to add when the request's To has none (all statuses but 100). When not set,
  /// a tag is derived from Call-ID, From-tag and top branch, so retransmissions and later
  /// responses to the same request get the same tag.
  response_builder& to_tag(std::string_view tag);
  /// The address the request came from: the top Via gains received= when its sent-by host
  /// differs (RFC 3261 §18.2.1), and received= plus rport=<port> when it asked with a bare
  /// rport (RFC 3581 §4).
  response_builder& source(const base::ip_address& address, std::uint16_t port);
  response_builder& header(std::string_view name, std::string_view value);
  response_builder& body(std::string_view content_type, std::string_view content);

  std::string build() const;

private:
  std::string top_via(std::string_view element) const;

  const message& request_;
  int status_;
  std::string reason_;
  std::string to_tag_;
  std::optional<std::pair<base::ip_address, std::uint16_t>> source_;
  std::vector<std::pair<std::string, std::string>> extra_;
  std::string content_type_;
  std::string body_;
};

/// A new request: Via (branch with the magic cookie, rport asked by default), Max-Forwards
/// (70 unless set), To, From, Call-ID, CSeq with the request's method, Contact, extra
/// headers in the order added, then Content-Type and Content-Length.
class request_builder {
public:
  request_builder(std::string_view method, std::string_view request_uri);

  /// sent_by is "host[:port]"; a branch without the z9hG4bK cookie gets it prefixed.
  request_builder& via(std::string_view transport, std::string_view sent_by, std::string_view branch,
                       bool rport = true);
  request_builder& max_forwards(unsigned hops);
  /// address is a name-addr or addr-spec ("<sip:alice@example.com>"); tag may be empty.
  request_builder& from(std::string_view address, std::string_view tag);
  request_builder& to(std::string_view address, std::string_view tag = {});
  request_builder& call_id(std::string_view id);
  request_builder& cseq(std::uint32_t number);
  request_builder& contact(std::string_view address);
  request_builder& header(std::string_view name, std::string_view value);
  request_builder& body(std::string_view content_type, std::string_view content);

  std::string build() const;

private:
  std::string method_;
  std::string request_uri_;
  std::string via_;
  unsigned max_forwards_ = 70;
  std::string from_, to_, call_id_, contact_;
  std::uint32_t cseq_ = 1;
  std::vector<std::pair<std::string, std::string>> extra_;
  std::string content_type_;
  std::string body_;
};

/// Rewrites a parsed message: drop, prepend or append header fields, change the
/// Request-URI or the body; the Content-Length is recomputed.
class message_editor {
public:
  explicit message_editor(const message& m);

  message_editor& remove(header_id id);
  /// By name, long or compact form, case-insensitively.
  message_editor& remove(std::string_view name);
  /// Before every other field (a proxy's new top Via).
  message_editor& prepend(std::string_view name, std::string_view value);
  message_editor& append(std::string_view name, std::string_view value);
  /// Requests only; ignored for responses.
  message_editor& request_uri(std::string_view uri);
  message_editor& body(std::string_view content_type, std::string_view content);

  std::string build() const;

private:
  struct field {
    header_id id;
    std::string name;
    std::string value;
  };
  bool is_request_;
  std::string method_, request_uri_, status_line_;
  std::vector<field> fields_;
  std::string body_;
};

}  // namespace tollgate::sip
