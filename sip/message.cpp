// Accessors of a parsed message: lookups over the header fields, structured parses on demand.
#include "sip/message.hpp"

#include "sip/text.hpp"

namespace tollgate::sip {

const header_field* message::find(header_id id) const {
  for (const header_field& h : headers_) {
    if (h.id == id) return &h;
  }
  return nullptr;
}

std::string_view message::header(header_id id) const {
  const header_field* h = find(id);
  return h ? h->value : std::string_view{};
}

std::string_view message::header(std::string_view name) const {
  const header_id id = lookup_header(name);
  if (id != header_id::other) return header(id);
  for (const header_field& h : headers_) {
    if (h.id == header_id::other && text::iequals(h.name, name)) return h.value;
  }
  return {};
}

std::vector<std::string_view> message::header_values(std::string_view name) const {
  const header_id id = lookup_header(name);
  std::vector<std::string_view> out;
  for (const header_field& h : headers_) {
    if (id != header_id::other ? h.id == id : (h.id == header_id::other && text::iequals(h.name, name))) {
      out.push_back(h.value);
    }
  }
  return out;
}

std::size_t message::count(header_id id) const {
  std::size_t n = 0;
  for (const header_field& h : headers_) n += h.id == id ? 1 : 0;
  return n;
}

std::optional<sip::cseq> message::cseq() const {
  const header_field* h = find(header_id::cseq);
  if (!h) return std::nullopt;
  return sip::cseq::parse(h->value);
}

std::optional<sip::via> message::top_via() const {
  const header_field* h = find(header_id::via);
  if (!h) return std::nullopt;
  text::list_splitter split(h->value);
  const auto first = split.next();
  if (!first) return std::nullopt;
  return sip::via::parse(*first);
}

std::optional<std::vector<sip::via>> message::vias() const {
  std::vector<sip::via> out;
  for (const header_field& h : headers_) {
    if (h.id == header_id::via && !parse_via_list(h.value, out)) return std::nullopt;
  }
  return out;
}

std::optional<name_addr> message::from() const {
  const header_field* h = find(header_id::from);
  if (!h) return std::nullopt;
  return name_addr::parse(h->value);
}

std::optional<name_addr> message::to() const {
  const header_field* h = find(header_id::to);
  if (!h) return std::nullopt;
  return name_addr::parse(h->value);
}

std::optional<contact_list> message::contacts() const {
  contact_list out;
  for (const header_field& h : headers_) {
    if (h.id == header_id::contact && !parse_contact_value(h.value, out)) return std::nullopt;
  }
  return out;
}

namespace {

std::optional<std::vector<name_addr>> all_name_addrs(const std::vector<header_field>& headers, header_id id) {
  std::vector<name_addr> out;
  for (const header_field& h : headers) {
    if (h.id != id) continue;
    auto list = parse_name_addr_list(h.value);
    if (!list) return std::nullopt;
    out.insert(out.end(), list->begin(), list->end());
  }
  return out;
}

}  // namespace

std::optional<std::vector<name_addr>> message::routes() const { return all_name_addrs(headers_, header_id::route); }

std::optional<std::vector<name_addr>> message::record_routes() const {
  return all_name_addrs(headers_, header_id::record_route);
}

std::optional<std::uint32_t> message::max_forwards() const {
  const header_field* h = find(header_id::max_forwards);
  if (!h) return std::nullopt;
  const auto n = text::parse_uint(h->value, 255);
  if (!n) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

std::optional<std::uint32_t> message::expires() const {
  const header_field* h = find(header_id::expires);
  if (!h || h->value.empty()) return std::nullopt;
  for (char c : h->value) {
    if (!text::is_digit(c)) return std::nullopt;
  }
  const auto n = text::parse_uint(h->value, UINT32_MAX);
  return n ? static_cast<std::uint32_t>(*n) : UINT32_MAX;
}

}  // namespace tollgate::sip
