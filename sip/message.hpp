// A parsed SIP message: one owned buffer, the start line and header fields as views into it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "sip/cseq.hpp"
#include "sip/header_names.hpp"
#include "sip/method.hpp"
#include "sip/name_addr.hpp"
#include "sip/uri.hpp"
#include "sip/via.hpp"

namespace tollgate::sip {

/// One header field as it appeared. Folded lines are joined (their CRLFs became SP in the
/// buffer); `value` is trimmed. A header with several comma-separated values is one field.
struct header_field {
  header_id id = header_id::other;
  std::uint32_t line = 0;  // 1-based line of the field name
  std::string_view name;   // as sent ("v", "VIA", "Via")
  std::string_view value;
};

/// Invariant: every string_view held here (and returned by accessors) points into `buffer_`,
/// which the message owns and never reallocates, so moving a message keeps them valid.
/// Structured headers (Via, From, CSeq...) are parsed on each call of their accessor; the
/// parser itself only splits lines.
class message {
public:
  message() = default;
  message(message&&) noexcept = default;
  message& operator=(message&&) noexcept = default;

  bool is_request() const { return status_code_ == 0; }
  bool is_response() const { return status_code_ != 0; }

  /// Request method as sent ("INVITE", "!interesting-Method"); "" for responses.
  std::string_view method_text() const { return method_; }
  sip::method method() const { return method_id_; }
  std::string_view request_uri_text() const { return request_uri_; }
  std::optional<sip::uri> request_uri() const { return sip::uri::parse(request_uri_); }
  std::string_view version() const { return version_; }
  int status_code() const { return status_code_; }
  std::string_view reason_phrase() const { return reason_; }

  const std::vector<header_field>& headers() const { return headers_; }
  /// The first field with this id; nullptr when absent.
  const header_field* find(header_id id) const;
  /// The first value with this id or name (long or compact, case-insensitive); "" when absent.
  std::string_view header(header_id id) const;
  std::string_view header(std::string_view name) const;
  /// Every field value with this name, in order.
  std::vector<std::string_view> header_values(std::string_view name) const;
  std::size_t count(header_id id) const;

  std::string_view call_id() const { return header(header_id::call_id); }
  std::optional<sip::cseq> cseq() const;
  /// The first via-parm of the first Via field (the one a response travels back along).
  std::optional<sip::via> top_via() const;
  /// Every via-parm of every Via field, in order; nullopt when one is malformed.
  std::optional<std::vector<sip::via>> vias() const;
  std::optional<name_addr> from() const;
  std::optional<name_addr> to() const;
  std::optional<contact_list> contacts() const;
  std::optional<std::vector<name_addr>> routes() const;
  std::optional<std::vector<name_addr>> record_routes() const;
  /// Max-Forwards as a number 0..255; nullopt when absent or malformed.
  std::optional<std::uint32_t> max_forwards() const;
  /// Expires as delta-seconds; overlarge values clamp to 2^32-1; nullopt when absent/malformed.
  std::optional<std::uint32_t> expires() const;
  std::string_view user_agent() const { return header(header_id::user_agent); }
  std::string_view content_type() const { return header(header_id::content_type); }
  /// The body octets: exactly Content-Length of them, or, for a datagram without
  /// Content-Length, the rest of the datagram (RFC 3261 §18.3).
  std::string_view body() const { return body_; }

  /// The message octets from the start line to the end of the body, with folds joined.
  std::string_view raw() const { return {buffer_.get(), size_}; }
  /// Offset of a view into raw() (for error reports).
  std::size_t offset_of(std::string_view v) const { return static_cast<std::size_t>(v.data() - buffer_.get()); }

private:
  friend class message_parser;

  std::unique_ptr<char[]> buffer_;
  std::size_t size_ = 0;
  std::string_view method_;
  sip::method method_id_ = sip::method::unknown;
  std::string_view request_uri_;
  std::string_view version_;
  int status_code_ = 0;
  std::string_view reason_;
  std::vector<header_field> headers_;
  std::string_view body_;
};

}  // namespace tollgate::sip
