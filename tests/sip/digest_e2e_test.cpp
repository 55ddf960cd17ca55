// Digest authentication against real clients: SIPp's [authentication] and sipvicious svcrack
// talk to a small UDP REGISTER responder on 127.0.0.1 that uses digest_server. The SIP line
// splitting here is deliberately minimal and local to this test.
#include "sip/digest_server.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tollgate;
using namespace tollgate::sip;
namespace fs = std::filesystem;

namespace {

class fd_owner {
public:
  explicit fd_owner(int fd = -1) : fd_(fd) {}
  fd_owner(const fd_owner&) = delete;
  fd_owner& operator=(const fd_owner&) = delete;
  ~fd_owner() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

private:
  int fd_;
};

struct sip_request {
  std::string method;
  std::vector<std::pair<std::string, std::string>> headers;  // canonical name, value
};

std::string canonical_name(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::map<std::string, std::string> compact{{"v", "via"}, {"f", "from"}, {"t", "to"}, {"i", "call-id"},
                                                          {"l", "content-length"}, {"m", "contact"}};
  const auto it = compact.find(name);
  return it == compact.end() ? name : it->second;
}

// Splits a datagram into the request line's method and trimmed header lines (no folding:
// neither SIPp nor svcrack folds).
bool split_request(const std::string& datagram, sip_request& out) {
  std::istringstream in(datagram);
  std::string line;
  if (!std::getline(in, line)) return false;
  if (line.rfind("SIP/2.0", 0) == 0) return false;  // a response
  out.method = line.substr(0, line.find(' '));
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out.headers.emplace_back(canonical_name(name), value);
  }
  return true;
}

