// Stream framing.
#include "sip/stream_framer.hpp"

namespace tollgate::sip {
namespace {

/// Offset just past the empty line ending the header section in `s`, searching from `from`.
std::size_t find_header_end(std::string_view s, std::size_t from) {
  for (std::size_t i = s.find('\n', from); i != std::string_view::npos; i = s.find('\n', i + 1)) {
    if (i + 1 < s.size() && s[i + 1] == '\n') return i + 2;
    if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

}  // namespace

stream_framer::stream_framer(parse_options options) : options_(options), validate_(options.validate) {
  options_.validate = false;
}

void stream_framer::append(std::string_view bytes) {
  if (failed_) return;
  if (start_ > 0 && start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > 65536) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

parse_result stream_framer::next() {
  parse_result r;
  if (failed_) {
    r.error = *failed_;
    return r;
  }
  if (needed_ == 0 && scanned_ == 0) {
    while (start_ < buffer_.size() && (buffer_[start_] == '\r' || buffer_[start_] == '\n')) ++start_;
  }
  const std::string_view avail = std::string_view(buffer_).substr(start_);
  r.status = parse_status::need_more;
  if (needed_ == 0) {
    const std::size_t end = find_header_end(avail, scanned_ >= 2 ? scanned_ - 2 : 0);
    if (end == std::string_view::npos) {
      scanned_ = avail.size();
      if (avail.size() <= options_.limits.max_message_size) return r;
    }
    // Only the header section: the parser copies what it is given, and pipelined messages
    // behind this one must not be copied again for each message.
    r = parse_stream(end == std::string_view::npos ? avail : avail.substr(0, end), options_);
    if (r.status == parse_status::need_more) {
      needed_ = r.consumed;
      if (needed_ == 0) {  // cannot happen once the empty line is there; never spin on it
        r.status = parse_status::error;
        r.error = parse_error{errc::headers_unterminated, start_, 0, header_id::other};
      }
    }
  }
  if (needed_ > 0 && r.status == parse_status::need_more && avail.size() >= needed_) {
    r = parse_stream(avail.substr(0, needed_), options_);
  }
  if (r.status == parse_status::complete) {
    start_ += r.consumed;
    scanned_ = 0;
    needed_ = 0;
    if (validate_) {
      if (auto e = validate(*r.msg)) {
        r.status = parse_status::error;
        r.error = *e;
        r.msg.reset();
      }
    }
    return r;
  } else if (r.status == parse_status::error) {
    failed_ = r.error;
  }
  return r;
}

}  // namespace tollgate::sip
