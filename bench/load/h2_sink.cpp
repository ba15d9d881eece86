// bench_h2_sink: a canned-response HTTP/2 server (h2c, prior knowledge) for the load benchmark
// (BENCHMARKING.md: nginx is the bottleneck of an HTTP/2 load test here; this one shows the
// clients' own ceiling). One thread, edge-triggered epoll, non-blocking sockets, an nghttp2
// server session per connection; every request that ends gets the same 200 response with a
// 1,156-byte body (bench/load/run.sh's size). It prints its port on stdout and serves until
// killed.
//
//   taskset -c 0 bench_h2_sink [PORT]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

namespace {

const std::string body(1156, 'x');
const std::string body_length = std::to_string(body.size());

struct connection {
  nghttp2_session* session = nullptr;
  std::string out;  // frames not yet written
  connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection() {
    if (session != nullptr) nghttp2_session_del(session);
  }
};

nghttp2_nv field(const char* name, const std::string& value) {
  // NOLINTBEGIN: nghttp2's name/value pairs are bytes; it copies them at submit
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), std::strlen(name),
          value.size(), NGHTTP2_NV_FLAG_NONE};
  // NOLINTEND
}

ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                  std::uint32_t* flags, nghttp2_data_source* source, void*) {
  auto offset = static_cast<std::size_t>(source->fd);
  const std::size_t n = std::min(length, body.size() - offset);
  std::memcpy(buf, body.data() + offset, n);
  source->fd = static_cast<int>(offset + n);
  if (offset + n == body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

// A request has arrived whole (END_STREAM on its HEADERS or last DATA): answer it.
int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void*) {
  const bool request_frame = frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA;
  if (!request_frame || (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) return 0;
  static const std::string status = "200";
  static const std::string type = "text/html";
  static const std::string server = "sink";
  const std::array<nghttp2_nv, 4> head{field(":status", status), field("server", server),
                                       field("content-type", type),
                                       field("content-length", body_length)};
  nghttp2_data_provider provider{};
  provider.source.fd = 0;  // the offset into the body
  provider.read_callback = read_body;
  nghttp2_submit_response(session, frame->hd.stream_id, head.data(), head.size(), &provider);
  return 0;
}

std::unique_ptr<connection> open_session() {
  auto c = std::make_unique<connection>();
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
  nghttp2_session_server_new(&c->session, callbacks, nullptr);
  nghttp2_session_callbacks_del(callbacks);
  const std::array<nghttp2_settings_entry, 2> settings{{
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 128},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1U << 24U},
  }};
  nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
  return c;
}

// Serializes what the session has to send and writes as much as the socket takes.
bool flush(int fd, connection& c) {
  for (;;) {
    const std::uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(c.session, &data);
    if (n < 0) return false;
    if (n == 0) break;
    c.out.append(reinterpret_cast<const char*>(data),  // NOLINT: nghttp2's bytes as chars
                 static_cast<std::size_t>(n));
  }
  std::size_t sent = 0;
  while (sent < c.out.size()) {
    const ssize_t n = ::send(fd, c.out.data() + sent, c.out.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      break;
    }
    sent += static_cast<std::size_t>(n);
  }
  c.out.erase(0, sent);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
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
    std::perror("bench_h2_sink: bind/listen");
    return 1;
  }
  ::fcntl(listener, F_SETFL, ::fcntl(listener, F_GETFL, 0) | O_NONBLOCK);
  std::printf("%u\n", static_cast<unsigned>(ntohs(a.sin_port)));
  std::fflush(stdout);

  const int ep = ::epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  std::unordered_map<int, std::unique_ptr<connection>> connections;
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
          connections[c] = open_session();
        }
        continue;
      }
      const auto it = connections.find(fd);
      if (it == connections.end()) continue;
      connection& c = *it->second;
      bool alive = true;
      for (;;) {
        const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (got > 0) {
          // NOLINTNEXTLINE: nghttp2 reads bytes as uint8_t
          const auto* bytes = reinterpret_cast<const std::uint8_t*>(buffer.data());
          if (nghttp2_session_mem_recv(c.session, bytes, static_cast<std::size_t>(got)) < 0) {
            alive = false;
            break;
          }
          if (static_cast<std::size_t>(got) < buffer.size()) break;
          continue;
        }
        alive = got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        break;
      }
      if (!alive || !flush(fd, c) ||
          (nghttp2_session_want_read(c.session) == 0 &&
           nghttp2_session_want_write(c.session) == 0)) {
        ::close(fd);
        connections.erase(it);
      }
    }
  }
}
