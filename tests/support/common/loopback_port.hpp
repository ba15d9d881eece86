#pragma once
// Ports on 127.0.0.1 for the real servers the fixtures start (nginx, redis-server): one the
// kernel just gave out, and whether something accepts on one yet. Header-only, as
// background_process.hpp is: the support libraries of several modules use it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace corofetch::test {

/// A port the kernel just gave out on 127.0.0.1; the server binds it right after (the race with
/// another process taking it in between is the caller's to retry).
inline std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||     // NOLINT: the socket API
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {  // NOLINT
    ::close(fd);
    throw std::runtime_error("bind() to a free loopback port failed");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

/// True when a TCP connect to 127.0.0.1:port succeeds (the server is listening).
inline bool loopback_accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;  // NOLINT
  ::close(fd);
  return ok;
}

}  // namespace corofetch::test
