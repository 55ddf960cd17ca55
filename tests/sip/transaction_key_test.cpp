#include "sip/transaction_key.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::sip;

namespace {
request_identity invite_3261() {
  request_identity r;
  r.method = "INVITE";
  r.request_uri = "sip:bob@example.com";
  r.via_branch = "z9hG4bK776asdhds";
  r.via_sent_by = "192.0.2.10:5060";
  r.top_via = "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds";
  r.from_tag = "1928301774";
  r.call_id = "a84b4c76e66710";
  r.cseq_number = 314159;
  r.cseq_method = "INVITE";
  return r;
}
}  // namespace

TEST_CASE("matching: RFC 3261 branch keys", "[sip][transaction_key]") {
  CHECK(has_magic_cookie("z9hG4bK776asdhds"));
  CHECK_FALSE(has_magic_cookie("Z9HG4BK776asdhds"));
  CHECK_FALSE(has_magic_cookie("776asdhds"));
  CHECK_FALSE(has_magic_cookie(""));

  const request_identity invite = invite_3261();
  request_identity retransmission = invite;
  retransmission.call_id = "ignored-with-a-branch";
  CHECK(server_transaction_key(invite) == server_transaction_key(retransmission));

  request_identity ack = invite;
  ack.method = "ACK";
  ack.to_tag = "a6c85cf";
  CHECK(server_transaction_key(ack) == server_transaction_key(invite));
  request_identity cancel = invite;
  cancel.method = "CANCEL";
  CHECK(server_transaction_key(cancel) != server_transaction_key(invite));
  request_identity other_host = invite;
  other_host.via_sent_by = "192.0.2.11:5060";
  CHECK(server_transaction_key(other_host) != server_transaction_key(invite));
  request_identity other_branch = invite;
  other_branch.via_branch = "z9hG4bK776asdhdt";
  CHECK(server_transaction_key(other_branch) != server_transaction_key(invite));

  CHECK(client_transaction_key("z9hG4bKa", "INVITE") == client_transaction_key("z9hG4bKa", "INVITE"));
  CHECK(client_transaction_key("z9hG4bKa", "INVITE") != client_transaction_key("z9hG4bKa", "CANCEL"));
  CHECK(client_transaction_key("z9hG4bKa", "INVITE") != client_transaction_key("z9hG4bKb", "INVITE"));
}

TEST_CASE("matching: RFC 2543 fallback key", "[sip][transaction_key]") {
  request_identity invite = invite_3261();
  invite.via_branch = "";
  invite.top_via = "SIP/2.0/UDP 192.0.2.10:5060";
  request_identity ack = invite;
  ack.method = "ACK";
  ack.to_tag = "ourtag";
  ack.cseq_method = "ACK";
  CHECK(server_transaction_key(ack) == server_transaction_key(invite));

  for (auto change : {+[](request_identity& r) { r.request_uri = "sip:carol@example.com"; },
                      +[](request_identity& r) { r.from_tag = "x"; },
                      +[](request_identity& r) { r.call_id = "x"; },
                      +[](request_identity& r) { r.cseq_number = 1; },
                      +[](request_identity& r) { r.top_via = "SIP/2.0/UDP 192.0.2.99"; }}) {
    request_identity changed = invite;
    change(changed);
    CHECK(server_transaction_key(changed) != server_transaction_key(invite));
  }
  request_identity bye = invite;
  bye.method = "BYE";
  bye.cseq_method = "BYE";
  bye.to_tag = "t1";
  request_identity bye2 = bye;
  bye2.to_tag = "t2";
  CHECK(server_transaction_key(bye) != server_transaction_key(bye2));
  // An old-style branch (no cookie) is not trusted.
  request_identity old_branch = invite;
  old_branch.via_branch = "776asdhds";
  request_identity old_branch2 = old_branch;
  old_branch2.call_id = "different";
  CHECK(server_transaction_key(old_branch) != server_transaction_key(old_branch2));
}
