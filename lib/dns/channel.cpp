#include "dns/channel.hpp"

#include <corofetch/dns/error.hpp>
#include <corofetch/dns/root_hints.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

namespace corofetch::dns {
namespace {

constexpr int class_in = 1;

// c-ares 1.18.1 writes TCP queries with writev(), which raises SIGPIPE when the server has
// closed the connection. Routing its socket calls through these functions lets every write
// use sendmsg(MSG_NOSIGNAL), so no process-wide signal disposition has to change.
//
// With socket functions of its user, c-ares 1.18.1 configures none of its sockets: no
// O_NONBLOCK (a TCP connect() would block the event loop until the server answers or the
// kernel gives up), no ARES_OPT_SOCK_RCVBUF, no TCP_NODELAY. open_socket() does what c-ares
// would; `data` is the requested receive buffer size (an int, 0 for the kernel's default).
// The setsockopt() calls are best effort, as c-ares' own (the kernel caps SO_RCVBUF at
// net.core.rmem_max).
ares_socket_t open_socket(int domain, int type, int protocol, void* data) {
  const ares_socket_t fd = ::socket(domain, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
  if (fd < 0) return fd;
  const int receive_buffer = *static_cast<const int*>(data);
  if (type == SOCK_DGRAM && receive_buffer > 0)
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  if (type == SOCK_STREAM) {
    const int on = 1;  // one query a write: nothing to gain from Nagle's delay
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
  return fd;
}
int close_socket(ares_socket_t fd, void*) {
  return ::close(fd);
}
int connect_socket(ares_socket_t fd, const sockaddr* address, ares_socklen_t length, void*) {
  return ::connect(fd, address, length);
}
ares_ssize_t receive_from(ares_socket_t fd, void* buffer, std::size_t length, int flags,
                          sockaddr* from, ares_socklen_t* from_length, void*) {
  return ::recvfrom(fd, buffer, length, flags, from, from_length);
}
ares_ssize_t send_vector(ares_socket_t fd, const iovec* vec, int count, void*) {
  msghdr message{};
  message.msg_iov = const_cast<iovec*>(vec);  // NOLINT: sendmsg does not write through it
  message.msg_iovlen = static_cast<std::size_t>(count);
  return ::sendmsg(fd, &message, MSG_NOSIGNAL);
}
const ares_socket_functions socket_functions{&open_socket, &close_socket, &connect_socket,
                                             &receive_from, &send_vector};

// The servers as ares_set_servers_ports_csv() takes them, each checked first: c-ares 1.18.1
// takes "127.0.0.1:99999" as port 34463 (the number wraps) and "[::1" as port 53.
std::optional<std::string> server_csv(const std::vector<std::string>& servers) {
  std::string csv;
  for (const auto& s : servers) {
    const auto endpoint = parse_server_address(s, 53);
    if (!endpoint) return std::nullopt;
    if (!csv.empty()) csv += ',';
    const auto address = endpoint->address();
    csv += address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    csv += ':' + std::to_string(endpoint->port());
  }
  return csv;
}

}  // namespace

struct channel::watched_socket {
  watched_socket(const asio::any_io_executor& ex, ares_socket_t socket)
      : descriptor(ex), fd(socket) {}
  asio::posix::stream_descriptor descriptor;
  ares_socket_t fd;
  bool want_read = false;
  bool want_write = false;
  bool reading = false;
  bool writing = false;
  bool closed = false;
};

channel::channel(const asio::any_io_executor& executor, std::chrono::milliseconds timeout)
    : executor_(executor), timer_(executor), base_timeout_(timeout) {}

result<std::unique_ptr<channel>> channel::create(const asio::any_io_executor& executor,
                                                 const resolver_options& options) {
  if (options.timeout.count() <= 0 || options.tries <= 0) return errc::bad_options;
  std::unique_ptr<channel> ch(new channel(executor, options.timeout));

  ares_options o{};
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
  o.sock_state_cb = &channel::on_socket_state;
  o.sock_state_cb_data = ch.get();
  o.timeout = static_cast<int>(options.timeout.count());
  o.tries = options.tries;
  std::string lookups = "b";  // never the hosts file: we read it once ourselves
  o.lookups = lookups.data();
  if (options.receive_buffer > 0) {
    o.socket_receive_buffer_size = options.receive_buffer;
    mask |= ARES_OPT_SOCK_RCVBUF;
  }
  if (options.ndots) {
    o.ndots = *options.ndots;
    mask |= ARES_OPT_NDOTS;
  }
  std::vector<char*> domains;
  if (options.search_domains) {
    for (const auto& d : *options.search_domains) domains.push_back(const_cast<char*>(d.c_str()));
    o.domains = domains.data();
    o.ndomains = static_cast<int>(domains.size());
    mask |= ARES_OPT_DOMAINS;
  }
  mask |= options.rotate ? ARES_OPT_ROTATE : ARES_OPT_NOROTATE;
  // c-ares 1.18.1 closes every socket of a channel whenever its last query ends, inside
  // ares_process_fd; answers are resumed after it returns, so each read that emptied the
  // channel cost a socket, connect, close and three epoll_ctl before the next queries went out.
  // Kept open, an idle channel's sockets are simply not watched (pause_sockets()).
  o.flags = ARES_FLAG_STAYOPEN;
  if (!options.failover_on_servfail)
    o.flags |= ARES_FLAG_NOCHECKRESP;  // SERVFAIL/REFUSED reach us with their RCODE
  mask |= ARES_OPT_FLAGS;

  if (const int st = ares_init_options(&ch->channel_, &o, mask); st != ARES_SUCCESS) {
    ch->channel_ = nullptr;
    return st == ARES_ENOMEM ? errc::out_of_memory : errc::bad_options;
  }
  ch->receive_buffer_ = options.receive_buffer > 0 ? options.receive_buffer : 0;
  ares_set_socket_functions(ch->channel_, &socket_functions, &ch->receive_buffer_);
  if (!options.servers.empty()) {
    const auto csv = server_csv(options.servers);
    if (!csv || ares_set_servers_ports_csv(ch->channel_, csv->c_str()) != ARES_SUCCESS)
      return errc::bad_options;
  }
  ares_options saved{};
  int saved_mask = 0;
  if (ares_save_options(ch->channel_, &saved, &saved_mask) == ARES_SUCCESS) {
    ch->has_search_domains_ = saved.ndomains > 0;
    if (saved.nservers == 0 && options.servers.empty()) {
      ares_destroy_options(&saved);
      return errc::bad_options;
    }
    ares_destroy_options(&saved);
  }
  return ch;
}

channel::~channel() {
  if (channel_ != nullptr) ares_destroy(channel_);  // closes sockets: on_socket_state(0, 0)
  for (auto& [fd, s] : sockets_) {
    s->closed = true;
    s->descriptor.release();
  }
}

void channel::send(const char* name, record_type type, ares_callback callback, void* arg) {
  if (paused_) resume_sockets();
  ++active_;
  ++sent_;
  if (has_search_domains_)
    ares_search(channel_, name, class_in, static_cast<int>(type), callback, arg);
  else
    ares_query(channel_, name, class_in, static_cast<int>(type), callback, arg);
  ensure_timer();
}

void channel::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<channel*>(data);
  if (readable == 0 && writable == 0) {
    self->forget(fd);
    return;
  }
  auto& s = self->sockets_[fd];
  if (!s) {
    s = std::make_shared<watched_socket>(self->executor_, fd);
    asio::error_code ec;
    s->descriptor.assign(fd, ec);
    if (ec) {  // cannot be watched: c-ares will time the query out
      self->sockets_.erase(fd);
      return;
    }
  }
  s->want_read = readable != 0;
  s->want_write = writable != 0;
  self->watch(s);
}

// Starts the waits c-ares wants that are not pending. A wait cancelled by pause_sockets()
// comes back here when it completes: if the channel was resumed meanwhile, it starts again.
void channel::watch(const std::shared_ptr<watched_socket>& s) {
  if (paused_) return;  // resume_sockets() starts the waits
  if (s->want_read && !s->reading) {
    s->reading = true;
    s->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                             [this, s](const asio::error_code& ec) {
                               s->reading = false;
                               if (s->closed) return;  // `this` may be gone when closed
                               if (ec) {
                                 if (ec == asio::error::operation_aborted) watch(s);  // resumed
                                 return;
                               }
                               process(s->fd, ARES_SOCKET_BAD);
                               if (!s->closed) watch(s);
                             });
  }
  if (s->want_write && !s->writing) {
    s->writing = true;
    s->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                             [this, s](const asio::error_code& ec) {
                               s->writing = false;
                               if (s->closed) return;
                               if (ec) {
                                 if (ec == asio::error::operation_aborted) watch(s);
                                 return;
                               }
                               process(ARES_SOCKET_BAD, s->fd);
                               if (!s->closed) watch(s);
                             });
  }
}

