#include "real_dns_server.hpp"

#include "dns_test_server.hpp"
#include "dns_wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace corofetch::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A file descriptor closed when it goes out of scope.
class fd_guard {
 public:
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

sockaddr_in loopback(const std::string& address, std::uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
    throw std::invalid_argument("real_dns_server: not an IPv4 address: " + address);
  }
  return sa;
}

bool bind_to(int fd, const std::string& address, std::uint16_t port) {
  auto sa = loopback(address, port);
  return ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;  // NOLINT: sockets API
}

// A port free on `address` for both UDP and TCP right now. NSD binds it a moment later; should
// another process take it in between, NSD fails to start and the caller tries another.
std::uint16_t free_port(const std::string& address) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    fd_guard udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    fd_guard tcp(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (udp.get() < 0 || tcp.get() < 0 || !bind_to(udp.get(), address, 0)) continue;
    sockaddr_in sa{};
    socklen_t len = sizeof sa;
    ::getsockname(udp.get(), reinterpret_cast<sockaddr*>(&sa), &len);  // NOLINT: sockets API
    const std::uint16_t port = ntohs(sa.sin_port);
    if (bind_to(tcp.get(), address, port)) return port;
  }
  throw std::runtime_error("real_dns_server: no free port on " + address);
}

// One SOA query for `origin` over UDP; true when an answer with RCODE NOERROR and an answer
// record comes back within `wait`: NSD has loaded the zone.
bool answers_soa(const std::string& address, std::uint16_t port, const std::string& origin,
                 std::chrono::milliseconds wait) {
  fd_guard fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return false;
  wire::writer q;
  for (std::uint16_t v : {std::uint16_t{0x5A5A}, std::uint16_t{0}, std::uint16_t{1},
                          std::uint16_t{0}, std::uint16_t{0}, std::uint16_t{0}}) {
    q.u16(v);
  }
  q.name(wire::parse_name(origin));
  q.u16(static_cast<std::uint16_t>(rr_type::soa));
  q.u16(1);
  auto to = loopback(address, port);
  if (::sendto(fd.get(), q.data().data(), q.size(), 0, reinterpret_cast<sockaddr*>(&to),  // NOLINT
               sizeof to) < 0) {
    return false;
  }
  pollfd p{fd.get(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) != 1) return false;
  std::array<std::uint8_t, 4096> reply{};
  const auto n = ::recv(fd.get(), reply.data(), reply.size(), 0);
  return n >= 12 && reply[0] == 0x5A && reply[1] == 0x5A && (reply[3] & 0x0F) == 0 &&
         (reply[6] != 0 || reply[7] != 0);
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("real_dns_server: cannot write " + path.string());
}

std::string nsd_conf(const std::string& dir, const std::string& address, std::uint16_t port,
                     const std::vector<zone>& zones) {
  std::ostringstream c;
  c << "server:\n"
    << "  ip-address: " << address << "@" << port << "\n"
    << "  port: " << port << "\n"
    << "  do-ip4: yes\n  do-ip6: no\n"
    << "  username: \"\"\n  chroot: \"\"\n"
    << "  zonesdir: \"" << dir << "\"\n"
    << "  database: \"\"\n"
    << "  pidfile: \"" << dir << "/nsd.pid\"\n"
    << "  logfile: \"" << dir << "/nsd.log\"\n"
    << "  xfrdfile: \"" << dir << "/xfrd.state\"\n"
    << "  xfrdir: \"" << dir << "\"\n"
    << "  zonelistfile: \"" << dir << "/zone.list\"\n"
    << "  server-count: 1\n  verbosity: 1\n  hide-version: yes\n  hide-identity: yes\n"
    << "remote-control:\n  control-enable: no\n";
  for (std::size_t i = 0; i < zones.size(); ++i) {
    c << "zone:\n  name: \"" << zones[i].origin << "\"\n  zonefile: \"zone" << i << ".zone\"\n";
  }
  return c.str();
}

std::string soa_and_ns(const std::string& serial) {
  return "$TTL 3600\n"
         "@ IN SOA ns1.example.test. hostmaster.example.test. " +
         serial + " 7200 900 1209600 300\n@ 86400 IN NS ns1.example.test.\n";
}

}  // namespace

const std::string& real_dns_server::binary() {
  static const std::string path = "/usr/sbin/nsd";
  return path;
}

bool real_dns_server::installed() {
  return ::access(binary().c_str(), X_OK) == 0;
}

real_dns_server::real_dns_server(std::vector<zone> zones, std::chrono::milliseconds startup)
    : real_dns_server(std::move(zones), real_dns_server_options{}, startup) {}

