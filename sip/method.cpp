// Method names.
#include "sip/method.hpp"

#include <array>

namespace tollgate::sip {
namespace {

constexpr std::array<std::string_view, 15> names{
    "", "INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "INFO", "UPDATE", "PRACK",
    "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH"};

}  // namespace

method lookup_method(std::string_view name) {
  for (std::size_t i = 1; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<method>(i);
  }
  return method::unknown;
}

std::string_view to_string(method m) { return names[static_cast<std::size_t>(m)]; }

}  // namespace tollgate::sip
