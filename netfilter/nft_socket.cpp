// The netlink socket to nf_tables: one sendmsg per transaction, every ACK checked.
#include "netfilter/nft_socket.hpp"

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace tollgate::netfilter {
namespace {

constexpr std::size_t receive_size = 64 * 1024;
// Kernel memory charged per queued ACK (skb overhead included), with room to spare.
constexpr std::size_t bytes_per_reply = 1024;
constexpr std::size_t minimum_buffer = 1 << 20;

error socket_error(const char* what) { return error::from_errno(errno, errc::socket_failure, what); }

error set_buffer(int fd, int force_option, int option, std::size_t bytes) {
  const int value = static_cast<int>(std::min<std::size_t>(bytes, 1u << 30));
  if (setsockopt(fd, SOL_SOCKET, force_option, &value, sizeof value) == 0) return {};
  if (setsockopt(fd, SOL_SOCKET, option, &value, sizeof value) == 0) return {};
  return socket_error("socket buffer");
}

}  // namespace

void mnl_socket_deleter::operator()(mnl_socket* s) const { mnl_socket_close(s); }

result<mnl_socket_ptr> open_netfilter_socket(unsigned groups) {
  mnl_socket_ptr sock{mnl_socket_open(NETLINK_NETFILTER)};
  if (!sock) {
    const int e = errno;
    const errc code = (e == EPROTONOSUPPORT || e == EAFNOSUPPORT) ? errc::nftables_unavailable
                      : (e == EPERM || e == EACCES)                ? errc::permission_denied
                                                                   : errc::socket_failure;
    return {nullptr, error::from_errno(e, code, "netlink socket")};
  }
  if (mnl_socket_bind(sock.get(), groups, MNL_SOCKET_AUTOPID) < 0) {
    const int e = errno;
    const errc code = (e == EPERM || e == EACCES) ? errc::permission_denied : errc::socket_failure;
    return {nullptr, error::from_errno(e, code, "netlink bind")};
  }
  return {std::move(sock), {}};
}

nft_socket::nft_socket(mnl_socket_ptr sock) : sock_(std::move(sock)), rx_(receive_size) {
  if (!sock_) return;
  portid_ = mnl_socket_get_portid(sock_.get());
  const int one = 1;
  // Errors come back without a copy of our (possibly large) request.
  setsockopt(fd(), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  setsockopt(fd(), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
}

result<nft_socket> nft_socket::open() {
  auto sock = open_netfilter_socket();
  if (!sock) return {nft_socket{}, sock.error};
  return {nft_socket{std::move(sock.value)}, {}};
}

int nft_socket::fd() const { return mnl_socket_get_fd(sock_.get()); }

std::uint32_t nft_socket::next_seq(std::size_t messages) {
  const auto first = seq_;
  seq_ += static_cast<std::uint32_t>(messages) + 2;
  return first;
}

error nft_socket::grow_buffers(std::size_t send_bytes, std::size_t replies) {
  const std::size_t want_send = std::max(send_bytes + 4096, minimum_buffer);
  if (want_send > sndbuf_) {
    if (auto err = set_buffer(fd(), SO_SNDBUFFORCE, SO_SNDBUF, want_send)) return err;
    sndbuf_ = want_send;
  }
  const std::size_t want_receive = std::max(replies * bytes_per_reply, minimum_buffer);
  if (want_receive > rcvbuf_) {
    if (auto err = set_buffer(fd(), SO_RCVBUFFORCE, SO_RCVBUF, want_receive)) return err;
    rcvbuf_ = want_receive;
  }
  return {};
}

error nft_socket::send(const nft_batch& batch) {
  if (auto err = grow_buffers(batch.size(), batch.message_count())) return err;
  const auto bytes = batch.bytes();
  if (mnl_socket_sendto(sock_.get(), bytes.data(), bytes.size()) < 0) {
    const int e = errno;
    const errc code = (e == EPERM || e == EACCES) ? errc::permission_denied : errc::socket_failure;
    return error::from_errno(e, code, "netlink send");
  }
  // The kernel processes a batch synchronously inside sendmsg: every reply is queued by now.
  std::size_t replies = 0;
  error first;
  for (;;) {
    const ssize_t n = recv(fd(), rx_.data(), rx_.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return socket_error("netlink receive");
    }
    int remaining = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(rx_.data()); mnl_nlmsg_ok(nlh, remaining);
         nlh = mnl_nlmsg_next(nlh, &remaining)) {
      if (nlh->nlmsg_seq < batch.begin_seq() || nlh->nlmsg_seq > batch.end_seq()) continue;
      if (nlh->nlmsg_type != NLMSG_ERROR) continue;
      ++replies;
      const auto* ack = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      if (ack->error == 0 || first) continue;
      const int e = -ack->error;
      if (nlh->nlmsg_seq == batch.begin_seq() && e == EOPNOTSUPP) {
        first = error::from_errno(e, errc::nftables_unavailable, "nf_tables");
      } else {
        first = error::from_errno(e, batch.object_for(nlh->nlmsg_seq));
      }
    }
  }
  if (first) return first;
  if (replies < batch.message_count()) {
    return error{make_error_code(errc::protocol_error), 0,
                 "batch: " + std::to_string(replies) + " of " +
                     std::to_string(batch.message_count()) + " acknowledgements"};
  }
  return {};
}

error nft_socket::drain_dump(std::uint32_t seq, const char* object) {
  auto ignore = [](const nlmsghdr*, void*) -> int { return MNL_CB_OK; };
  for (int reads = 0; reads < 100000; ++reads) {
    const ssize_t n = mnl_socket_recvfrom(sock_.get(), rx_.data(), rx_.size());
    if (n < 0) return socket_error(object);
    const int rc = mnl_cb_run(rx_.data(), static_cast<std::size_t>(n), seq, portid_, ignore, nullptr);
    if (rc == MNL_CB_STOP) return {};
    if (rc < 0 && errno != EINTR) return error::from_errno(errno, object);
  }
  return error{make_error_code(errc::protocol_error), 0, object};
}

error nft_socket::dump(std::uint16_t type, std::uint16_t family, const char* object,
                       const std::function<void(nlmsghdr*)>& build,
                       const std::function<void(const nlmsghdr*)>& on_message) {
  struct context {
    const std::function<void(const nlmsghdr*)>* on_message;
  } ctx{&on_message};
  auto callback = [](const nlmsghdr* nlh, void* data) -> int {
    (*static_cast<context*>(data)->on_message)(nlh);
    return MNL_CB_OK;
  };
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::vector<char> request(MNL_SOCKET_BUFFER_SIZE);
    const auto seq = next_seq(1);
    auto* nlh = nftnl_nlmsg_build_hdr(request.data(), type, family, NLM_F_DUMP, seq);
    build(nlh);
    if (mnl_socket_sendto(sock_.get(), nlh, nlh->nlmsg_len) < 0) return socket_error(object);
    for (;;) {
      const ssize_t n = mnl_socket_recvfrom(sock_.get(), rx_.data(), rx_.size());
      if (n < 0) return socket_error(object);
      const int rc = mnl_cb_run(rx_.data(), static_cast<std::size_t>(n), seq, portid_, callback, &ctx);
      if (rc == MNL_CB_STOP) return {};
      if (rc < 0) {
        if (errno != EINTR) return error::from_errno(errno, object);
        // Interrupted by a concurrent change: read the rest of this dump away, start again.
        if (auto err = drain_dump(seq, object)) return err;
        break;
      }
    }
  }
  return error::from_errno(EINTR, errc::kernel_error, object);
}

}  // namespace tollgate::netfilter
