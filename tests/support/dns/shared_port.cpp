#include "shared_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>

namespace corofetch::test {
namespace {

// A socket closed when it goes out of scope.
class socket_guard {
 public:
  explicit socket_guard(int type) noexcept : fd_(::socket(AF_INET, type | SOCK_CLOEXEC, 0)) {}
  ~socket_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  socket_guard(const socket_guard&) = delete;
  socket_guard& operator=(const socket_guard&) = delete;
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

sockaddr_in endpoint(const std::string& address, std::uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
    throw std::invalid_argument("port_free_on: not an IPv4 address: " + address);
  }
  return sa;
}

bool bind_to(const socket_guard& s, const sockaddr_in& sa) {
  return s.get() >= 0 &&
         ::bind(s.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;  // NOLINT
}

// Binds UDP and TCP on every address with `port`; the sockets close again on return.
bool free_everywhere(const std::vector<std::string>& addresses, std::uint16_t port) {
  std::vector<std::unique_ptr<socket_guard>> held;
  for (const auto& address : addresses) {
    for (const int type : {SOCK_DGRAM, SOCK_STREAM}) {
      held.push_back(std::make_unique<socket_guard>(type));
      if (!bind_to(*held.back(), endpoint(address, port))) return false;
    }
  }
  return true;
}

}  // namespace

std::uint16_t port_free_on(const std::vector<std::string>& addresses) {
  if (addresses.empty()) throw std::invalid_argument("port_free_on: no address");
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::uint16_t port = 0;
    {  // an ephemeral port of the first address, released before it is checked everywhere
      socket_guard probe(SOCK_DGRAM);
      if (!bind_to(probe, endpoint(addresses.front(), 0))) continue;
      sockaddr_in bound{};
      socklen_t length = sizeof bound;
      ::getsockname(probe.get(), reinterpret_cast<sockaddr*>(&bound), &length);  // NOLINT
      port = ntohs(bound.sin_port);
    }
    if (port != 0 && free_everywhere(addresses, port)) return port;
  }
  throw std::runtime_error("port_free_on: no port free on every address");
}

}  // namespace corofetch::test
