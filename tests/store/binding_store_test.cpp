#include "store/binding_store.hpp"

#include <catch2/catch.hpp>

#include "store/switch_schema.hpp"

using namespace tollgate;
using namespace tollgate::store;

namespace {

base::timestamp at(std::int64_t seconds) { return base::timestamp{base::millis{seconds * 1000}}; }

binding_row binding(const std::string& endpoint, const std::string& contact, std::int64_t expires) {
  return {endpoint,
          contact,
          *base::ip_address::parse("2001:db8::20"),
          5062,
          "udp",
          at(expires),
          "Yealink SIP-T46S",
          "reg-" + endpoint,
          7};
}

}  // namespace

TEST_CASE("bindings are upserted by endpoint and contact, erased and expired", "[store][binding_store]") {
  auto db = open_switch_db(":memory:");
  REQUIRE(db);
  binding_store bindings(*db);
  REQUIRE(bindings.upsert(binding("1001", "sip:1001@[2001:db8::20]:5062", 3600)));
  REQUIRE(bindings.upsert(binding("1001", "sip:1001@192.0.2.5", 100)));
  REQUIRE(bindings.upsert(binding("1002", "sip:1002@192.0.2.6", 3600)));

  auto refreshed = binding("1001", "sip:1001@[2001:db8::20]:5062", 7200);
  refreshed.cseq = 8;
  REQUIRE(bindings.upsert(refreshed));

  auto all = bindings.load_all();
  REQUIRE(all);
  REQUIRE(all->size() == 3);
  CHECK((*all)[0] == binding("1001", "sip:1001@192.0.2.5", 100));
  CHECK((*all)[1] == refreshed);

  auto expired = bindings.erase_expired(at(100));
  REQUIRE(expired);
  CHECK(*expired == 1);
  auto erased = bindings.erase("1002", "sip:1002@192.0.2.6");
  REQUIRE(erased);
  CHECK(*erased);
  auto wildcard = bindings.erase_endpoint("1001");
  REQUIRE(wildcard);
  CHECK(*wildcard == 1);
  auto none = bindings.load_all();
  REQUIRE(none);
  CHECK(none->empty());
}
