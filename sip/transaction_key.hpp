// Transaction matching (RFC 3261 §17.1.3, §17.2.3): keys by branch with the z9hG4bK magic
// cookie, and the RFC 2543 fallback key for requests without it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tollgate::sip {

inline constexpr std::string_view branch_magic_cookie = "z9hG4bK";

/// True when the branch starts with the RFC 3261 magic cookie (case-sensitive, as the RFC says).
bool has_magic_cookie(std::string_view branch);

/// The values of a request that matching looks at, as the parser found them.
struct request_identity {
  std::string_view method;         // request method; ACK and CANCEL are handled as the RFC says
  std::string_view request_uri;
  std::string_view via_branch;     // branch param of the top Via (may be empty)
  std::string_view via_sent_by;    // host[:port] of the top Via
  std::string_view top_via;        // the whole top Via value (RFC 2543 key)
  std::string_view to_tag;
  std::string_view from_tag;
  std::string_view call_id;
  std::uint32_t cseq_number = 0;
  std::string_view cseq_method;
};

/// Key of the server transaction a request belongs to. With the magic cookie: branch,
/// sent-by and method, where ACK maps to INVITE (so the ACK for a non-2xx final response
/// finds its INVITE transaction) and CANCEL stays separate. Without it (RFC 2543): the
/// Request-URI, From tag, Call-ID, CSeq number, top Via, and the To tag except for INVITE
/// and ACK (the INVITE had none; the ACK carries ours), plus the method mapped as above.
std::string server_transaction_key(const request_identity& request);

/// Key of the client transaction a response belongs to: top Via branch and CSeq method
/// (a CANCEL and its INVITE share a branch).
std::string client_transaction_key(std::string_view via_branch, std::string_view cseq_method);

}  // namespace tollgate::sip
