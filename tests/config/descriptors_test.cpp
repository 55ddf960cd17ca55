#include "config/descriptors.hpp"

#include <catch2/catch.hpp>

#include "config/load.hpp"

using namespace tollgate;

namespace {

std::shared_ptr<const config::config> parse(const char* text) {
  auto loaded = config::parse(text, "tollgate.toml");
  REQUIRE(loaded);
  return loaded.value();
}

}  // namespace

TEST_CASE("descriptors needed: TCP listen addresses times tcp_max_connections, plus the reserve", "[config][descriptors]") {
  const auto two = parse(R"toml(
[switch]
listen = ["udp:0.0.0.0:5060", "tcp:0.0.0.0:5060", "tcp:[::]:5060"]
tcp_max_connections = 1000
)toml");
  CHECK(config::switch_descriptors_needed(*two) == 2 * 1000 + config::reserved_descriptors);
  const auto udp_only = parse("[switch]\nlisten = [\"udp:0.0.0.0:5060\"]\n");
  CHECK(config::switch_descriptors_needed(*udp_only) == config::reserved_descriptors);
  // The built-in defaults (one TCP listen, 4096 connections) fit the shipped LimitNOFILE=16384.
  CHECK(config::switch_descriptors_needed(config::built_in_defaults()) == 4096 + 256);
}

TEST_CASE("descriptors_short names the limit, what is needed and the fix", "[config][descriptors]") {
  const auto c = parse("[switch]\nlisten = [\"tcp:127.0.0.1:5060\"]\ntcp_max_connections = 4096\n");
  CHECK_FALSE(config::descriptor_finding(*c, 4352, "the switch's"));
  const auto f = config::descriptor_finding(*c, 1024, "the switch's");
  REQUIRE(f);
  CHECK(f->id == "descriptors_short");
  CHECK(f->severity == config::severity::medium);
  CHECK(f->message.find("the switch's descriptor limit is 1024") == 0);
  CHECK(f->message.find("needs 4352") != std::string::npos);
  CHECK(f->fix.find("LimitNOFILE=") != std::string::npos);
}
