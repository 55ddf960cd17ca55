#include "switch/listener_choice.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace tollgate;
using switch_::listener_at;
using switch_::listener_towards;

namespace {

base::ip_address ip(const char* text) { return *base::ip_address::parse(text); }
config::socket_address at(const char* text, std::uint16_t port = 5060) { return {ip(text), port}; }

}  // namespace

TEST_CASE("a message leaves from the listener bound to the kernel's source address towards the peer",
          "[switch][listener_choice]") {
  // The reported host: the internet side first, the carrier side second.
  const std::vector<config::socket_address> two{at("203.0.113.1"), at("198.51.100.1")};
  CHECK(listener_towards(two, ip("198.51.100.20"), ip("198.51.100.1")) == 1u);
  CHECK(listener_towards(two, ip("203.0.113.50"), ip("203.0.113.1")) == 0u);
  // A source no listener is bound to, or no route: the first listener of the family.
  CHECK(listener_towards(two, ip("192.0.2.9"), ip("192.0.2.1")) == 0u);
  CHECK(listener_towards(two, ip("192.0.2.9"), std::nullopt) == 0u);
  // An IPv4-mapped source is the IPv4 address.
  CHECK(listener_towards(two, ip("198.51.100.20"), ip("::ffff:198.51.100.1")) == 1u);
}

TEST_CASE("without a listener at the source a wildcard of the family comes before the first one",
          "[switch][listener_choice]") {
  const std::vector<config::socket_address> mixed{at("2001:db8::1"), at("203.0.113.1"), at("0.0.0.0", 5070),
                                                  at("::", 5070)};
  CHECK(listener_towards(mixed, ip("198.51.100.20"), ip("198.51.100.1")) == 2u);
  CHECK(listener_towards(mixed, ip("203.0.113.9"), ip("203.0.113.1")) == 1u);
  CHECK(listener_towards(mixed, ip("2001:db8:5::5"), ip("2001:db8:5::1")) == 3u);
  CHECK(listener_towards(mixed, ip("2001:db8::9"), ip("2001:db8::1")) == 0u);
  // IPv6 only: an IPv4 peer falls back to the first IPv6 listener; nothing at all: none.
  const std::vector<config::socket_address> v6{at("2001:db8::1")};
  CHECK(listener_towards(v6, ip("198.51.100.20"), std::nullopt) == 0u);
  const std::vector<config::socket_address> v4{at("203.0.113.1")};
  CHECK_FALSE(listener_towards(v4, ip("2001:db8::9"), std::nullopt));
  CHECK_FALSE(listener_towards({}, ip("203.0.113.9"), std::nullopt));
}

TEST_CASE("a pinned local names its listener exactly, or a wildcard of its family on its port",
          "[switch][listener_choice]") {
  const std::vector<config::socket_address> l{at("203.0.113.1"), at("198.51.100.1"), at("0.0.0.0", 5080),
                                              at("::", 5060)};
  CHECK(listener_at(l, at("198.51.100.1")) == 1u);
  CHECK(listener_at(l, at("203.0.113.1")) == 0u);
  CHECK(listener_at(l, at("192.0.2.1", 5080)) == 2u);  // an address of the host on the wildcard socket
  CHECK(listener_at(l, at("2001:db8::1")) == 3u);
  CHECK_FALSE(listener_at(l, at("192.0.2.1", 5090)));
}
