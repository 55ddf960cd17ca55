// Editing parsed messages: header fields added or removed, Content-Length recomputed.
#include "sip/builder.hpp"

#include <algorithm>

#include "sip/text.hpp"

namespace tollgate::sip {

message_editor::message_editor(const message& m)
    : is_request_(m.is_request()),
      method_(m.method_text()),
      request_uri_(m.request_uri_text()),
      body_(m.body()) {
  if (!is_request_) {
    status_line_ = "SIP/2.0 " + std::to_string(m.status_code()) + " ";
    status_line_.append(m.reason_phrase());
  }
  for (const header_field& h : m.headers()) {
    if (h.id == header_id::content_length) continue;
    // Compact names are expanded so the edited text reads the same whoever parses it.
    const std::string_view name = h.id == header_id::other ? h.name : canonical_name(h.id);
    fields_.push_back(field{h.id, std::string(name), std::string(h.value)});
  }
}

message_editor& message_editor::remove(header_id id) {
  std::erase_if(fields_, [id](const field& f) { return f.id == id; });
  return *this;
}

message_editor& message_editor::remove(std::string_view name) {
  const header_id id = lookup_header(name);
  if (id != header_id::other) return remove(id);
  std::erase_if(fields_, [name](const field& f) { return f.id == header_id::other && text::iequals(f.name, name); });
  return *this;
}

message_editor& message_editor::prepend(std::string_view name, std::string_view value) {
  fields_.insert(fields_.begin(), field{lookup_header(name), std::string(name), std::string(value)});
  return *this;
}

message_editor& message_editor::append(std::string_view name, std::string_view value) {
  if (lookup_header(name) == header_id::content_length) return *this;
  fields_.push_back(field{lookup_header(name), std::string(name), std::string(value)});
  return *this;
}

message_editor& message_editor::request_uri(std::string_view uri) {
  if (is_request_) request_uri_ = uri;
  return *this;
}

message_editor& message_editor::body(std::string_view content_type, std::string_view content) {
  remove(header_id::content_type);
  if (!content.empty()) fields_.push_back(field{header_id::content_type, "Content-Type", std::string(content_type)});
  body_ = content;
  return *this;
}

std::string message_editor::build() const {
  std::string out;
  out.reserve(512 + body_.size());
  std::string start = is_request_ ? method_ + " " + request_uri_ + " SIP/2.0" : status_line_;
  for (char c : start) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out.append("\r\n");
  for (const field& f : fields_) {
    if (f.id == header_id::content_length) continue;
    append_header(out, f.name, f.value);
  }
  append_header(out, "Content-Length", std::to_string(body_.size()));
  out.append("\r\n");
  out.append(body_);
  return out;
}

}  // namespace tollgate::sip
