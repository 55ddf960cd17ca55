// Auth-params: a bounded single-pass scanner over one header value.
#include "sip/digest_params.hpp"

#include "sip/text.hpp"

namespace tollgate::sip {
namespace {

bool is_lws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class scanner {
public:
  explicit scanner(std::string_view text) : text_(text) {}

  void skip_lws() {
    while (pos_ < text_.size() && is_lws(text_[pos_])) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  std::size_t pos() const { return pos_; }
  void advance() { ++pos_; }

  std::string_view token() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text::is_token_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // At the opening quote. Returns the content between the quotes or an error code.
  std::variant<std::string_view, digest_errc> quoted_string() {
    ++pos_;
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        const std::string_view content = text_.substr(start, pos_ - start);
        ++pos_;
        return content;
      }
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) return digest_errc::unterminated_quote;
        const auto escaped = static_cast<unsigned char>(text_[pos_ + 1]);
        // RFC 3261 allows escaping most controls; none belongs in a digest value, and refusing
        // them keeps every accepted value printable in a header again.
        if ((escaped < 0x20 && escaped != '\t') || escaped >= 0x7f) return digest_errc::bad_escape;
        pos_ += 2;
        continue;
      }
      if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) return digest_errc::control_character;
      ++pos_;
    }
    return digest_errc::unterminated_quote;
  }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

digest_parse_error error_at(digest_errc code, std::size_t offset, std::string_view param = {}) {
  return digest_parse_error{make_error_code(code), offset, std::string(param)};
}

}  // namespace

std::string_view auth_scheme(std::string_view value) {
  scanner s(value);
  s.skip_lws();
  const std::size_t start = s.pos();
  return value.substr(start, s.token().size());
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string auth_param::value() const {
  if (!quoted) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) ++i;
    out += raw[i];
  }
  return out;
}

const auth_param* auth_params::find(std::string_view name) const {
  for (const auth_param& p : *this) {
    if (iequals(p.name, name)) return &p;
  }
  return nullptr;
}

std::variant<auth_params, digest_parse_error> parse_auth_params(std::string_view value) {
  if (value.size() > max_auth_header_length) return error_at(digest_errc::too_long, max_auth_header_length);
  scanner s(value);
  s.skip_lws();
  if (s.at_end()) return error_at(digest_errc::empty, s.pos());

  auth_params out;
  out.scheme = s.token();
  if (out.scheme.empty()) return error_at(digest_errc::expected_param_name, s.pos());
  if (s.at_end()) return out;
  if (!is_lws(s.peek())) return error_at(digest_errc::expected_param_name, s.pos());
  s.skip_lws();
  if (s.at_end()) return out;

  for (;;) {
    auth_param param;
    param.offset = s.pos();
    param.name = s.token();
    if (param.name.empty()) return error_at(digest_errc::expected_param_name, s.pos());
    s.skip_lws();
    if (s.at_end() || s.peek() != '=') return error_at(digest_errc::expected_equals, s.pos(), param.name);
    s.advance();
    s.skip_lws();
    if (s.at_end()) return error_at(digest_errc::expected_value, s.pos(), param.name);
    if (s.peek() == '"') {
      const std::size_t quote_at = s.pos();
      auto content = s.quoted_string();
      if (auto* code = std::get_if<digest_errc>(&content)) return error_at(*code, quote_at, param.name);
      param.raw = std::get<std::string_view>(content);
      param.quoted = true;
    } else {
      param.raw = s.token();
      if (param.raw.empty()) return error_at(digest_errc::expected_value, s.pos(), param.name);
    }
    if (out.find(param.name) != nullptr) return error_at(digest_errc::duplicate_param, param.offset, param.name);
    if (out.count == max_auth_params) return error_at(digest_errc::too_many_params, param.offset, param.name);
    out.items[out.count++] = param;

    s.skip_lws();
    if (s.at_end()) return out;
    if (s.peek() != ',') return error_at(digest_errc::expected_comma, s.pos(), param.name);
    s.advance();
    s.skip_lws();
  }
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

std::variant<auth_params, digest_parse_error> parse_digest_params(std::string_view value) {
  const auto not_digest = [&](std::string_view scheme) {
    return digest_parse_error{make_error_code(digest_errc::not_digest), static_cast<std::size_t>(scheme.data() - value.data()),
                              {}};
  };
  // A scheme such as Basic carries token68, which the auth-param grammar would misreport.
  const std::string_view scheme = auth_scheme(value);
  if (!scheme.empty() && !iequals(scheme, "Digest")) return not_digest(scheme);
  auto parsed = parse_auth_params(value);
  if (auto* params = std::get_if<auth_params>(&parsed); params != nullptr && !iequals(params->scheme, "Digest")) {
    return not_digest(params->scheme);
  }
  return parsed;
}

}  // namespace tollgate::sip
