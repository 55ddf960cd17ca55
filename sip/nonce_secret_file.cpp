// The nonce secret on disk: POSIX file I/O kept apart from the pure nonce code.
#include "sip/nonce_secret_file.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "sip/digest_error.hpp"

namespace tollgate::sip {
namespace {

class fd_owner {
public:
  explicit fd_owner(int fd) : fd_(fd) {}
  fd_owner(const fd_owner&) = delete;
  fd_owner& operator=(const fd_owner&) = delete;
  ~fd_owner() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

private:
  int fd_;
};

std::error_code last_errno() { return {errno, std::system_category()}; }

std::variant<nonce_secret, std::error_code> load(const std::filesystem::path& file) {
  fd_owner fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return last_errno();
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return last_errno();
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) return make_error_code(digest_errc::secret_file_permissions);
  if (st.st_size != static_cast<off_t>(nonce_secret_size)) return make_error_code(digest_errc::secret_file_size);
  nonce_secret secret;
  std::size_t done = 0;
  while (done < secret.bytes.size()) {
    const ssize_t n = ::read(fd.get(), secret.bytes.data() + done, secret.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return last_errno();
    if (n == 0) return make_error_code(digest_errc::secret_file_size);
    done += static_cast<std::size_t>(n);
  }
  return secret;
}

std::variant<nonce_secret, std::error_code> create(const std::filesystem::path& file) {
  nonce_secret secret;
  if (RAND_bytes(secret.bytes.data(), static_cast<int>(secret.bytes.size())) != 1) {
    return make_error_code(digest_errc::random_failure);
  }
  const std::filesystem::path temporary = file.string() + ".tmp." + std::to_string(::getpid());
  {
    fd_owner fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) return last_errno();
    std::size_t done = 0;
    while (done < secret.bytes.size()) {
      const ssize_t n = ::write(fd.get(), secret.bytes.data() + done, secret.bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const std::error_code ec = last_errno();
        ::unlink(temporary.c_str());
        return ec;
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
      const std::error_code ec = last_errno();
      ::unlink(temporary.c_str());
      return ec;
    }
  }
  // link() fails with EEXIST if another process created the file meanwhile: use theirs.
  if (::link(temporary.c_str(), file.c_str()) != 0) {
    const std::error_code ec = last_errno();
    ::unlink(temporary.c_str());
    if (ec == std::errc::file_exists) return load(file);
    return ec;
  }
  ::unlink(temporary.c_str());
  return secret;
}

}  // namespace

std::variant<nonce_secret, std::error_code> load_or_create_nonce_secret(const std::filesystem::path& state_dir) {
  const std::filesystem::path file = state_dir / nonce_secret_file_name;
  auto loaded = load(file);
  if (auto* ec = std::get_if<std::error_code>(&loaded); ec != nullptr && *ec == std::errc::no_such_file_or_directory) {
    return create(file);
  }
  return loaded;
}

}  // namespace tollgate::sip
