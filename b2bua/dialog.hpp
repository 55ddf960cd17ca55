// One leg's dialog as the B2BUA holds it (RFC 3261 §12): identifiers, remote target, route
// set and our CSeq, and the text of the requests we send on it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "b2bua/effect.hpp"
#include "sip/client_transaction.hpp"
#include "sip/message.hpp"

namespace tollgate::b2bua {

/// A request we originate on a leg, before the dialog's identifiers are added.
struct outgoing_request {
  std::string method;
  std::string request_uri;
  unsigned max_forwards = 70;
  std::vector<std::pair<std::string, std::string>> headers;  // in order (credentials...)
  std::string content_type;
  std::string body;
};

/// Invariant: call_id, local_tag and local_uri never change once set; remote_tag is empty
/// until the peer's first response with a To-tag (B) or from the INVITE's From (A).
struct dialog {
  std::string call_id;
  std::string local_uri;  // our URI on this leg (From of our requests)
  std::string local_tag;
  std::string remote_uri;
  std::string remote_tag;
  std::string remote_target;            // Request-URI of in-dialog requests (the peer's Contact)
  std::vector<std::string> route_set;   // Route values, in the order they are sent
  std::uint32_t local_cseq = 0;         // last CSeq we used on this leg
  destination peer;                     // where everything on this leg is sent
  std::string contact;                  // our Contact on this leg ("<sip:host:port>")
  std::string sent_by;                  // our Via sent-by ("host:port")
};

/// The Via value of a request with `branch` on this leg.
std::string via_value(const dialog& d, std::string_view branch);
/// The full request text; `cseq` and `branch` are this transaction's.
std::string build_request(const dialog& d, const outgoing_request& r, std::uint32_t cseq, std::string_view branch);
/// What the INVITE client transaction copies into the ACK of a non-2xx response.
sip::ack_fields ack_fields_of(const dialog& d, const outgoing_request& r, std::uint32_t cseq,
                              std::string_view branch);
/// "<uri>" of a name-addr header value, without display name and parameters.
std::string bracketed_uri(std::string_view uri);

}  // namespace tollgate::b2bua
