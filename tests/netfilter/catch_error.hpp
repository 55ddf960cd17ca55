// Lets Catch print a netfilter::error as its message in failed assertions.
#pragma once

#include "netfilter/error.hpp"

#include <catch2/catch.hpp>

namespace Catch {
template <>
struct StringMaker<tollgate::netfilter::error> {
  static std::string convert(const tollgate::netfilter::error& e) { return e.message(); }
};
}  // namespace Catch
