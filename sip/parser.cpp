// Line splitting, start line, header fields and Content-Length framing over one owned copy.
#include "sip/parser.hpp"

#include <algorithm>
#include <cstring>

#include "sip/text.hpp"

namespace tollgate::sip {

class message_parser {
public:
  message_parser(std::string_view input, const parse_options& options, bool stream)
      : in_(input), options_(options), limits_(options.limits), stream_(stream) {}

  parse_result run();

private:
  parse_result fail(errc code, std::size_t pos, header_id header = header_id::other) const {
    return fail_at(code, pos, line_, header);
  }
  parse_result fail_at(errc code, std::size_t pos, std::uint32_t line, header_id header) const {
    parse_result r;
    r.status = parse_status::error;
    r.error = parse_error{code, skip_ + pos, line, header};
    return r;
  }
  parse_result more(std::size_t needed) const {
    parse_result r;
    r.status = parse_status::need_more;
    r.consumed = needed;
    return r;
  }
  /// No LF found from `pos`: need more on a stream unless a limit is already crossed.
  parse_result unterminated(std::size_t pos) const {
    if (!stream_) return fail(errc::headers_unterminated, pos);
    if (n_ - pos > limits_.max_line_length) return fail(errc::line_too_long, pos);
    if (in_.size() - skip_ >= limits_.max_message_size) return fail(errc::message_too_large, pos);
    return more(0);
  }
  std::optional<parse_result> start_line(std::size_t begin, std::size_t end);
  std::optional<parse_result> check_version(std::string_view v, std::size_t at) const;

  std::string_view in_;
  const parse_options& options_;
  const parse_limits& limits_;
  bool stream_;
  std::size_t skip_ = 0;  // leading CRLFs skipped
  std::size_t n_ = 0;     // octets copied into the buffer
  std::uint32_t line_ = 1;
  char* b_ = nullptr;
  message m_;
};

std::optional<parse_result> message_parser::check_version(std::string_view v, std::size_t at) const {
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT
  if (v.size() < 7 || !text::iequals(v.substr(0, 4), "SIP/")) return fail(errc::bad_version, at);
  const std::string_view num = v.substr(4);
  const std::size_t dot = num.find('.');
  if (dot == std::string_view::npos || !text::parse_uint(num.substr(0, dot), 999) ||
      !text::parse_uint(num.substr(dot + 1), 999)) {
    return fail(errc::bad_version, at);
  }
  if (num != "2.0") return fail(errc::unsupported_version, at);
  return std::nullopt;
}

std::optional<parse_result> message_parser::start_line(std::size_t begin, std::size_t end) {
  const std::string_view line(b_ + begin, end - begin);
  if (line.size() >= 4 && text::iequals(line.substr(0, 4), "SIP/")) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return fail(errc::bad_start_line, begin);
    m_.version_ = line.substr(0, sp1);
    if (auto e = check_version(m_.version_, begin)) return e;
    const std::string_view rest = line.substr(sp1 + 1);
    const std::size_t sp2 = rest.find(' ');
    const std::string_view code = rest.substr(0, sp2);
    const auto value = code.size() == 3 ? text::parse_uint(code, 999) : std::nullopt;
    if (!value || *value < 100 || *value > 699) return fail(errc::bad_status_code, begin + sp1 + 1);
    m_.status_code_ = static_cast<int>(*value);
    m_.reason_ = sp2 == std::string_view::npos ? std::string_view{} : rest.substr(sp2 + 1);
    return std::nullopt;
  }
  // Request-Line = Method SP Request-URI SP SIP-Version (single SPs: RFC 4475 lwsstart, trws)
  if (text::is_ws(line.back())) return fail(errc::bad_start_line, end - 1);
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return fail(errc::bad_start_line, begin);
  m_.method_ = line.substr(0, sp1);
  if (!text::is_token(m_.method_)) return fail(errc::bad_method, begin);
  m_.method_id_ = lookup_method(m_.method_);
  const std::size_t sp2 = line.rfind(' ');
  if (sp2 == sp1) return fail(errc::bad_start_line, begin + sp1);
  m_.request_uri_ = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (m_.request_uri_.empty() ||
      std::any_of(m_.request_uri_.begin(), m_.request_uri_.end(), [](char c) { return text::is_ws(c); })) {
    return fail(errc::bad_request_uri, begin + sp1 + 1);
  }
  m_.version_ = line.substr(sp2 + 1);
  return check_version(m_.version_, begin + sp2 + 1);
}

