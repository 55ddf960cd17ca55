// Netfilter errors: classification of errno and the messages an operator reads.
#include "netfilter/error.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace tollgate::netfilter;

TEST_CASE("errno values map to the errc a user can act on", "[netfilter][error]") {
  CHECK(classify_errno(EPERM) == errc::permission_denied);
  CHECK(classify_errno(EEXIST) == errc::object_exists);
  CHECK(classify_errno(ENOENT) == errc::object_not_found);
  CHECK(classify_errno(EOPNOTSUPP) == errc::not_supported);
  CHECK(classify_errno(ENOBUFS) == errc::no_buffer_space);
  CHECK(classify_errno(EPROTONOSUPPORT) == errc::nftables_unavailable);
  CHECK(classify_errno(EIO) == errc::kernel_error);
}

TEST_CASE("messages carry the object, the advice and the errno", "[netfilter][error]") {
  const auto e = error::from_errno(EPERM, "table inet tollgate");
  CHECK(e);
  CHECK(e.code == errc::permission_denied);
  const auto text = e.message();
  CHECK(text.find("table inet tollgate: ") == 0);
  CHECK(text.find("run as root or grant CAP_NET_ADMIN") != std::string::npos);
  CHECK(text.find("errno 1") != std::string::npos);
  CHECK(error::from_errno(EBUSY, errc::queue_busy, "queue 0").message().find("already bound") != std::string::npos);
  CHECK_FALSE(error{});
  CHECK(error{}.message() == "success");
  CHECK(std::string{make_error_code(errc::nftables_unavailable).category().name()} == "netfilter");
}
