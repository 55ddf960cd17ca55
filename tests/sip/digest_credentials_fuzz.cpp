// Fuzz target for the credentials and challenge parsers: no crash, no hang, and every
// accepted credentials value survives format -> parse unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "sip/digest_challenge.hpp"
#include "sip/digest_credentials.hpp"
#include "sip/digest_params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto credentials = tollgate::sip::parse_digest_credentials(input);
  if (auto* c = std::get_if<tollgate::sip::digest_credentials>(&credentials)) {
    const std::string text = tollgate::sip::format_digest_credentials(*c);
    auto again = tollgate::sip::parse_digest_credentials(text);
    auto* c2 = std::get_if<tollgate::sip::digest_credentials>(&again);
    if (c2 == nullptr || !(*c2 == *c)) std::abort();
  } else {
    const auto& error = std::get<tollgate::sip::digest_parse_error>(credentials);
    if (!error.code || error.offset > input.size()) std::abort();
  }
  auto challenge = tollgate::sip::parse_digest_challenge(input);
  if (auto* ch = std::get_if<tollgate::sip::digest_challenge>(&challenge)) {
    (void)tollgate::sip::format_digest_challenge(*ch);
  }
  return 0;
}
