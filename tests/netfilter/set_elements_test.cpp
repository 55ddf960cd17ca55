// set_elements: bulk batches split to size, interval pairs, and dumps read back as prefixes.
#include "netfilter/set_elements.hpp"

#include "tests/netfilter/batch_text.hpp"

#include <catch2/catch.hpp>

#include <linux/netfilter/nf_tables.h>

using namespace tollgate::netfilter;
using tollgate::base::ip_address;
using tollgate::base::ip_family;
using tollgate::base::ip_prefix;
using tollgate::base::millis;

namespace {

ip_prefix prefix(const char* text) { return ip_prefix::parse(text).value(); }

std::vector<listed_element> read_back(const set_ref& ref, const std::vector<nft_batch>& batches) {
  element_collector collector{ref};
  for (const auto& batch : batches) {
    for (const auto* nlh : split_messages(batch.bytes())) {
      if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWSETELEM && (nlh->nlmsg_type & 0xff) != NFT_MSG_DELSETELEM) continue;
      const auto copy = test::as_dump(nlh);
      collector.on_message(reinterpret_cast<const nlmsghdr*>(copy.data()));
    }
  }
  return collector.take();
}

std::uint32_t counting_seq(std::size_t n) {
  static std::uint32_t next = 1;
  const auto first = next;
  next += static_cast<std::uint32_t>(n) + 2;
  return first;
}

}  // namespace

TEST_CASE("bulk elements are split into transactions under the size limit", "[netfilter][set_elements]") {
  const set_ref ref{"tollgate", "block_v4", ip_family::v4, false};
  std::vector<element> elements;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    const auto a = ip_address::v4({10, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                                   static_cast<std::uint8_t>(i)});
    elements.push_back({ip_prefix::host(a), millis{1000 + i}});
  }
  const std::size_t limit = 256 * 1024;
  auto batches = build_element_batches(ref, element_op::add, elements, counting_seq, limit);
  REQUIRE(batches);
  REQUIRE(batches.value.size() > 1);
  for (const auto& b : batches.value) CHECK(b.size() <= limit);
  const auto back = read_back(ref, batches.value);
  REQUIRE(back.size() == elements.size());
  CHECK(back[0].prefix == elements[0].prefix);
  CHECK(back[0].timeout == millis{1000});
  CHECK(back[19999].prefix == elements[19999].prefix);
  CHECK(back[19999].timeout == millis{20999});
  // Sequence numbers never overlap between transactions.
  for (std::size_t i = 1; i < batches.value.size(); ++i) {
    CHECK(batches.value[i].begin_seq() > batches.value[i - 1].end_seq());
  }
}

TEST_CASE("IPv6 prefixes become interval pairs, the end carries no timeout", "[netfilter][set_elements]") {
  const set_ref ref{"tollgate", "block_v6", ip_family::v6, true};
  const std::vector<element> elements{{prefix("2001:db8::/64"), millis{5000}},
                                      {prefix("2001:db8:1::/48"), std::nullopt},
                                      {prefix("ffff::/16"), std::nullopt}};
  auto batches = build_element_batches(ref, element_op::add, elements, counting_seq);
  REQUIRE(batches);
  REQUIRE(batches.value.size() == 1);
  const auto messages = test::decode(batches.value[0]);
  REQUIRE(messages.size() == 3);
  const auto& text = messages[1].text;
  // 2001:db8::, its end 2001:db8:0:1:: flagged interval-end (flags 1), 2001:db8:1::, its
  // end, and ffff:: with no end (the range runs to the last address).
  CHECK(text.find("element b80d0120 00000000 00000000 00000000  : 0 [end]") != std::string::npos);
  CHECK(text.find("element b80d0120 01000000 00000000 00000000  : 0 [end]") == std::string::npos);
  CHECK(text.find("element b80d0120 00000100 00000000 00000000  : 1 [end]") == std::string::npos);
  const auto back = read_back(ref, batches.value);
  REQUIRE(back.size() == 3);
  CHECK(back[0].prefix == prefix("2001:db8::/64"));
  CHECK(back[0].timeout == millis{5000});
  CHECK(back[1].prefix == prefix("2001:db8:1::/48"));
  CHECK_FALSE(back[1].timeout.has_value());
  CHECK(back[2].prefix == prefix("ffff::/16"));
}

TEST_CASE("deletions carry no timeouts, flush names only the set", "[netfilter][set_elements]") {
  const set_ref ref{"tollgate", "allow_v4", ip_family::v4, true};
  auto batches = build_element_batches(ref, element_op::remove, {{prefix("10.0.0.0/8"), millis{5}}}, counting_seq);
  REQUIRE(batches);
  const auto messages = test::decode(batches.value[0]);
  CHECK(messages[1].type == NFT_MSG_DELSETELEM);
  const auto back = read_back(ref, batches.value);
  REQUIRE(back.size() == 1);
  CHECK(back[0].prefix == prefix("10.0.0.0/8"));
  CHECK_FALSE(back[0].timeout.has_value());
  const auto flush = test::decode(build_flush(ref, 1));
  REQUIRE(flush.size() == 3);
  CHECK(flush[1].type == NFT_MSG_DELSETELEM);
  CHECK(flush[1].text.find("element") == std::string::npos);
}

TEST_CASE("elements that do not fit the set are refused before anything is sent", "[netfilter][set_elements]") {
  const set_ref v4{"tollgate", "block_v4", ip_family::v4, false};
  auto wrong_family = build_element_batches(v4, element_op::add, {{prefix("2001:db8::/64"), std::nullopt}}, counting_seq);
  CHECK(wrong_family.error.code == errc::invalid_argument);
  CHECK(wrong_family.error.object.find("other family") != std::string::npos);
  auto not_host = build_element_batches(v4, element_op::add, {{prefix("192.0.2.0/24"), std::nullopt}}, counting_seq);
  CHECK(not_host.error.code == errc::invalid_argument);
  auto empty = build_element_batches(v4, element_op::add, {}, counting_seq);
  REQUIRE(empty);
  CHECK(empty.value.empty());
}

TEST_CASE("ranges map back to prefixes", "[netfilter][set_elements]") {
  const auto a = ip_address::parse("192.0.2.0").value();
  CHECK(range_to_prefix(a, ip_address::parse("192.0.3.0")) == prefix("192.0.2.0/24"));
  CHECK(range_to_prefix(a, ip_address::parse("192.0.2.1")) == prefix("192.0.2.0/32"));
  CHECK_FALSE(range_to_prefix(a, ip_address::parse("192.0.2.3")).has_value());
  CHECK(range_to_prefix(ip_address::parse("0.0.0.0").value(), std::nullopt) == prefix("0.0.0.0/0"));
  CHECK(range_to_prefix(ip_address::parse("ffff::").value(), std::nullopt) == prefix("ffff::/16"));
}
