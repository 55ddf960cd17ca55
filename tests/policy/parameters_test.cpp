#include "policy/parameters.hpp"

#include <catch2/catch.hpp>

using namespace tollgate::policy;

TEST_CASE("the table holds product.md's defaults and ranges", "[policy][parameters]") {
  CHECK(parameter_table().size() == 20);
  const auto& retry = info(parameter::SS_ENDPOINTREGISTERRETRY);
  CHECK(retry.name == "SS_ENDPOINTREGISTERRETRY");
  CHECK(retry.default_value == 6);
  CHECK(retry.min == 1);
  CHECK(retry.max == 100);
  CHECK(info(parameter::SS_ENDPOINTREGISTERSUSPENDTIME).default_value == 180);
  CHECK(info(parameter::SS_AUTHCHALLENGEMODE).default_value == 2);
  CHECK(info(parameter::BLACKLIST_MAX_DURATION).max == 31536000);
  CHECK(info(parameter::BLACKLIST_IPV6_PREFIX).min == 48);
}

TEST_CASE("parameters are found by name in any case", "[policy][parameters]") {
  CHECK(find_parameter("BLACKLIST_WINDOW") == parameter::BLACKLIST_WINDOW);
  CHECK(find_parameter("blacklist_window") == parameter::BLACKLIST_WINDOW);
  CHECK_FALSE(find_parameter("BLACKLIST_WINDOWS"));
  CHECK_FALSE(find_parameter(""));
}

TEST_CASE("out-of-range values are refused with name and range", "[policy][parameters]") {
  parameter_set set;
  CHECK(set.get(parameter::SS_ENDPOINTREGISTERRETRY) == 6);
  CHECK(set.origin(parameter::SS_ENDPOINTREGISTERRETRY) == parameter_origin::default_value);

  const auto error = set.set(parameter::SS_ENDPOINTREGISTERRETRY, 0, parameter_origin::runtime);
  REQUIRE(error);
  CHECK(*error == "SS_ENDPOINTREGISTERRETRY must be between 1 and 100 (got 0)");
  CHECK(set.get(parameter::SS_ENDPOINTREGISTERRETRY) == 6);

  CHECK_FALSE(set.set(parameter::SS_ENDPOINTREGISTERRETRY, 100, parameter_origin::config));
  CHECK(set.get(parameter::SS_ENDPOINTREGISTERRETRY) == 100);
  CHECK(set.origin(parameter::SS_ENDPOINTREGISTERRETRY) == parameter_origin::config);
  CHECK(to_string(parameter_origin::config) == "config");
}
