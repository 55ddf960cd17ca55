// Fuzz target for the generic auth-param parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sip/auth_params.hpp"

int fuzz_auth_params(const std::uint8_t* data, std::size_t size) {
  using namespace tollgate::sip;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto a = parse_auth_value(input)) {
    if (a->scheme.empty() || a->params.size() > max_auth_params) __builtin_trap();
    for (const auth_param& p : a->params) {
      if (p.name.empty() || unquote(p.value).size() > p.value.size()) __builtin_trap();
      (void)a->find(p.name);
    }
  }
  return 0;
}

#ifndef TOLLGATE_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_auth_params(data, size);
}
#endif
