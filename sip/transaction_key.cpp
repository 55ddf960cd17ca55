// Transaction matching: keys as flat strings with a separator that cannot occur in the fields.
#include "sip/transaction_key.hpp"

namespace tollgate::sip {
namespace {

// NUL cannot appear in a parsed SIP header, so joined fields cannot collide.
void add(std::string& key, std::string_view part) {
  key.append(part);
  key.push_back('\0');
}

}  // namespace

bool has_magic_cookie(std::string_view branch) { return branch.substr(0, branch_magic_cookie.size()) == branch_magic_cookie; }

std::string server_transaction_key(const request_identity& r) {
  const std::string_view method = r.method == "ACK" ? std::string_view("INVITE") : r.method;
  std::string key;
  if (has_magic_cookie(r.via_branch)) {
    key.reserve(r.via_branch.size() + r.via_sent_by.size() + method.size() + 8);
    add(key, "3261");
    add(key, r.via_branch);
    add(key, r.via_sent_by);
    add(key, method);
    return key;
  }
  add(key, "2543");
  add(key, r.request_uri);
  const bool invite_or_ack = r.method == "INVITE" || r.method == "ACK";
  add(key, invite_or_ack ? std::string_view{} : r.to_tag);
  add(key, r.from_tag);
  add(key, r.call_id);
  add(key, std::to_string(r.cseq_number));
  add(key, r.top_via);
  add(key, method);
  return key;
}

std::string client_transaction_key(std::string_view via_branch, std::string_view cseq_method) {
  std::string key;
  add(key, via_branch);
  add(key, cseq_method);
  return key;
}

}  // namespace tollgate::sip
