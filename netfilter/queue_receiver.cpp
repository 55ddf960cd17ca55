// NFQUEUE receiver over libnetfilter_queue's netlink message helpers and recvmmsg.
#include "netfilter/queue_receiver.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace tollgate::netfilter {
namespace {

constexpr std::size_t message_overhead = 1024;  // netlink + nfqueue attributes around a packet

int to_kernel(netfilter::verdict v) { return v == netfilter::verdict::accept ? NF_ACCEPT : NF_DROP; }

std::string queue_object(std::uint16_t num) { return "queue " + std::to_string(num); }

/// Whether this process holds CAP_NET_ADMIN: the kernel answers EPERM both without it and
/// when another socket owns the queue, and only the capability tells the two apart.
bool has_net_admin() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  return (data[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32))) != 0;
}

}  // namespace

result<queue_receiver> queue_receiver::open(const queue_config& config) {
  auto sock = open_netfilter_socket(0);
  if (!sock) return {queue_receiver{}, sock.error};
  queue_receiver q;
  q.sock_ = std::move(sock.value);
  q.config_ = config;
  q.config_.batch = std::max<std::size_t>(1, config.batch);
  if (auto err = q.configure(q.config_)) return {queue_receiver{}, err};
  const std::size_t size = std::min<std::size_t>(config.copy_range, 0xffff) + message_overhead;
  q.buffers_.assign(q.config_.batch, std::vector<char>(size));
  q.headers_.resize(q.config_.batch);
  q.iovecs_.resize(q.config_.batch);
  q.packets_.reserve(q.config_.batch);
  q.out_.resize(MNL_SOCKET_BUFFER_SIZE);
  return {std::move(q), {}};
}

int queue_receiver::fd() const { return mnl_socket_get_fd(sock_.get()); }

error queue_receiver::configure(const queue_config& config) {
  const int fd = this->fd();
  const int one = 1;
  // A full socket buffer must not surface as ENOBUFS: fail-open covers the kernel side.
  setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);
  const int size = static_cast<int>(config.receive_buffer);
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }

  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  std::size_t used = 0;
  std::uint32_t seq = 1;
  auto put = [&](auto&& fill) {
    auto* nlh = nfq_nlmsg_put(buf.data() + used, NFQNL_MSG_CONFIG, config.num);
    nlh->nlmsg_flags |= NLM_F_ACK;
    nlh->nlmsg_seq = seq++;
    fill(nlh);
    used += NLMSG_ALIGN(nlh->nlmsg_len);
  };
  put([](nlmsghdr* nlh) { nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND); });
  put([&](nlmsghdr* nlh) {
    nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, static_cast<int>(config.copy_range));
    nfq_nlmsg_cfg_put_qmaxlen(nlh, config.max_len);
    const std::uint32_t flags = config.fail_open ? NFQA_CFG_F_FAIL_OPEN : 0;
    mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
    mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
  });
  if (mnl_socket_sendto(sock_.get(), buf.data(), used) < 0) {
    return error::from_errno(errno, errc::socket_failure, queue_object(config.num));
  }
  const std::uint32_t expected = seq - 1;
  std::uint32_t acks = 0;
  std::vector<char> rx(MNL_SOCKET_BUFFER_SIZE + 0x10000);
  while (acks < expected) {
    const ssize_t n = mnl_socket_recvfrom(sock_.get(), rx.data(), rx.size());
    if (n < 0) return error::from_errno(errno, errc::socket_failure, queue_object(config.num));
    int remaining = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(rx.data()); mnl_nlmsg_ok(nlh, remaining);
         nlh = mnl_nlmsg_next(nlh, &remaining)) {
      if (nlh->nlmsg_type != NLMSG_ERROR) continue;  // no packet can come before the ACKs
      ++acks;
      const auto* ack = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      if (ack->error == 0) continue;
      const int e = -ack->error;
      const bool busy = e == EBUSY || (e == EPERM && has_net_admin());
      const errc code = busy ? errc::queue_busy : classify_errno(e);
      return error::from_errno(e, code, queue_object(config.num));
    }
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return {};
}

result<std::span<const queued_packet>> queue_receiver::receive() {
  packets_.clear();
  const auto n_buffers = buffers_.size();
  for (std::size_t i = 0; i < n_buffers; ++i) {
    iovecs_[i] = {buffers_[i].data(), buffers_[i].size()};
    headers_[i] = {};
    headers_[i].msg_hdr.msg_iov = &iovecs_[i];
    headers_[i].msg_hdr.msg_iovlen = 1;
  }
  const int got = recvmmsg(fd(), headers_.data(), static_cast<unsigned>(n_buffers), MSG_DONTWAIT, nullptr);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {std::span<const queued_packet>{}, {}};
    return {{}, error::from_errno(errno, errc::socket_failure, queue_object(config_.num))};
  }
  for (int i = 0; i < got; ++i) {
    int remaining = static_cast<int>(headers_[static_cast<std::size_t>(i)].msg_len);
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buffers_[static_cast<std::size_t>(i)].data());
         mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
      nlattr* attr[NFQA_MAX + 1] = {};
      if (nfq_nlmsg_parse(nlh, attr) < 0 || attr[NFQA_PACKET_HDR] == nullptr) continue;
      const auto* hdr = static_cast<const nfqnl_msg_packet_hdr*>(mnl_attr_get_payload(attr[NFQA_PACKET_HDR]));
      queued_packet p;
      p.id = ntohl(hdr->packet_id);
      p.hw_protocol = ntohs(hdr->hw_protocol);
      p.hook = hdr->hook;
      if (attr[NFQA_PAYLOAD] != nullptr) {
        p.payload = {static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr[NFQA_PAYLOAD])),
                     mnl_attr_get_payload_len(attr[NFQA_PAYLOAD])};
      }
      packets_.push_back(p);
    }
  }
  received_ += packets_.size();
  return {std::span<const queued_packet>{packets_}, {}};
}

void queue_receiver::verdict(std::uint32_t id, netfilter::verdict v) { pending_.push_back({id, v}); }

error queue_receiver::flush() {
  if (pending_.empty()) return {};
  decided_ += pending_.size();
  const bool all_accept = std::all_of(pending_.begin(), pending_.end(),
                                      [](const pending& p) { return p.v == netfilter::verdict::accept; });
  std::size_t used = 0;
  auto send = [&]() -> error {
    if (used == 0) return {};
    if (mnl_socket_sendto(sock_.get(), out_.data(), used) < 0) {
      return error::from_errno(errno, errc::socket_failure, queue_object(config_.num));
    }
    used = 0;
    return {};
  };
  if (all_accept && decided_ == received_) {
    // Every packet received so far is decided: one message accepts them all.
    std::uint32_t max_id = 0;
    for (const auto& p : pending_) max_id = std::max(max_id, p.id);
    auto* nlh = nfq_nlmsg_put(out_.data(), NFQNL_MSG_VERDICT_BATCH, config_.num);
    nfq_nlmsg_verdict_put(nlh, static_cast<int>(max_id), NF_ACCEPT);
    used = nlh->nlmsg_len;
  } else {
    for (const auto& p : pending_) {
      if (used + 128 > out_.size()) {
        if (auto err = send()) return err;
      }
      auto* nlh = nfq_nlmsg_put(out_.data() + used, NFQNL_MSG_VERDICT, config_.num);
      nfq_nlmsg_verdict_put(nlh, static_cast<int>(p.id), to_kernel(p.v));
      used += NLMSG_ALIGN(nlh->nlmsg_len);
    }
  }
  pending_.clear();
  return send();
}

}  // namespace tollgate::netfilter
