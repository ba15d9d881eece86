#include "redis/link.hpp"

#include <corofetch/redis/error.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace corofetch::redis::detail {
namespace {

// hiredis 0.14 writes with write(), which raises SIGPIPE when Redis has gone (a restart, a
// dropped link). SIGPIPE is held back on this thread around each of its writes, and one raised
// by it is consumed, so no process-wide signal disposition has to change: the write fails with
// EPIPE and the connection is closed as any other lost link.
class sigpipe_guard {
 public:
  sigpipe_guard() noexcept {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~sigpipe_guard() {
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec zero{};
        (void)sigtimedwait(&pipe_, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  sigpipe_guard(const sigpipe_guard&) = delete;
  sigpipe_guard& operator=(const sigpipe_guard&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

reply copy_reply(const redisReply& r) {
  reply out;
  switch (r.type) {
    case REDIS_REPLY_STATUS:
      out.type = reply_type::status;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = reply_type::error;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = reply_type::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = reply_type::string;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = reply_type::array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i)
        out.elements.push_back(copy_reply(*r.element[i]));
      break;
    default:
      out.type = reply_type::nil;
      break;
  }
  return out;
}

std::string context_error(const redisAsyncContext* ac) {
  if (ac != nullptr && ac->errstr != nullptr && ac->errstr[0] != '\0') return ac->errstr;
  if (ac != nullptr && ac->c.errstr[0] != '\0') return ac->c.errstr;
  return "connection closed";
}

}  // namespace

// What hiredis holds for one queued command: deleted by its callback, which hiredis calls
// exactly once (with the reply, or with none when the context is freed).
struct link::slot {
  std::shared_ptr<pending_call> call;
};

link::link(const asio::any_io_executor& executor, client_stats& stats)
    : descriptor_(executor), stats_(&stats) {}

result<std::shared_ptr<link>> link::open(const asio::any_io_executor& executor, const endpoint& e,
                                         client_stats& stats, std::string& detail) {
  redisAsyncContext* ac = redisAsyncConnect(e.host.c_str(), e.port);
  if (ac == nullptr) {
    detail = "out of memory";
    return errc::connect_failed;
  }
  if (ac->err != 0) {
    detail = context_error(ac);
    redisAsyncFree(ac);
    return errc::connect_failed;
  }
  std::shared_ptr<link> l(new link(executor, stats));
  asio::error_code ec;
  l->descriptor_.assign(ac->c.fd, ec);
  if (ec) {
    detail = ec.message();
    redisAsyncFree(ac);
    return errc::connect_failed;
  }
  l->context_ = ac;
  ac->data = l.get();
  ac->ev.data = l.get();
  ac->ev.addRead = &link::add_read;
  ac->ev.delRead = &link::del_read;
  ac->ev.addWrite = &link::add_write;
  ac->ev.delWrite = &link::del_write;
  ac->ev.cleanup = &link::cleanup;
  redisAsyncSetConnectCallback(ac, &link::on_connect);  // waits for writability: connected
  l->watch();
  return l;
}

link::~link() {
  close();
}

void link::close() noexcept {
  if (context_ != nullptr) redisAsyncFree(context_);  // its cleanup hook clears context_
}

bool link::send(const std::vector<std::string>& args, const std::shared_ptr<pending_call>& call) {
  if (context_ == nullptr) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* s = new slot{call};  // NOLINT(cppcoreguidelines-owning-memory): hiredis' privdata
  if (redisAsyncCommandArgv(context_, &link::on_reply, s, static_cast<int>(argv.size()),
                            argv.data(), lengths.data()) != REDIS_OK) {
    delete s;  // NOLINT(cppcoreguidelines-owning-memory)
    return false;
  }
  ++call->expected;
  ++outstanding_;
  ++stats_->commands;
  watch();
  return true;
}

void link::on_reply(redisAsyncContext* ac, void* r, void* privdata) {
  std::unique_ptr<slot> s(static_cast<slot*>(privdata));
  auto* self = static_cast<link*>(ac->data);
  if (self != nullptr && self->outstanding_ > 0) --self->outstanding_;
  pending_call& call = *s->call;
  if (call.finished) return;  // an earlier command of the pipeline found the link gone
  if (r == nullptr) {
    call.error = errc::disconnected;
    call.detail = context_error(ac);
  } else {
    call.replies.push_back(copy_reply(*static_cast<const redisReply*>(r)));
    if (call.replies.size() < call.expected) return;
  }
  call.finished = true;
  call.done.cancel();  // the waiting coroutine resumes from the event loop, not from here
}

void link::on_connect(const redisAsyncContext* ac, int status) {
  // A failed connect is reported to the commands queued on it (their callbacks get no reply,
  // with ac->errstr set); nothing else to do here.
  (void)ac;
  (void)status;
}

// The hooks only record what hiredis wants; the waits start in watch(), called once hiredis has
// returned. hiredis asks for reads again inside redisAsyncHandleRead before it runs the reply
// callbacks: a wait started from here would still see the last reply outstanding and stay
// pending on an idle connection, and the event loop's run() would never return.
void link::add_read(void* data) {
  static_cast<link*>(data)->want_read_ = true;
}
void link::del_read(void* data) {
  static_cast<link*>(data)->want_read_ = false;
}
void link::add_write(void* data) {
  static_cast<link*>(data)->want_write_ = true;
}
void link::del_write(void* data) {
  static_cast<link*>(data)->want_write_ = false;
}

// Called by hiredis as it frees the context, just before it closes the fd.
void link::cleanup(void* data) {
  auto* self = static_cast<link*>(data);
  self->context_ = nullptr;
  asio::error_code ignored;
  self->descriptor_.cancel(ignored);  // pending waits complete with operation_aborted
  self->descriptor_.release();
}

// Starts the waits hiredis wants that are not pending. Reads are watched only while a reply is
// awaited: an idle client leaves nothing pending on the event loop, so a program whose last
// command is done sees its io_context's run() return. A connection that closed meanwhile is
// found on the next command (the read sees its end at once).
void link::watch() {
  if (context_ == nullptr) return;
  if (want_write_ && !writing_) {
    writing_ = true;
    descriptor_.async_wait(asio::posix::stream_descriptor::wait_write,
                           [self = shared_from_this()](const asio::error_code& ec) {
                             self->writing_ = false;
                             if (ec || self->context_ == nullptr) return;
                             self->on_writable();
                           });
  }
  if (want_read_ && outstanding_ > 0 && !reading_) {
    reading_ = true;
    descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                           [self = shared_from_this()](const asio::error_code& ec) {
                             self->reading_ = false;
                             if (ec || self->context_ == nullptr) return;
                             self->on_readable();
                           });
  }
}

void link::on_writable() {
  if (!want_write_) return;
  if (sdslen(context_->c.obuf) > 0) ++stats_->round_trips;
  {
    const sigpipe_guard guard;
    redisAsyncHandleWrite(context_);  // may free the context: cleanup() clears context_
  }
  watch();
}

void link::on_readable() {
  redisAsyncHandleRead(context_);  // replies' callbacks run in here; may free the context
  watch();
}

}  // namespace corofetch::redis::detail
