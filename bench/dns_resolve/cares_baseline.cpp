// The raw c-ares baseline: what c-ares 1.18.1 does on its own with the same server, names and
// queries in flight, driven by the leanest loop (epoll on the sockets c-ares reports). The
// resolver's overhead is the difference.
#include "bench_stats.hpp"

#include <ares.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string>

namespace dns_bench {
namespace {

struct loop_state {
  ares_channel channel = nullptr;
  int epoll_fd = -1;
  const std::vector<std::string>* names = nullptr;
  std::uint64_t total = 0;
  std::uint64_t started = 0;
  bool deferred = false;       // start the next query after ares_process_fd, not inside it
  std::uint64_t to_start = 0;  // completions whose next query is still to start
  run_stats stats;
};

void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* s = static_cast<loop_state*>(data);
  epoll_event ev{};
  ev.data.fd = fd;
  ev.events = (readable != 0 ? EPOLLIN : 0U) | (writable != 0 ? EPOLLOUT : 0U);
  if (readable == 0 && writable == 0) {
    ::epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
  } else if (::epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, fd, &ev) != 0) {
    ::epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }
}

void start_next(loop_state& s);

void on_answer(void* data, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* s = static_cast<loop_state*>(data);
  ++s->stats.queries;
  if (status == ARES_SUCCESS) {
    std::array<ares_addrttl, 16> addresses{};
    int count = static_cast<int>(addresses.size());
    if (ares_parse_a_reply(abuf, alen, nullptr, addresses.data(), &count) == ARES_SUCCESS &&
        count > 0) {
      ++s->stats.ok;
    } else {
      ++s->stats.errors;
    }
  } else if (status == ARES_ETIMEOUT) {
    ++s->stats.timeouts;
  } else if (status != ARES_EDESTRUCTION) {
    ++s->stats.errors;
  }
  if (s->deferred) {
    ++s->to_start;
  } else {
    start_next(*s);
  }
}

void start_next(loop_state& s) {
  if (s.started >= s.total) return;
  const auto& name = (*s.names)[s.started % s.names->size()];
  ++s.started;
  ares_query(s.channel, name.c_str(), 1 /* C_IN */, 1 /* T_A */, on_answer, &s);
}

}  // namespace

double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto seconds = [](timeval t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

run_stats run_cares(const std::string& server, const std::vector<std::string>& names,
                    std::uint64_t total, std::size_t outstanding, bool deferred) {
  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
    throw std::runtime_error("ares_library_init failed");
  }
  loop_state s;
  s.names = &names;
  s.total = total;
  s.deferred = deferred;
  s.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  ares_options o{};
  o.flags = ARES_FLAG_NOCHECKRESP;
  o.timeout = 2000;
  o.tries = 2;
  o.socket_receive_buffer_size = 1 << 20;
  o.sock_state_cb = on_socket_state;
  o.sock_state_cb_data = &s;
  o.lookups = const_cast<char*>("b");  // NOLINT: c-ares' option field is char*
  const int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_RCVBUF |
                   ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS;
  if (ares_init_options(&s.channel, &o, mask) != ARES_SUCCESS ||
      ares_set_servers_ports_csv(s.channel, server.c_str()) != ARES_SUCCESS) {
    throw std::runtime_error("c-ares rejected the options or the server " + server);
  }

  const double cpu0 = process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < outstanding; ++i) start_next(s);
  std::array<epoll_event, 64> events{};
  while (s.stats.queries < total) {
    timeval tv{};
    timeval* wait = ares_timeout(s.channel, nullptr, &tv);
    const int ms = wait == nullptr ? 1000 : static_cast<int>(tv.tv_sec * 1000 + tv.tv_usec / 1000);
    const int n = ::epoll_wait(s.epoll_fd, events.data(), static_cast<int>(events.size()), ms);
    if (n == 0) ares_process_fd(s.channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    for (int i = 0; i < n; ++i) {
      const auto& e = events[static_cast<std::size_t>(i)];
      ares_process_fd(s.channel,
                      (e.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? e.data.fd : ARES_SOCKET_BAD,
                      (e.events & EPOLLOUT) ? e.data.fd : ARES_SOCKET_BAD);
    }
    for (; s.to_start > 0; --s.to_start) start_next(s);
  }
  s.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.stats.cpu_seconds = process_cpu_seconds() - cpu0;
  ares_destroy(s.channel);
  ::close(s.epoll_fd);
  ares_library_cleanup();
  return s.stats;
}

}  // namespace dns_bench
