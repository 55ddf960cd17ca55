// Request text for a leg's dialog.
#include "b2bua/dialog.hpp"

#include "sip/builder.hpp"

namespace tollgate::b2bua {

namespace {

std::string_view via_transport(config::transport t) { return t == config::transport::tcp ? "TCP" : "UDP"; }

std::string with_tag(std::string_view uri, std::string_view tag) {
  std::string out = bracketed_uri(uri);
  if (!tag.empty()) out.append(";tag=").append(tag);
  return out;
}

}  // namespace

std::string bracketed_uri(std::string_view uri) { return "<" + std::string(uri) + ">"; }

std::string via_value(const dialog& d, std::string_view branch) {
  std::string v = "SIP/2.0/";
  v.append(via_transport(d.peer.transport)).append(" ").append(d.sent_by).append(";branch=").append(branch);
  v.append(";rport");
  return v;
}

std::string build_request(const dialog& d, const outgoing_request& r, std::uint32_t cseq, std::string_view branch) {
  sip::request_builder b(r.method, r.request_uri);
  b.via(via_transport(d.peer.transport), d.sent_by, branch)
      .max_forwards(r.max_forwards)
      .from(bracketed_uri(d.local_uri), d.local_tag)
      .to(bracketed_uri(d.remote_uri), d.remote_tag)
      .call_id(d.call_id)
      .cseq(cseq);
  if (r.method != "ACK" && r.method != "CANCEL" && r.method != "BYE") b.contact(d.contact);
  for (const auto& route : d.route_set) b.header("Route", route);
  for (const auto& [name, value] : r.headers) b.header(name, value);
  if (!r.body.empty()) b.body(r.content_type, r.body);
  return b.build();
}

sip::ack_fields ack_fields_of(const dialog& d, const outgoing_request& r, std::uint32_t cseq,
                              std::string_view branch) {
  sip::ack_fields f;
  f.request_uri = r.request_uri;
  f.via = via_value(d, branch);
  f.from = with_tag(d.local_uri, d.local_tag);
  f.call_id = d.call_id;
  f.cseq = cseq;
  f.routes = d.route_set;
  return f;
}

}  // namespace tollgate::b2bua
