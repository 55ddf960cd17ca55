// Watches nf_tables events (NFNLGRP_NFTABLES) for the loss of our table.
#include "netfilter/table_monitor.hpp"

#include "netfilter/handles.hpp"

#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>

#include <cerrno>

namespace tollgate::netfilter {

result<table_monitor> table_monitor::open(std::string table) {
  auto sock = open_netfilter_socket(0);
  if (!sock) return {table_monitor{}, sock.error};
  const int fd = mnl_socket_get_fd(sock.value.get());
  const unsigned group = NFNLGRP_NFTABLES;
  if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) {
    return {table_monitor{}, error::from_errno(errno, "nftables event group")};
  }
  const int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  table_monitor m;
  m.sock_ = std::move(sock.value);
  m.table_ = std::move(table);
  m.buffer_.resize(1 << 16);
  return {std::move(m), {}};
}

int table_monitor::fd() const { return mnl_socket_get_fd(sock_.get()); }

void table_monitor::parse(const nlmsghdr* nlh, const std::string& table, std::vector<table_event>& out) {
  if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES) return;
  const auto* nfg = static_cast<const nfgenmsg*>(mnl_nlmsg_get_payload(nlh));
  if (nfg->nfgen_family != NFPROTO_INET) return;
  switch (nlh->nlmsg_type & 0xff) {
    case NFT_MSG_DELTABLE: {
      auto t = make_table();
      if (nftnl_table_nlmsg_parse(nlh, t.get()) == 0 && table == nftnl_table_get_str(t.get(), NFTNL_TABLE_NAME)) {
        out.push_back({table_event_kind::table_deleted, table});
      }
      break;
    }
    case NFT_MSG_DELCHAIN: {
      auto c = make_chain();
      if (nftnl_chain_nlmsg_parse(nlh, c.get()) == 0 && table == nftnl_chain_get_str(c.get(), NFTNL_CHAIN_TABLE)) {
        out.push_back({table_event_kind::chain_deleted, nftnl_chain_get_str(c.get(), NFTNL_CHAIN_NAME)});
      }
      break;
    }
    case NFT_MSG_DELSET: {
      auto s = make_set();
      if (nftnl_set_nlmsg_parse(nlh, s.get()) == 0 && table == nftnl_set_get_str(s.get(), NFTNL_SET_TABLE)) {
        out.push_back({table_event_kind::set_deleted, nftnl_set_get_str(s.get(), NFTNL_SET_NAME)});
      }
      break;
    }
    default: break;
  }
}

result<std::vector<table_event>> table_monitor::read() {
  std::vector<table_event> events;
  for (;;) {
    const ssize_t n = recv(fd(), buffer_.data(), buffer_.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        events.push_back({table_event_kind::events_lost, table_});
        continue;
      }
      return {std::move(events), error::from_errno(errno, errc::socket_failure, "nftables events")};
    }
    int remaining = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer_.data()); mnl_nlmsg_ok(nlh, remaining);
         nlh = mnl_nlmsg_next(nlh, &remaining)) {
      parse(nlh, table_, events);
    }
  }
  return {std::move(events), {}};
}

}  // namespace tollgate::netfilter
