// nft_batch: one transaction as bytes, with sequence numbers and objects for error reports.
#include "netfilter/nft_batch.hpp"

#include "tests/netfilter/batch_text.hpp"

#include <catch2/catch.hpp>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

using namespace tollgate::netfilter;

TEST_CASE("a batch is BEGIN, messages with consecutive sequence numbers, END", "[netfilter][nft_batch]") {
  nft_batch batch{100};
  CHECK(batch.empty());
  batch.add(NFT_MSG_DELTABLE, NFPROTO_INET, 0, "table inet a", [](nlmsghdr*) {});
  batch.add(NFT_MSG_DELTABLE, NFPROTO_INET, 0, "table inet b", [](nlmsghdr*) {});
  batch.finish();
  CHECK(batch.message_count() == 2);
  const auto messages = test::decode(batch);
  REQUIRE(messages.size() == 4);
  CHECK(messages[0].batch_control);
  CHECK(messages[0].type == NFNL_MSG_BATCH_BEGIN);
  CHECK(messages[0].seq == 100);
  CHECK(messages[1].seq == 101);
  CHECK(messages[2].seq == 102);
  CHECK((messages[1].flags & NLM_F_ACK) != 0);
  CHECK(messages[3].type == NFNL_MSG_BATCH_END);
  CHECK(messages[3].seq == batch.end_seq());
  CHECK(batch.object_for(101) == "table inet a");
  CHECK(batch.object_for(102) == "table inet b");
  CHECK(batch.object_for(100) == "batch");
  CHECK(batch.object_for(103) == "batch");
  CHECK(batch.size() % 4 == 0);
}
