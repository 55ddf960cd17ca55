// Watches nf_tables events (NFNLGRP_NFTABLES) for the loss of our table.
#pragma once

#include "netfilter/error.hpp"
#include "netfilter/nft_socket.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tollgate::netfilter {

enum class table_event_kind : std::uint8_t {
  table_deleted,   // our table is gone (deleted, or `nft flush ruleset`)
  chain_deleted,   // a chain of our table was deleted by someone
  set_deleted,     // a set of our table was deleted by someone
  events_lost,     // the socket overflowed: state must be checked by listing
};

struct table_event {
  table_event_kind kind;
  std::string name;  // the table, chain or set
};

/// A non-blocking socket subscribed to nf_tables events in the calling thread's network
/// namespace. Wait for fd() to be readable (e.g. with an Asio stream_descriptor), then
/// call read(). Events caused by our own changes are reported too; only deletions matter.
class table_monitor {
public:
  table_monitor() = default;
  static result<table_monitor> open(std::string table);

  int fd() const;
  /// Drains the socket without blocking and returns the events about our table.
  result<std::vector<table_event>> read();
  /// Parses one event message (pure; exposed for tests).
  static void parse(const nlmsghdr* nlh, const std::string& table, std::vector<table_event>& out);

private:
  mnl_socket_ptr sock_;
  std::string table_;
  std::vector<char> buffer_;
};

}  // namespace tollgate::netfilter
