#include "switch/bindings.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;
using namespace std::chrono_literals;

namespace {

store::binding_row row(const std::string& endpoint, const std::string& contact, const std::string& ip,
                       base::timestamp expires) {
  store::binding_row r;
  r.endpoint = endpoint;
  r.contact = contact;
  r.source_ip = *base::ip_address::parse(ip);
  r.source_port = 5060;
  r.transport = "udp";
  r.expires_at = expires;
  return r;
}

}  // namespace

TEST_CASE("registered sources follow every put, refresh, erase and expiry", "[switch][bindings]") {
  const base::timestamp t0 = base::from_unix_seconds(1764158400);
  switch_::binding_table t;
  const auto a = *base::ip_address::parse("198.51.100.20");
  const auto b = *base::ip_address::parse("198.51.100.21");
  CHECK_FALSE(t.registered_from(a));
  t.put(row("1001", "sip:1001@a", "198.51.100.20", t0 + 60s));
  t.put(row("1002", "sip:1002@a", "198.51.100.20", t0 + 120s));
  CHECK(t.registered_from(a));
  CHECK(t.registered_from(*base::ip_address::parse("::ffff:198.51.100.20")));  // mapped form
  // The phone moved: the refreshed binding counts under its new source only.
  t.put(row("1001", "sip:1001@a", "198.51.100.21", t0 + 300s));
  CHECK(t.registered_from(b));
  CHECK(t.registered_from(a));  // 1002 is still there
  CHECK(t.erase("1002", "sip:1002@a"));
  CHECK_FALSE(t.registered_from(a));
  t.put(row("1001", "sip:1001@b", "198.51.100.20", t0 + 30s));
  REQUIRE(t.latest("1001") != nullptr);
  CHECK(t.latest("1001")->contact == "sip:1001@a");  // the one that expires last
  CHECK(t.latest("9999") == nullptr);
  CHECK(t.expire(t0 + 31s) == 1);
  CHECK_FALSE(t.registered_from(a));
  CHECK(t.erase_endpoint("1001") == 1);
  CHECK_FALSE(t.registered_from(b));
}