real_dns_server::real_dns_server(std::vector<zone> zones, real_dns_server_options where,
                                 std::chrono::milliseconds startup)
    : address_(std::move(where.address)), fixed_port_(where.port) {
  if (zones.empty()) throw std::invalid_argument("real_dns_server: no zone");
  std::string pattern = (fs::temp_directory_path() / "cf-nsd-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("real_dns_server: mkdtemp failed");
  }
  directory_ = pattern;
  for (std::size_t i = 0; i < zones.size(); ++i) {
    write_file(fs::path(directory_) / ("zone" + std::to_string(i) + ".zone"), zones[i].text);
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (start_once(zones, startup)) return;
  }
  auto message = "real_dns_server: nsd did not start; its log:\n" + log();
  std::error_code ignored;
  fs::remove_all(directory_, ignored);
  throw std::runtime_error(message);
}

real_dns_server::~real_dns_server() {
  stop();
  std::error_code ignored;
  fs::remove_all(directory_, ignored);
}

bool real_dns_server::start_once(const std::vector<zone>& zones,
                                 std::chrono::milliseconds startup) {
  port_ = fixed_port_ != 0 ? fixed_port_ : free_port(address_);
  const auto conf = (fs::path(directory_) / "nsd.conf").string();
  write_file(conf, nsd_conf(directory_, address_, port_, zones));
  const auto output = (fs::path(directory_) / "nsd.out").string();
  const std::string& program = binary();  // everything the child needs, made before fork()

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("real_dns_server: fork failed");
  if (pid_ == 0) {
    // Only async-signal-safe calls from here: the test process may have other threads.
    // Its own process group: NSD forks a server and a transfer process, stop() ends them all.
    ::setpgid(0, 0);
    int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
    }
    ::execl(program.c_str(), "nsd", "-d", "-c", conf.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);

  const auto deadline = std::chrono::steady_clock::now() + startup;
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers_soa(address_, port_, zones.front().origin, 100ms)) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: a port taken, a bad zone...
      pid_ = -1;
      return false;
    }
  }
  stop();
  return false;
}

void real_dns_server::stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
}

std::string real_dns_server::endpoint() const {
  return address_ + ":" + std::to_string(port_);
}

std::string real_dns_server::log() const {
  std::string text;
  for (const char* name : {"nsd.out", "nsd.log"}) {
    std::ifstream in(fs::path(directory_) / name);
    std::ostringstream s;
    s << in.rdbuf();
    text += s.str();
  }
  return text;
}

std::vector<zone> example_zones() {
  zone forward{"example.test",
               "$ORIGIN example.test.\n" + soa_and_ns("2024010101") +
                   "@ 86400 IN NS ns2.example.test.\n"
                   "@ IN MX 20 mx2.example.test.\n"
                   "@ IN MX 10 mx1.example.test.\n"
                   "@ IN MX 30 mx3.example.test.\n"
                   "@ IN TXT \"v=spf1 mx -all\"\n"
                   "ns1 IN A 127.0.0.1\n"
                   "ns2 IN A 127.0.0.2\n"
                   "mx1 IN A 127.0.0.25\n"
                   "mx2 IN A 127.0.0.26\n"
                   "mx3 IN A 127.0.0.27\n"
                   "www 300 IN A 127.0.0.10\n"
                   "www 300 IN A 127.0.0.11\n"
                   "www 300 IN AAAA 2001:db8::10\n"
                   "www 300 IN AAAA ::1\n"
                   "alias 600 IN CNAME www.example.test.\n"
                   "info 120 IN TXT \"hello world\" \"say \\\"hi\\\" and \\\\ back\" "
                   "\"semi;colon (paren)\"\n"
                   "_http._tcp 1800 IN SRV 10 60 8080 www.example.test.\n"
                   "_http._tcp 1800 IN SRV 20 40 8081 alt.example.test.\n"
                   "_sip._udp IN SRV 0 0 5060 sip.example.test.\n"
                   "alt IN A 127.0.0.12\n"
                   "sip IN A 127.0.0.13\n"
                   "v4only 120 IN A 127.0.0.30\n"};
  zone reverse4{"0.0.127.in-addr.arpa", "$ORIGIN 0.0.127.in-addr.arpa.\n" + soa_and_ns("1") +
                                            "10 IN PTR www.example.test.\n"
                                            "11 IN PTR www.example.test.\n"
                                            "25 900 IN PTR mx1.example.test.\n"};
  const std::string v6_origin = "8.b.d.0.1.0.0.2.ip6.arpa";
  auto v6_name = dns_test_server::reverse_name("2001:db8::10");
  zone reverse6{v6_origin, "$ORIGIN " + v6_origin + ".\n" + soa_and_ns("1") + v6_name +
                               ". IN PTR www.example.test.\n"};
  return {forward, reverse4, reverse6};
}

}  // namespace corofetch::test
