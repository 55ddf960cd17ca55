// Small SIP messages shared by the sip tests.
#pragma once

#include <string>

namespace tollgate::sip::testing {

inline const std::string register_request =
    "REGISTER sip:registrar.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: \"Alice\" <sip:alice@example.com>\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
    "CSeq: 314159 REGISTER\r\n"
    "Contact: <sip:alice@192.0.2.10:5060>;expires=3600\r\n"
    "Expires: 3600\r\n"
    "User-Agent: ExamplePhone/5.2.1\r\n"
    "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"abc\"\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

inline const std::string invite_request =
    "INVITE sip:bob@example.net SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9, SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp1\r\n"
    "Via: SIP/2.0/UDP 198.51.100.9;branch=z9hG4bKp2\r\n"
    "Max-Forwards: 69\r\n"
    "Record-Route: <sip:proxy.example.com;lr>\r\n"
    "To: <sip:bob@example.net>\r\n"
    "From: <sip:alice@example.com>;tag=9fxced76sl\r\n"
    "Call-ID: 3848276298220188511\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:alice@192.0.2.10>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\n";

}  // namespace tollgate::sip::testing