// Idle (no query of ours in flight): the sockets c-ares keeps open are not watched, so an
// io_context with nothing else to do returns from run(). Whatever arrives meanwhile can only be
// a late answer to a query already finished; the next answer's arrival wakes the socket again
// (each datagram is a new edge) and c-ares reads both.
void channel::pause_sockets() {
  paused_ = true;
  for (auto& [fd, s] : sockets_) {
    if (!s->reading && !s->writing) continue;
    asio::error_code ignored;
    s->descriptor.cancel(ignored);  // the waits complete with operation_aborted
  }
}

void channel::resume_sockets() {
  paused_ = false;
  for (auto& [fd, s] : sockets_) watch(s);
}

void channel::forget(ares_socket_t fd) {
  const auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  auto s = std::move(it->second);
  sockets_.erase(it);
  s->closed = true;
  asio::error_code ignored;
  s->descriptor.cancel(ignored);  // pending waits complete with operation_aborted
  s->descriptor.release();        // c-ares closes the fd itself right after this callback
}

void channel::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  ensure_timer();
}

// Every try c-ares sends times out no sooner than now + base timeout (later tries double it),
// so a timer armed no later than that never misses a timeout; when it fires, ares_timeout()
// gives the exact next deadline. This keeps ares_timeout (a walk over every query in 1.18.1)
// off the per-answer path.
void channel::ensure_timer() {
  // A deadline armed within one base timeout of its arming stays early enough for every try
  // sent later, so the common case needs no clock read.
  if (active_ == 0) {
    // Idle: an armed timer would keep the io_context's run() busy until it fires, so a
    // program that made its last lookup would exit a whole timeout late; so would a wait on
    // a socket.
    if (timer_armed_) {
      timer_armed_ = false;
      ++timer_generation_;
      timer_.cancel();
    }
    if (!paused_) pause_sockets();
    return;
  }
  if (timer_armed_ && armed_within_base_) return;
  const auto now = std::chrono::steady_clock::now();
  if (timer_armed_ && armed_at_ <= now + base_timeout_) return;
  arm_timer(now, now + base_timeout_);
}

void channel::arm_timer(std::chrono::steady_clock::time_point now,
                        std::chrono::steady_clock::time_point at) {
  timer_armed_ = true;
  armed_at_ = at;
  armed_within_base_ = at <= now + base_timeout_;
  timer_.expires_at(at);
  timer_.async_wait([this, alive = std::weak_ptr<char>(alive_),
                     generation = ++timer_generation_](const asio::error_code& ec) {
    if (ec || alive.expired() || generation != timer_generation_) return;
    on_timer();
  });
}

void channel::on_timer() {
  timer_armed_ = false;
  ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // times out what is due
  timeval max{};
  timeval tv{};
  max.tv_sec = 3600;
  if (active_ == 0 || ares_timeout(channel_, &max, &tv) == nullptr) return;
  const auto wait = std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  const auto now = std::chrono::steady_clock::now();
  arm_timer(now, now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait) +
                     std::chrono::milliseconds(1));
}

}  // namespace corofetch::dns
