// Test helpers for the b2bua core: parsing, the caller's and the callee's messages, and
// looking through effects.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "b2bua/effect.hpp"
#include "sip/builder.hpp"
#include "sip/parser.hpp"

namespace tollgate::b2bua::test {

inline sip::message parse(std::string_view text) {
  auto r = sip::parse(text);
  INFO(text);
  REQUIRE(r.ok());
  return std::move(*r.msg);
}

struct invite_spec {
  std::string call_id = "a-call-1";
  std::string caller = "1001";
  std::string callee = "0044123456";
  std::string host = "198.51.100.7";  // the caller's address (Via, Contact)
  std::string branch = "z9hG4bKa1";
  std::string from_tag = "ftag1";
  unsigned cseq = 1;
  unsigned max_forwards = 70;
  std::string user_agent = "TestPhone/1.0";
  std::string body = "v=0\r\no=caller 1 1 IN IP4 198.51.100.7\r\n";
  std::string extra;  // further header lines, each ending in CRLF
};

inline std::string invite_text(const invite_spec& s) {
  std::string t = "INVITE sip:" + s.callee + "@192.0.2.1 SIP/2.0\r\n";
  t += "Via: SIP/2.0/UDP " + s.host + ":5060;branch=" + s.branch + ";rport\r\n";
  t += "Max-Forwards: " + std::to_string(s.max_forwards) + "\r\n";
  t += "From: <sip:" + s.caller + "@" + s.host + ">;tag=" + s.from_tag + "\r\n";
  t += "To: <sip:" + s.callee + "@192.0.2.1>\r\n";
  t += "Call-ID: " + s.call_id + "\r\n";
  t += "CSeq: " + std::to_string(s.cseq) + " INVITE\r\n";
  t += "Contact: <sip:" + s.caller + "@" + s.host + ":5060>\r\n";
  t += "User-Agent: " + s.user_agent + "\r\n";
  t += s.extra;
  if (!s.body.empty()) t += "Content-Type: application/sdp\r\n";
  t += "Content-Length: " + std::to_string(s.body.size()) + "\r\n\r\n" + s.body;
  return t;
}

/// A response from a UA to `request`: its To-tag, a Contact for 1xx-2xx, optional body.
inline std::string response_text(const sip::message& request, int status, std::string_view to_tag,
                                 std::string_view contact_host, std::string_view body = {}) {
  sip::response_builder b(request, status);
  if (status > 100) b.to_tag(to_tag);
  if (status > 100 && status < 300) b.header("Contact", "<sip:ua@" + std::string(contact_host) + ">");
  if (!body.empty()) b.body("application/sdp", body);
  return b.build();
}

/// An in-dialog request from a UA: `from`/`to` are the header values as that UA sees them.
inline std::string dialog_request(std::string_view method, std::string_view target, std::string_view via_host,
                                  std::string_view branch, std::string_view from, std::string_view to,
                                  std::string_view call_id, unsigned cseq, std::string_view body = {}) {
  std::string t = std::string(method) + " " + std::string(target) + " SIP/2.0\r\n";
  t += "Via: SIP/2.0/UDP " + std::string(via_host) + ":5060;branch=" + std::string(branch) + "\r\n";
  t += "Max-Forwards: 70\r\nFrom: " + std::string(from) + "\r\nTo: " + std::string(to) + "\r\n";
  t += "Call-ID: " + std::string(call_id) + "\r\nCSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
  if (!body.empty()) t += "Content-Type: application/sdp\r\n";
  t += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  return t;
}

template <class T>
std::vector<T> all(const effects& fx) {
  std::vector<T> out;
  for (const auto& e : fx) {
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

template <class T>
int count(const effects& fx) {
  return static_cast<int>(all<T>(fx).size());
}

/// The sent messages whose text starts with `prefix` ("SIP/2.0 180", "INVITE ", "BYE ").
inline std::vector<send_message> sent(const effects& fx, std::string_view prefix) {
  std::vector<send_message> out;
  for (const auto& s : all<send_message>(fx)) {
    if (std::string_view(s.text).starts_with(prefix)) out.push_back(s);
  }
  return out;
}

/// The one message sent with `prefix`, parsed.
inline sip::message only(const effects& fx, std::string_view prefix) {
  const auto s = sent(fx, prefix);
  INFO("prefix " << prefix);
  REQUIRE(s.size() == 1);
  return parse(s.front().text);
}

}  // namespace tollgate::b2bua::test
