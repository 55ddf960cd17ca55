#include "config/address.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::config;

TEST_CASE("socket addresses parse v4 and bracketed v6 with a port", "[config][address]") {
  struct row {
    const char* text;
    const char* expected;  // nullptr: refused
  };
  const row table[] = {
      {"198.51.100.7:5060", "198.51.100.7:5060"},
      {"[2001:db8::7]:5061", "[2001:db8::7]:5061"},
      {"[::1]:9466", "[::1]:9466"},
      {"127.0.0.1:65535", "127.0.0.1:65535"},
      {"198.51.100.7", nullptr},
      {"198.51.100.7:", nullptr},
      {"198.51.100.7:0", nullptr},
      {"198.51.100.7:65536", nullptr},
      {"198.51.100.7:50x", nullptr},
      {"2001:db8::7:5060", nullptr},  // IPv6 needs brackets
      {"[198.51.100.7]:5060", nullptr},
      {"[2001:db8::7]5060", nullptr},
      {"example.com:5060", nullptr},
      {"", nullptr},
  };
  for (const auto& r : table) {
    INFO(r.text);
    auto parsed = parse_socket_address(r.text);
    if (r.expected) {
      REQUIRE(parsed);
      CHECK(parsed->to_string() == r.expected);
    } else {
      CHECK_FALSE(parsed);
    }
  }
}

TEST_CASE("listen addresses name their transport", "[config][address]") {
  auto udp = parse_listen_address("udp:0.0.0.0:5060");
  REQUIRE(udp);
  CHECK(udp->transport == transport::udp);
  CHECK(udp->local.port == 5060);
  CHECK(udp->to_string() == "udp:0.0.0.0:5060");
  auto tcp = parse_listen_address("tcp:[::]:5060");
  REQUIRE(tcp);
  CHECK(tcp->transport == transport::tcp);
  CHECK(tcp->to_string() == "tcp:[::]:5060");
  CHECK_FALSE(parse_listen_address("tls:0.0.0.0:5061"));
  CHECK_FALSE(parse_listen_address("UDP:0.0.0.0:5060"));
  CHECK_FALSE(parse_listen_address("0.0.0.0:5060"));
  CHECK_FALSE(parse_listen_address("udp:"));
}
