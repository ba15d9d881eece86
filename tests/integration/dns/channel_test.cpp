// The sockets the resolver gives c-ares (lib/dns/channel.cpp). With socket functions of its
// user, c-ares 1.18.1 configures none of them itself: they must come non-blocking from us.
#include "harness.hpp"

#include <corofetch/dns/resolver.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

using namespace corofetch::dns;
using namespace std::chrono_literals;

namespace {

struct socket_fd {
  int fd;
  explicit socket_fd(int type) : fd(::socket(AF_INET, type, 0)) {}
  socket_fd(const socket_fd&) = delete;
  socket_fd& operator=(const socket_fd&) = delete;
  ~socket_fd() {
    if (fd >= 0) ::close(fd);
  }
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool bind_to(int fd, std::uint16_t port) {
  const sockaddr_in a = loopback(port);
  return ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;  // NOLINT
}

std::uint16_t port_of(int fd) {
  sockaddr_in a{};
  socklen_t size = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size);  // NOLINT
  return ntohs(a.sin_port);
}

// Answers every UDP query with its own header and question, QR and TC set: c-ares then asks
// again over TCP (RFC 1035 4.2.1).
void answer_truncated(int fd, const std::atomic<bool>& stop) {
  timeval wait{0, 50'000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  std::array<std::uint8_t, 512> buffer{};
  while (!stop) {
    sockaddr_in from{};
    socklen_t size = sizeof from;
    const auto n = ::recvfrom(fd, buffer.data(), buffer.size(), 0,
                              reinterpret_cast<sockaddr*>(&from), &size);  // NOLINT
    if (n < 12) continue;
    buffer[2] |= 0x82U;  // QR, TC
    ::sendto(fd, buffer.data(), static_cast<std::size_t>(n), 0,
             reinterpret_cast<const sockaddr*>(&from), size);  // NOLINT
  }
}

}  // namespace

TEST_CASE("a TCP retry to a server that never accepts does not block the event loop",
          "[integration]") {
  // TCP on the UDP port: backlog 0 and one connection never accepted fill the accept queue,
  // so the kernel drops the resolver's SYN and its connect() cannot complete. A blocking
  // connect() would stop the event loop for the kernel's SYN retries (about two minutes).
  // The kernel picks the UDP port; the same TCP port may be another test's connection's
  // meanwhile, so pick again until both are free.
  std::optional<socket_fd> udp;
  std::optional<socket_fd> listener;
  std::uint16_t port = 0;
  for (int attempt = 0; attempt < 50 && !listener; ++attempt) {
    udp.emplace(SOCK_DGRAM);
    REQUIRE(bind_to(udp->fd, 0));
    port = port_of(udp->fd);
    listener.emplace(SOCK_STREAM);
    if (!bind_to(listener->fd, port)) listener.reset();
  }
  REQUIRE(listener);
  REQUIRE(::listen(listener->fd, 0) == 0);
  socket_fd filler(SOCK_STREAM);
  const sockaddr_in to = loopback(port);
  REQUIRE(::connect(filler.fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);  // NOLINT

  std::atomic<bool> stop{false};
  std::thread responder([&] { answer_truncated(udp->fd, stop); });

  asio::io_context io;
  resolver_options o;
  o.servers = {"127.0.0.1:" + std::to_string(port)};
  o.timeout = 500ms;
  o.tries = 1;
  o.hosts_file.clear();
  o.search_domains = std::vector<std::string>{};
  resolver r(io.get_executor(), o);

  const auto start = std::chrono::steady_clock::now();
  auto timer_late = std::chrono::steady_clock::duration::max();
  asio::steady_timer timer(io, 100ms);
  timer.async_wait([&](const asio::error_code&) {
    timer_late = std::chrono::steady_clock::now() - start - 100ms;
  });
  testing::run(
      io,
      [&]() -> asio::awaitable<void> {
        auto answer = co_await r.async_query("big.example.test", record_type::a);
        REQUIRE_FALSE(answer);
        CHECK((answer.error() == errc::timeout || answer.error() == errc::connection_refused));
      },
      10s);
  stop = true;
  responder.join();
  CHECK(timer_late < 200ms);  // the loop kept running while c-ares waited for the connect
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}
