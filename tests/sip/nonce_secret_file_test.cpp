#include "sip/nonce_secret_file.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "sip/digest_error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tollgate::sip;
namespace fs = std::filesystem;


TEST_CASE("nonce secret: created once with mode 0600, then reloaded", "[sip][nonce_secret_file]") {
  tollgate::test::temp_dir dir{"tollgate-nonce"};
  auto first = load_or_create_nonce_secret(dir.path());
  REQUIRE(std::holds_alternative<nonce_secret>(first));
  const fs::path file = dir.path() / nonce_secret_file_name;
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  auto second = load_or_create_nonce_secret(dir.path());
  REQUIRE(std::holds_alternative<nonce_secret>(second));
  CHECK(std::get<nonce_secret>(first).bytes == std::get<nonce_secret>(second).bytes);
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}) == 1);
}

TEST_CASE("nonce secret: wrong size, loose permissions, missing directory", "[sip][nonce_secret_file]") {
  tollgate::test::temp_dir dir{"tollgate-nonce"};
  const fs::path file = dir.path() / nonce_secret_file_name;
  {
    std::ofstream out(file);
    out << "short";
  }
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  auto r = load_or_create_nonce_secret(dir.path());
  REQUIRE(std::holds_alternative<std::error_code>(r));
  CHECK(std::get<std::error_code>(r) == digest_errc::secret_file_size);

  fs::remove(file);
  REQUIRE(std::holds_alternative<nonce_secret>(load_or_create_nonce_secret(dir.path())));
  fs::permissions(file, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  r = load_or_create_nonce_secret(dir.path());
  REQUIRE(std::holds_alternative<std::error_code>(r));
  CHECK(std::get<std::error_code>(r) == digest_errc::secret_file_permissions);

  r = load_or_create_nonce_secret(dir.path() / "absent");
  REQUIRE(std::holds_alternative<std::error_code>(r));
  CHECK(std::get<std::error_code>(r) == std::errc::no_such_file_or_directory);
}
