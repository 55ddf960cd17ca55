// Header name lookup: a switch on length and first letter, then one case-insensitive compare.
#include "sip/header_names.hpp"

#include <array>

#include "sip/text.hpp"

namespace tollgate::sip {
namespace {

struct entry {
  header_id id;
  std::string_view name;
  char compact;
};

constexpr std::array<entry, 34> table{{
    {header_id::accept, "Accept", '\0'},
    {header_id::allow, "Allow", '\0'},
    {header_id::authorization, "Authorization", '\0'},
    {header_id::call_id, "Call-ID", 'i'},
    {header_id::contact, "Contact", 'm'},
    {header_id::content_encoding, "Content-Encoding", 'e'},
    {header_id::content_length, "Content-Length", 'l'},
    {header_id::content_type, "Content-Type", 'c'},
    {header_id::cseq, "CSeq", '\0'},
    {header_id::date, "Date", '\0'},
    {header_id::event, "Event", 'o'},
    {header_id::expires, "Expires", '\0'},
    {header_id::from, "From", 'f'},
    {header_id::max_forwards, "Max-Forwards", '\0'},
    {header_id::min_expires, "Min-Expires", '\0'},
    {header_id::proxy_authenticate, "Proxy-Authenticate", '\0'},
    {header_id::proxy_authorization, "Proxy-Authorization", '\0'},
    {header_id::proxy_require, "Proxy-Require", '\0'},
    {header_id::record_route, "Record-Route", '\0'},
    {header_id::refer_to, "Refer-To", 'r'},
    {header_id::referred_by, "Referred-By", 'b'},
    {header_id::require, "Require", '\0'},
    {header_id::retry_after, "Retry-After", '\0'},
    {header_id::route, "Route", '\0'},
    {header_id::server, "Server", '\0'},
    {header_id::subject, "Subject", 's'},
    {header_id::supported, "Supported", 'k'},
    {header_id::timestamp, "Timestamp", '\0'},
    {header_id::to, "To", 't'},
    {header_id::unsupported, "Unsupported", '\0'},
    {header_id::user_agent, "User-Agent", '\0'},
    {header_id::via, "Via", 'v'},
    {header_id::warning, "Warning", '\0'},
    {header_id::www_authenticate, "WWW-Authenticate", '\0'},
}};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (static_cast<std::size_t>(table[i].id) != i + 1) return false;
  }
  return true;
}
static_assert(in_enum_order(), "at() indexes the table by header_id");
static_assert(static_cast<std::size_t>(header_id::www_authenticate) == table.size());

constexpr const entry& at(header_id id) { return table[static_cast<std::size_t>(id) - 1]; }

header_id compact(char c) {
  switch (text::lower(c)) {
    case 'i': return header_id::call_id;
    case 'm': return header_id::contact;
    case 'e': return header_id::content_encoding;
    case 'l': return header_id::content_length;
    case 'c': return header_id::content_type;
    case 'o': return header_id::event;
    case 'f': return header_id::from;
    case 'r': return header_id::refer_to;
    case 'b': return header_id::referred_by;
    case 's': return header_id::subject;
    case 'k': return header_id::supported;
    case 't': return header_id::to;
    case 'v': return header_id::via;
    default: return header_id::other;
  }
}

/// For each first letter, the range of table entries starting with it (the table is sorted).
struct letter_index {
  std::array<std::uint8_t, 27> begin{};
  constexpr letter_index() {
    std::size_t e = 0;
    for (std::size_t letter = 0; letter <= 26; ++letter) {
      while (e < table.size() && static_cast<std::size_t>(text::lower(table[e].name[0]) - 'a') < letter) ++e;
      begin[letter] = static_cast<std::uint8_t>(e);
    }
  }
};
constexpr letter_index by_letter;

constexpr bool sorted_by_first_letter() {
  for (std::size_t i = 1; i < table.size(); ++i) {
    if (text::lower(table[i - 1].name[0]) > text::lower(table[i].name[0])) return false;
  }
  return true;
}
static_assert(sorted_by_first_letter(), "lookup_header relies on the table's letter order");

}  // namespace

header_id lookup_header(std::string_view name) {
  if (name.size() == 1) return compact(name[0]);
  if (name.empty() || !text::is_alpha(name[0])) return header_id::other;
  // Candidates share the first letter; compare the length first, then the text.
  const auto letter = static_cast<std::size_t>(text::lower(name[0]) - 'a');
  for (std::size_t i = by_letter.begin[letter]; i < by_letter.begin[letter + 1]; ++i) {
    if (table[i].name.size() == name.size() && text::iequals(table[i].name, name)) return table[i].id;
  }
  return header_id::other;
}

std::string_view canonical_name(header_id id) { return id == header_id::other ? std::string_view{} : at(id).name; }

char compact_form(header_id id) { return id == header_id::other ? '\0' : at(id).compact; }

}  // namespace tollgate::sip