parse_result message_parser::run() {
  while (skip_ < in_.size() && (in_[skip_] == '\r' || in_[skip_] == '\n')) {
    if (in_[skip_] == '\n') ++line_;
    ++skip_;
  }
  const std::string_view data = in_.substr(skip_);
  if (data.empty()) return stream_ ? more(0) : fail(errc::empty_message, 0);
  if (!stream_ && data.size() > limits_.max_message_size) return fail(errc::message_too_large, limits_.max_message_size);
  n_ = std::min(data.size(), limits_.max_message_size);
  m_.buffer_ = std::make_unique_for_overwrite<char[]>(n_);
  b_ = m_.buffer_.get();
  std::memcpy(b_, data.data(), n_);

  auto find_lf = [this](std::size_t from) -> std::size_t {
    const void* p = std::memchr(b_ + from, '\n', n_ - from);
    return p ? static_cast<std::size_t>(static_cast<const char*>(p) - b_) : std::string_view::npos;
  };
  auto content_end = [this](std::size_t begin, std::size_t lf) {
    return (lf > begin && b_[lf - 1] == '\r') ? lf - 1 : lf;
  };

  // Start line.
  std::size_t lf = find_lf(0);
  if (lf == std::string_view::npos) return unterminated(0);
  std::size_t end = content_end(0, lf);
  if (end > limits_.max_line_length) return fail(errc::line_too_long, 0);
  if (auto e = start_line(0, end)) return std::move(*e);

  // Header fields. `open` is the field still collecting continuation lines.
  m_.headers_.reserve(24);
  header_field* open = nullptr;
  std::size_t value_begin = 0, value_end = 0;
  auto close = [&] {
    if (open) open->value = text::trim(std::string_view(b_ + value_begin, value_end - value_begin));
    open = nullptr;
  };
  std::size_t pos = lf + 1;
  std::size_t body_begin = 0;
  for (;;) {
    ++line_;
    if (pos >= n_) return unterminated(pos);
    lf = find_lf(pos);
    if (lf == std::string_view::npos) return unterminated(pos);
    end = content_end(pos, lf);
    if (end == pos) {  // the empty line
      close();
      body_begin = lf + 1;
      break;
    }
    if (end - pos > limits_.max_line_length) return fail(errc::line_too_long, pos);
    if (text::is_ws(b_[pos])) {
      // Folding: the line break before a continuation line is LWS, equivalent to SP.
      if (!open) return fail(errc::bad_header_line, pos);
      b_[pos - 1] = ' ';
      if (pos >= 2 && b_[pos - 2] == '\r') b_[pos - 2] = ' ';
      value_end = end;
      if (value_end - value_begin > limits_.max_line_length) return fail(errc::line_too_long, pos, open->id);
    } else {
      close();
      if (m_.headers_.size() >= limits_.max_header_count) return fail(errc::too_many_headers, pos);
      std::size_t i = pos;
      while (i < end && text::is_token_char(b_[i])) ++i;
      const std::string_view name(b_ + pos, i - pos);
      while (i < end && text::is_ws(b_[i])) ++i;
      if (name.empty() || i == end || b_[i] != ':') return fail(errc::bad_header_line, pos);
      m_.headers_.push_back(header_field{lookup_header(name), line_, name, {}});
      open = &m_.headers_.back();
      value_begin = i + 1;
      value_end = end;
    }
    pos = lf + 1;
  }

  // Framing by Content-Length (RFC 3261 §18.3).
  const header_field* length_field = nullptr;
  for (const header_field& h : m_.headers_) {
    if (h.id != header_id::content_length) continue;
    if (length_field) return fail_at(errc::duplicate_header, m_.offset_of(h.value), h.line, h.id);
    length_field = &h;
  }
  std::size_t body_end = stream_ ? body_begin : n_;
  if (length_field) {
    const auto length = text::parse_uint(length_field->value, UINT64_MAX / 2);
    const std::size_t at = m_.offset_of(length_field->value);
    if (!length) return fail_at(errc::bad_content_length, at, length_field->line, length_field->id);
    if (*length > limits_.max_message_size || body_begin + *length > limits_.max_message_size) {
      return fail_at(errc::message_too_large, at, length_field->line, length_field->id);
    }
    if (body_begin + *length > n_) {
      if (stream_) return more(skip_ + body_begin + *length);
      return fail_at(errc::content_length_mismatch, at, length_field->line, length_field->id);
    }
    body_end = body_begin + *length;
  }
  m_.body_ = std::string_view(b_ + body_begin, body_end - body_begin);
  m_.size_ = body_end;

  parse_result r;
  if (options_.validate) {
    if (auto e = validate(m_)) {
      r.status = parse_status::error;
      r.error = *e;
      r.error.offset += skip_;
      return r;
    }
  }
  r.status = parse_status::complete;
  r.consumed = skip_ + body_end;
  r.trailing = stream_ ? 0 : n_ - body_end;
  r.msg.emplace(std::move(m_));
  return r;
}

parse_result parse(std::string_view datagram, const parse_options& options) {
  return message_parser(datagram, options, false).run();
}

parse_result parse_stream(std::string_view bytes, const parse_options& options) {
  return message_parser(bytes, options, true).run();
}

}  // namespace tollgate::sip
