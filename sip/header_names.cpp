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

}  // namespace

header_id lookup_header(std::string_view name) {
  if (name.size() == 1) return compact(name[0]);
  // Candidates share length and first letter; at most a few compares per lookup.
  const char first = text::lower(name.empty() ? '\0' : name[0]);
  for (const entry& e : table) {
    if (e.name.size() == name.size() && text::lower(e.name[0]) == first && text::iequals(e.name, name)) {
      return e.id;
    }
  }
  return header_id::other;
}

std::string_view canonical_name(header_id id) { return id == header_id::other ? std::string_view{} : at(id).name; }

char compact_form(header_id id) { return id == header_id::other ? '\0' : at(id).compact; }

}  // namespace tollgate::sip
