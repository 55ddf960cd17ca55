#include "b2bua/cdr_builder.hpp"

#include <catch2/catch.hpp>

#include "support.hpp"

using namespace tollgate;
using namespace tollgate::b2bua;
using namespace std::chrono_literals;

namespace {
const base::timestamp t0 = base::from_unix_seconds(1764158400);
const source_address src{*base::ip_address::parse("198.51.100.7"), 5060, config::transport::udp};
}  // namespace

TEST_CASE("an answered call's record", "[b2bua][cdr_builder]") {
  const sip::message m = test::parse(test::invite_text({}));
  cdr_builder b(m, src, t0);
  b.account("customer-a", store::billing_mode::gateway);
  b.routing_gateway("carrier-1");
  b.answered(t0 + 3s);
  b.answered(t0 + 9s);  // only the first answer counts
  const auto r = b.finish(200, "caller hung up", t0 + 63500ms);
  REQUIRE(r);
  CHECK(r->call_id == "a-call-1");
  CHECK(r->start_time == t0);
  CHECK(r->answer_time == t0 + 3s);
  CHECK(r->end_time == t0 + 63500ms);
  CHECK(r->duration_s == 60);
  CHECK(r->caller == "1001");
  CHECK(r->callee == "0044123456");
  CHECK(r->src_ip == "198.51.100.7");
  CHECK(r->src_port == 5060);
  CHECK(r->transport == "udp");
  CHECK(r->user_agent == "TestPhone/1.0");
  CHECK(r->account == "customer-a");
  CHECK(r->routing_gateway == "carrier-1");
  CHECK(r->mode == store::billing_mode::gateway);
  CHECK(r->disconnect_code == 200);
  CHECK(r->disconnect_reason == "caller hung up");
}

TEST_CASE("an unanswered attempt has no answer time and no duration and finish happens once", "[b2bua][cdr_builder]") {
  const sip::message m = test::parse(test::invite_text({}));
  cdr_builder b(m, src, t0);
  b.account("1001", store::billing_mode::endpoint);
  const auto r = b.finish(486, "Busy Here", t0 + 5s);
  REQUIRE(r);
  CHECK_FALSE(r->answer_time);
  CHECK(r->duration_s == 0);
  CHECK(r->mode == store::billing_mode::endpoint);
  CHECK(b.finished());
  CHECK_FALSE(b.finish(200, "again", t0 + 6s));
}

TEST_CASE("illegal call records", "[b2bua][cdr_builder]") {
  const sip::message m = test::parse(test::invite_text({}));
  const auto r = illegal_call_cdr(m, src, t0);
  CHECK(r.mode == store::billing_mode::illegal);
  CHECK(r.duration_s == 0);
  CHECK(r.disconnect_code == 403);
  CHECK(r.start_time == t0);
  CHECK(r.end_time == t0);
  CHECK_FALSE(r.answer_time);
}
