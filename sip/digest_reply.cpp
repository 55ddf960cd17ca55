// Credentials in, challenges out.
#include "sip/digest_reply.hpp"

#include "sip/builder.hpp"

namespace tollgate::sip {

std::vector<std::string_view> credential_values(const message& request) {
  std::vector<std::string_view> out;
  for (const auto& field : request.headers()) {
    if (field.id == header_id::authorization || field.id == header_id::proxy_authorization) out.push_back(field.value);
  }
  return out;
}

std::string challenge_reply(const message& request, const base::ip_address& source_ip, std::uint16_t source_port,
                            const digest_challenges& challenges) {
  response_builder b(request, challenges.status);
  b.source(source_ip, source_port);
  for (const auto& value : challenges.values) b.header(challenges.header_name, value);
  return b.build();
}

}  // namespace tollgate::sip