// A REGISTER responder with the verdict -> answer mapping of the switch: no or unusable
// credentials -> 401 challenge, stale -> 401 stale=true, wrong/unknown -> 403, ok -> 200.
class responder {
public:
  explicit responder(std::shared_ptr<const digest_credential_store> store)
      : server_(digest_server_config{}, secret(), std::move(store)) {
    socket_ = std::make_unique<fd_owner>(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    REQUIRE(socket_->get() >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // the kernel picks a free high port
    REQUIRE(::bind(socket_->get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(socket_->get(), reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~responder() {
    stop_ = true;
    thread_.join();
  }

  int port() const { return port_; }
  int count(digest_verdict v) {
    std::lock_guard lock(mutex_);
    return verdicts_[v];
  }

private:
  static nonce_secret secret() {
    nonce_secret s;
    for (std::size_t i = 0; i < s.bytes.size(); ++i) s.bytes[i] = static_cast<std::uint8_t>(0xa5 ^ i);
    return s;
  }

  void loop() {
    const base::system_clock clock;
    while (!stop_) {
      pollfd p{socket_->get(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buffer[8192];
      sockaddr_in peer{};
      socklen_t peer_length = sizeof peer;
      const ssize_t n =
          ::recvfrom(socket_->get(), buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&peer), &peer_length);
      if (n <= 0) continue;
      sip_request request;
      if (!split_request(std::string(buffer, static_cast<std::size_t>(n)), request)) continue;
      const std::string reply = answer(request, peer, clock.now());
      ::sendto(socket_->get(), reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer), peer_length);
    }
  }

  std::string answer(const sip_request& request, const sockaddr_in& peer, base::timestamp now) {
    const auto source = base::ip_address::v4({static_cast<std::uint8_t>(ntohl(peer.sin_addr.s_addr) >> 24),
                                              static_cast<std::uint8_t>(ntohl(peer.sin_addr.s_addr) >> 16),
                                              static_cast<std::uint8_t>(ntohl(peer.sin_addr.s_addr) >> 8),
                                              static_cast<std::uint8_t>(ntohl(peer.sin_addr.s_addr))});
    std::vector<std::string_view> credentials;
    for (const auto& [name, value] : request.headers) {
      if (name == "authorization" || name == "proxy-authorization") credentials.push_back(value);
    }
    const digest_verification v = server_.verify_all(credentials, request.method, source, now);
    {
      std::lock_guard lock(mutex_);
      ++verdicts_[v.verdict];
    }
    std::string status_line;
    std::vector<std::string> extra;
    if (v.verdict == digest_verdict::ok) {
      status_line = "200 OK";
    } else if (v.counts_as_failure()) {
      status_line = "403 Forbidden";
    } else {
      const bool stale = v.verdict == digest_verdict::stale_nonce;
      const digest_challenges ch = server_.challenge(challenge_mode::www_authenticate, request.method, source, now, stale);
      status_line = "401 Unauthorized";
      for (const std::string& value : ch.values) extra.push_back(std::string(ch.header_name) + ": " + value);
    }
    std::string out = "SIP/2.0 " + status_line + "\r\n";
    for (const auto& [name, value] : request.headers) {
      if (name == "via") out += "Via: " + value + "\r\n";
    }
    for (const auto& [name, value] : request.headers) {
      if (name == "from") out += "From: " + value + "\r\n";
      if (name == "to") out += "To: " + value + (value.find("tag=") == std::string::npos ? ";tag=tg1" : "") + "\r\n";
      if (name == "call-id") out += "Call-ID: " + value + "\r\n";
      if (name == "cseq") out += "CSeq: " + value + "\r\n";
    }
    for (const std::string& line : extra) out += line + "\r\n";
    out += "Content-Length: 0\r\n\r\n";
    return out;
  }

  digest_server server_;
  std::unique_ptr<fd_owner> socket_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::map<digest_verdict, int> verdicts_;
};


struct run_result {
  int exit_code = -1;
  std::string output;
};

// Runs a program with stdout+stderr to a file, killing it past the deadline.
run_result run(const std::vector<std::string>& argv, const fs::path& dir, std::chrono::seconds limit) {
  const fs::path log = dir / "output.log";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::chdir(dir.c_str());
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  REQUIRE(pid > 0);
  run_result result;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    pollfd none{};
    ::poll(&none, 0, 20);
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  std::ifstream in(log);
  result.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return result;
}

std::shared_ptr<const digest_credential_store> store() {
  auto s = std::make_shared<digest_credential_store>("tollgate");
  s->add_password("1001", "secret");
  return s;
}

std::string sipp_scenario(std::string_view user, std::string_view password, int expected_final) {
  std::string request_head = R"(
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:USER@[remote_ip]>;tag=[call_number]
      To: <sip:USER@[remote_ip]>
      Call-ID: [call_id]
      Contact: <sip:USER@[local_ip]:[local_port]>
      Max-Forwards: 70
      Expires: 60
)";
  std::string xml = R"(<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register with digest">
  <send retrans="500"><![CDATA[)" + request_head + R"(      CSeq: 1 REGISTER
      Content-Length: 0

  ]]></send>
  <recv response="401" auth="true"/>
  <send retrans="500"><![CDATA[)" + request_head + R"(      CSeq: 2 REGISTER
      [authentication username=USER password=PASSWORD]
      Content-Length: 0

  ]]></send>
  <recv response=")" + std::to_string(expected_final) + R"("/>
</scenario>
)";
  for (std::string_view key : {"USER", "PASSWORD"}) {
    const std::string value(key == "USER" ? user : password);
    for (auto at = xml.find(key); at != std::string::npos; at = xml.find(key, at + value.size())) {
      xml.replace(at, key.size(), value);
    }
  }
  return xml;
}

run_result run_sipp(const responder& r, const tollgate::test::temp_dir& dir, std::string_view user, std::string_view password,
                    int expected_final) {
  const fs::path scenario = dir.path() / "register.xml";
  std::ofstream(scenario) << sipp_scenario(user, password, expected_final);
  return run({"sipp", "127.0.0.1:" + std::to_string(r.port()), "-sf", scenario.string(), "-m", "1", "-nostdin",
              "-i", "127.0.0.1", "-timeout", "20s", "-timeout_error"},
             dir.path(), std::chrono::seconds(40));
}

run_result run_svcrack(const responder& r, const tollgate::test::temp_dir& dir, const std::vector<std::string>& words) {
  const fs::path wordlist = dir.path() / "words.txt";
  {
    std::ofstream out(wordlist);
    for (const auto& w : words) out << w << '\n';
  }
  return run({"svcrack", "-u", "1001", "-d", wordlist.string(), "-p", std::to_string(r.port()), "127.0.0.1"},
             dir.path(), std::chrono::seconds(60));
}

}  // namespace

TEST_CASE("SIPp authenticates with the right password", "[sip][digest_e2e]") {
  tollgate::test::temp_dir dir{"tollgate-digest-e2e"};
  responder r(store());
  const auto result = run_sipp(r, dir, "1001", "secret", 200);
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(r.count(digest_verdict::ok) == 1);
  CHECK(r.count(digest_verdict::wrong_password) == 0);
}

TEST_CASE("SIPp is refused with a wrong password or an unknown user", "[sip][digest_e2e]") {
  tollgate::test::temp_dir dir{"tollgate-digest-e2e"};
  responder r(store());
  auto result = run_sipp(r, dir, "1001", "wrong", 403);
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(r.count(digest_verdict::wrong_password) == 1);
  CHECK(r.count(digest_verdict::ok) == 0);
  // The same scenario expecting 200 fails: the client really was refused.
  result = run_sipp(r, dir, "1001", "wrong", 200);
  CHECK(result.exit_code != 0);
  result = run_sipp(r, dir, "4711", "secret", 403);
  CHECK(result.exit_code == 0);
  CHECK(r.count(digest_verdict::unknown_user) == 1);
  CHECK(r.count(digest_verdict::ok) == 0);
}

TEST_CASE("svcrack finds the password that is in its wordlist", "[sip][digest_e2e]") {
  tollgate::test::temp_dir dir{"tollgate-digest-e2e"};
  responder r(store());
  const auto result = run_svcrack(r, dir, {"1234", "password", "secret", "1001", "letmein"});
  INFO(result.output);
  CHECK(result.output.find("| 1001") != std::string::npos);
  CHECK(result.output.find("secret") != std::string::npos);
  CHECK(r.count(digest_verdict::ok) >= 1);
  CHECK(r.count(digest_verdict::wrong_password) >= 2);
}

TEST_CASE("svcrack finds nothing when its wordlist lacks the password", "[sip][digest_e2e]") {
  tollgate::test::temp_dir dir{"tollgate-digest-e2e"};
  responder r(store());
  const auto result = run_svcrack(r, dir, {"1234", "password", "1001", "letmein", "s3cret"});
  INFO(result.output);
  CHECK(result.output.find("secret") == std::string::npos);
  CHECK(result.output.find("| 1001") == std::string::npos);
  CHECK(r.count(digest_verdict::ok) == 0);
  CHECK(r.count(digest_verdict::wrong_password) == 5);
}
