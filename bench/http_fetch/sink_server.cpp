// bench_http_sink: a canned-response HTTP/1.1 server for the client benchmark
// (BENCHMARKING.md: a server is often the bottleneck; this one shows the client's own ceiling).
// One thread, edge-triggered epoll, non-blocking sockets; every request head (counted by its
// blank line) gets the same 200 response with a 1,156-byte body, keep-alive. It prints its port
// on stdout and serves until killed.
//
//   taskset -c 0 bench_http_sink [PORT]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

struct connection {
  std::string pending;  // the tail of the input that may hold a partial "\r\n\r\n"
  std::string out;      // responses not yet written
};

void set_non_blocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
}

// Counts complete request heads in `data` (after what was pending), keeping a partial end.
std::size_t count_heads(connection& c, std::string_view data) {
  c.pending.append(data);
  std::size_t heads = 0;
  std::size_t from = 0;
  for (std::size_t at; (at = c.pending.find("\r\n\r\n", from)) != std::string::npos;) {
    ++heads;
    from = at + 4;
  }
  c.pending.erase(0, from);
  return heads;
}

bool flush(int fd, connection& c) {
  while (!c.out.empty()) {
    const ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    c.out.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string body(1156, 'x');
  const std::string response =
      "HTTP/1.1 200 OK\r\nServer: sink\r\nContent-Type: text/html\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0));
  socklen_t len = sizeof a;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||  // NOLINT: socket API
      ::listen(listener, 4096) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) != 0) {  // NOLINT
    std::perror("bench_http_sink: bind/listen");
    return 1;
  }
  set_non_blocking(listener);
  std::printf("%u\n", static_cast<unsigned>(ntohs(a.sin_port)));
  std::fflush(stdout);

  const int ep = ::epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  std::unordered_map<int, connection> connections;
  std::array<epoll_event, 256> events{};
  std::array<char, 65536> buffer{};
  for (;;) {
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      if (fd == listener) {
        for (int c; (c = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
          ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event cev{};
          cev.events = EPOLLIN | EPOLLOUT | EPOLLET;
          cev.data.fd = c;
          ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
          connections[c];
        }
        continue;
      }
      connection& c = connections[fd];
      bool alive = true;
      for (;;) {
        const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (got > 0) {
          const std::size_t heads =
              count_heads(c, std::string_view(buffer.data(), static_cast<std::size_t>(got)));
          for (std::size_t h = 0; h < heads; ++h) c.out.append(response);
          if (static_cast<std::size_t>(got) < buffer.size()) break;
          continue;
        }
        alive = got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        break;
      }
      if (!alive || !flush(fd, c)) {
        ::close(fd);
        connections.erase(fd);
      }
    }
  }
}
