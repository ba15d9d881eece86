#include <corofetch/dns/detail/answer_conversion.hpp>
#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/detail/query_name.hpp>
#include <corofetch/dns/resolver.hpp>

#include "dns/channel.hpp"
#include "dns/flight.hpp"
#include "dns/flight_table.hpp"
#include "dns/hosts_file.hpp"

#include <asio/cancellation_signal.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <deque>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

namespace corofetch::dns {
namespace {

// What a lookup found: the answer and, from the cache, how old it is.
struct fetched {
  answer_ptr value;
  std::uint32_t age = 0;
};

answer_ptr make_error_answer(std::error_code ec) {
  auto a = std::make_shared<answer>();
  a->error = ec;
  return a;
}

result<std::vector<record>> to_records(fetched&& f) {
  if (f.value->error) return f.value->error;
  // An answer nobody else holds (not cached, one waiter) gives its records away; it was made
  // non-const by make_shared<answer>, so the cast is sound.
  std::vector<record> out = f.value.use_count() == 1
                                ? std::move(const_cast<answer&>(*f.value).records)  // NOLINT
                                : f.value->records;
  if (f.age > 0) {
    for (auto& r : out) r.ttl = r.ttl > f.age ? r.ttl - f.age : 0;
  }
  return out;
}

// Blocks of one size recycled per thread: every lookup allocates a waiter and an answer of
// the same size, and glibc's per-size cache is too small for a burst of completions. Bounded.
// The list is plain thread-local data (usable at any time); a separate thread-local drainer
// frees what it holds when the thread ends, after which blocks go straight back to the heap
// (a resolver destroyed by a static destructor still frees its blocks correctly).
template <std::size_t Size>
class block_pool {
 public:
  static void* take() {
    state& s = local();
    if (s.head == nullptr) return ::operator new(block_size);
    --s.count;
    return std::exchange(s.head, s.head->next);
  }
  static void give(void* p) noexcept {
    state& s = local();
    if (s.closed || s.count >= limit) {
      ::operator delete(p);
      return;
    }
    if (s.count == 0) register_drain();
    s.head = ::new (p) node{s.head};
    ++s.count;
  }

 private:
  struct node {
    node* next;
  };
  struct state {
    node* head = nullptr;
    std::size_t count = 0;
    bool closed = false;
  };
  struct drain {
    drain() = default;
    drain(const drain&) = delete;
    drain& operator=(const drain&) = delete;
    ~drain() {
      state& s = local();
      s.closed = true;
      while (s.head != nullptr) ::operator delete(std::exchange(s.head, s.head->next));
      s.count = 0;
    }
  };
  static constexpr std::size_t block_size = Size > sizeof(node) ? Size : sizeof(node);
  static constexpr std::size_t limit = 4096;

  static state& local() noexcept {
    thread_local constinit state s;
    return s;
  }
  static void register_drain() noexcept {
    thread_local drain d;
    (void)d;
  }
};

// std::allocate_shared through block_pool (one object at a time; arrays go to the heap).
template <class T>
struct pool_allocator {
  using value_type = T;
  pool_allocator() = default;
  template <class U>
  pool_allocator(const pool_allocator<U>&) noexcept {}  // NOLINT: rebinding converts implicitly
  T* allocate(std::size_t n) {
    if (n != 1) return static_cast<T*>(::operator new(n * sizeof(T)));
    return static_cast<T*>(block_pool<sizeof(T)>::take());
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n != 1) {
      ::operator delete(p);
      return;
    }
    block_pool<sizeof(T)>::give(p);
  }
  template <class U>
  bool operator==(const pool_allocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace

// An answer c-ares delivered, waiting for the batch: its flight, c-ares' status, and where its
// message is in impl::pending_bytes_.
struct pending_answer {
  flight* f = nullptr;
  int status = 0;
  std::size_t offset = 0;
  std::size_t size = 0;
};

namespace {

// A key built by impl::lookup() and still in impl::scratch_ when `stamp` is impl::key_stamp_,
// so the flight it leads to does not build it again.
struct key_ticket {
  std::uint64_t stamp = 0;
  std::size_t hash = 0;
};

}  // namespace

class resolver::impl {
 public:
  impl(const asio::any_io_executor& executor, resolver_options options)
      : executor_(executor),
        options_(std::move(options)),
        hosts_(options_.hosts_file.empty() ? hosts_file{} : hosts_file::load(options_.hosts_file)),
        cache_(options_.cache),
        aborted_(make_error_answer(asio::error::operation_aborted)),
        bad_name_(make_error_answer(errc::bad_name)) {
    if (options_.max_in_flight == 0) options_.max_in_flight = 1;
    if (options_.queries_per_channel == 0) options_.queries_per_channel = 1;
    auto ch = channel::create(executor_, options_);
    if (!ch) throw std::system_error(ch.error(), "corofetch::dns::resolver");
    current_ = std::move(*ch);
    searches_ = current_->searches();
    ++channels_created_;
  }

  ~impl() {
    destroying_ = true;
    flights_.for_each([this](flight& f) { f.complete_all(aborted_); });
    // Answers not yet delivered are still delivered, each by its own post.
    for (auto& r : ready_) {
      if (r.w == nullptr) continue;  // being resumed by resume_ready()
      r.w->complete(std::move(r.value), true);
      delete r.w;  // NOLINT: owned by ready_
    }
    ready_.clear();
    pending_.clear();  // their flights were completed above
    current_.reset();  // ares_destroy: callbacks see destroying_ and return
    retired_.clear();
    flights_.clear();
    spare_.clear();
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  static constexpr std::size_t spare_limit = 256;  // finished flights kept for reuse

  std::chrono::steady_clock::time_point now() const {
    return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
  }

  // The answer without a query, when there is one: bad name, or a live cache entry. The key it
  // built is left for the flight (`ticket`), so a miss builds and hashes it only once.
  std::optional<fetched> lookup(std::string_view name, record_type type, key_ticket& ticket) {
    if (!detail::scan_query_name(name, type, searches_, scratch_, wire_scratch_)) {
      ++key_stamp_;  // scratch_ was overwritten: no earlier ticket may use it
      return fetched{bad_name_, 0};
    }
    ticket = key_ticket{++key_stamp_, std::hash<std::string_view>{}(scratch_)};
    // An empty cache (always so when disabled) only counts the miss: no clock, no hashing.
    const auto at = cache_.counters().entries == 0 ? cache::clock::time_point{} : now();
    auto hit = cache_.find_key(scratch_, at);
    if (!hit) return std::nullopt;
    return fetched{std::move(hit->entry), static_cast<std::uint32_t>(hit->age.count())};
  }
  std::optional<fetched> lookup(std::string_view name, record_type type) {
    key_ticket ignored;
    return lookup(name, type, ignored);
  }

  // Waits for the flight of (name, type), joining the one in flight or starting one. `owned`,
  // when given, is the caller's own string holding `name`, which it does not use again: a new
  // flight takes it (and the answer's owner name may take it in turn) instead of copying.
  auto wait(std::string_view name, record_type type, key_ticket ticket = {},
            std::string* owned = nullptr) {
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(answer_ptr)>(
        [this, name, type, ticket, owned](auto handler) {
          join(name, type, ticket, owned, std::move(handler));
        },
        asio::use_awaitable);
  }

  // The flight's answer, the cache already consulted (lookup() counted the miss).
  asio::awaitable<fetched> fetch_uncached(std::string name, record_type type) {
    auto value = co_await wait(name, type, {}, &name);  // from here on `this` may be gone
    co_return fetched{std::move(value), 0};
  }

  const std::vector<asio::ip::address>* hosts_entry(std::string_view name) const {
    return hosts_.find(name);
  }

  resolver_stats stats() const noexcept {
    resolver_stats s;
    s.cache = cache_.counters();
    s.in_flight = in_flight_;
    s.queued = queue_.size();
    s.queries_sent = queries_sent_;
    s.channels_created = channels_created_;
    return s;
  }

  void clear_cache() noexcept { cache_.clear(); }

 private:
  template <class Handler>
  struct waiter_impl;
  struct cancel_handler;

  // Builds the key (scratch_) and wire form (wire_scratch_) of (name, type) and hashes the key;
  // `name` was checked by lookup(). With search domains, "www" (searched) and "www." (absolute)
  // are different questions: a relative name's key ends in a space, a byte no presentation-form
  // name holds unescaped.
  key_ticket build_key(std::string_view name, record_type type) {
    (void)detail::scan_query_name(name, type, searches_, scratch_, wire_scratch_);
    return key_ticket{++key_stamp_, std::hash<std::string_view>{}(scratch_)};
  }

  template <class Handler>
  void join(std::string_view name, record_type type, key_ticket ticket, std::string* owned,
            Handler handler);
  void dispatch(flight* f);
  void start(flight* f);
  channel* current_channel();
  void finish(flight* f, const answer_ptr& a);
  void complete_flight(flight* f, const answer_ptr& a);
  void schedule_resume();
  void run_batch(const std::weak_ptr<char>& alive);
  void finish_pending(const pending_answer& p, const std::vector<std::uint8_t>& bytes,
                      std::size_t& next);
  bool resume_ready(const std::weak_ptr<char>& alive);
  void requeue(std::span<const pending_answer> rest, const std::vector<std::uint8_t>& bytes);
  void cancel(waiter* w);
  void schedule_pump();
  void pump();
  static void on_answer(void* arg, int status, int timeouts, unsigned char* abuf, int alen);

  asio::any_io_executor executor_;
  resolver_options options_;
  hosts_file hosts_;
  cache cache_;
  answer_ptr aborted_;
  answer_ptr bad_name_;
  std::unique_ptr<channel> current_;
  std::vector<std::unique_ptr<channel>> retired_;  // finishing what they have in flight
  flight_table flights_;
  // Finished flights, kept for the next ones: a flight and its strings are reused, so a lookup
  // allocates none of them.
  std::vector<std::unique_ptr<flight>> spare_;
  detail::message_view message_scratch_;  // reused by every answer's conversion
  // What c-ares handed on_answer(): converted by the next batch, outside c-ares, right before
  // the waiters are resumed. Each record allocated then follows the free of the one its
  // coroutine just dropped, so glibc's per-size cache serves it; converted inside c-ares, a
  // whole read's worth was allocated at once, then freed at once, which overflows that cache.
  std::vector<pending_answer> pending_;
  std::vector<std::uint8_t> pending_bytes_;  // the messages of pending_, back to back
  // Waiters whose answer is in, resumed together by one posted handler (never inside c-ares).
  struct ready_waiter {
    waiter* w;
    answer_ptr value;
  };
  std::vector<ready_waiter> ready_;
  bool resume_posted_ = false;
  std::deque<flight*> queue_;  // FIFO of flights waiting for a slot
  std::size_t in_flight_ = 0;
  std::uint64_t queries_sent_ = 0;
  std::uint64_t channels_created_ = 0;
  bool pump_posted_ = false;
  bool destroying_ = false;
  std::string scratch_;               // the key build_key() or lookup() made last
  detail::wire_buffer wire_scratch_;  // and the name's wire form (size 0: it has none)
  std::uint64_t key_stamp_ = 0;
  bool searches_ = false;  // the channel has search domains (resolv.conf or options)
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // posted work checks it
};

template <class Handler>
struct resolver::impl::waiter_impl final : waiter {
  waiter_impl(Handler&& h, const asio::any_io_executor& fallback)
      : handler(std::move(h)),
        slot(asio::get_associated_cancellation_slot(handler)),
        executor(asio::get_associated_executor(handler, fallback)) {
    if constexpr (std::is_same_v<decltype(executor), asio::any_io_executor>)
      batchable = executor == fallback;
  }

  void detach() noexcept override {
    if (slot.is_connected()) slot.clear();
  }

  void resume(answer_ptr a) override { std::move(handler)(std::move(a)); }

  static void* operator new(std::size_t size) {
    return size == sizeof(waiter_impl) ? block_pool<sizeof(waiter_impl)>::take()
                                       : ::operator new(size);
  }
  static void operator delete(void* p, std::size_t size) noexcept {
    if (size == sizeof(waiter_impl))
      block_pool<sizeof(waiter_impl)>::give(p);
    else
      ::operator delete(p);
  }

  void complete(answer_ptr a, bool from_slot) override {
    if (!from_slot && slot.is_connected()) slot.clear();
    asio::post(executor, [h = std::move(handler), a = std::move(a)]() mutable {
      std::move(h)(std::move(a));
    });
  }

  Handler handler;
  asio::cancellation_slot slot;
  decltype(asio::get_associated_executor(std::declval<Handler&>(),
                                         std::declval<const asio::any_io_executor&>())) executor;
};

// Installed in the waiting coroutine's cancellation slot; forgets its waiter once fired, so a
// second signal does nothing.
struct resolver::impl::cancel_handler {
  impl* self;
  waiter* w;
  void operator()(asio::cancellation_type type) {
    if (w == nullptr || type == asio::cancellation_type::none) return;
    self->cancel(std::exchange(w, nullptr));
  }
};

template <class Handler>
void resolver::impl::join(std::string_view name, record_type type, key_ticket ticket,
                          std::string* owned, Handler handler) {
  if (ticket.stamp == 0 || ticket.stamp != key_stamp_) ticket = build_key(name, type);
  key_stamp_++;  // scratch_ is consumed: no other ticket may use it
  bool fresh = false;
  flight* f = flights_.find(scratch_, ticket.hash);
  if (f == nullptr) {
    std::unique_ptr<flight> made;
    if (spare_.empty()) {
      made = std::make_unique<flight>();
    } else {
      made = std::move(spare_.back());
      spare_.pop_back();
    }
    made->owner = this;
    made->key.assign(scratch_);
    made->hash = ticket.hash;
    if (owned != nullptr)
      made->name = std::move(*owned);  // `name` may view it: not used below
    else
      made->name.assign(name);
    made->wire.assign(wire_scratch_.view());
    made->type = type;
    made->sent_on = nullptr;
    made->queued = false;
    f = flights_.insert(std::move(made));
    fresh = true;
  }
  auto* w = new waiter_impl<Handler>(std::move(handler), executor_);  // NOLINT: list-owned
  f->link(w);
  if (w->slot.is_connected()) w->slot.template emplace<cancel_handler>(cancel_handler{this, w});
  if (fresh) dispatch(f);
}

void resolver::impl::dispatch(flight* f) {
  if (in_flight_ < options_.max_in_flight) {
    start(f);
  } else {
    f->queued = true;
    queue_.push_back(f);
  }
}

channel* resolver::impl::current_channel() {
  if (current_ && current_->sent() >= options_.queries_per_channel) {
    // A new channel (a new UDP source port) takes the next queries; the old one finishes its
    // own in flight and is destroyed by pump() once empty, never from inside c-ares.
    retired_.push_back(std::move(current_));
  }
  if (!current_) {
    auto ch = channel::create(executor_, options_);
    if (!ch) return nullptr;
    current_ = std::move(*ch);
    ++channels_created_;
  }
  return current_.get();
}

void resolver::impl::start(flight* f) {
  channel* ch = current_channel();
  if (ch == nullptr) {
    finish(f, make_error_answer(errc::out_of_memory));
    return;
  }
  f->sent_on = ch;
  ++in_flight_;
  ++queries_sent_;
  ch->send(f->name.c_str(), f->type, &impl::on_answer, f);  // may call on_answer at once
}

// Runs inside c-ares (ares_process_fd, ares_query, ares_destroy): keeps a copy of the message
// for the batch, which converts it and resumes the waiters; never destroys or cancels a channel.
void resolver::impl::on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf,
                               int alen) {
  auto* f = static_cast<flight*>(arg);
  auto* self = static_cast<impl*>(f->owner);
  if (self->destroying_) return;
  const std::size_t size = abuf != nullptr && alen > 0 ? static_cast<std::size_t>(alen) : 0;
  auto& bytes = self->pending_bytes_;
  const std::size_t offset = bytes.size();
  bytes.insert(bytes.end(), abuf, abuf + size);
  self->pending_.push_back(pending_answer{f, status, offset, size});
  self->schedule_resume();
}

void resolver::impl::finish(flight* f, const answer_ptr& a) {
  if (f->sent_on != nullptr) --in_flight_;
  auto owned = flights_.extract(f);  // owns f from here
  if (options_.cache.max_entries > 0) cache_.store_key(f->key, a, now());
  complete_flight(f, a);
  const bool drained =
      f->sent_on != nullptr && f->sent_on != current_.get() && f->sent_on->active() == 0;
  if (spare_.size() < spare_limit) spare_.push_back(std::move(owned));
  if (!queue_.empty() || drained) schedule_pump();
}

// Hands every waiter of `f` its answer: those on the resolver's executor join the next batch,
// others get their own post.
void resolver::impl::complete_flight(flight* f, const answer_ptr& a) {
  while (f->head != nullptr) {
    waiter* w = f->head;
    f->unlink(w);  // NOLINT(clang-analyzer-cplusplus.NewDelete): head->prev is null, see flight
    if (w->batchable) {
      w->detach();
      ready_.push_back({w, a});
    } else {
      w->complete(a, false);
      delete w;  // NOLINT: owned by the list
    }
  }
  if (!ready_.empty()) schedule_resume();
}

void resolver::impl::schedule_resume() {
  if (resume_posted_) return;
  resume_posted_ = true;
  asio::post(executor_, [this, alive = std::weak_ptr<char>(alive_)] {
    if (alive.expired()) return;  // ~impl posted each waiter itself
    run_batch(alive);
  });
}

// The posted batch: the waiters already answered, then each pending answer converted, its
// flight finished (cache, single flight) and its waiters resumed, one answer after the other.
// A resumed coroutine may start lookups (they go to the next batch) or destroy the resolver
// (then ~impl has completed the pending answers' flights with operation_aborted, and `this`
// is not touched again).
void resolver::impl::run_batch(const std::weak_ptr<char>& alive) {
  std::vector<pending_answer> answers;
  answers.swap(pending_);
  std::vector<std::uint8_t> bytes;
  bytes.swap(pending_bytes_);
  std::size_t next = 0;  // the first answer whose flight is not finished
  try {
    if (!resume_ready(alive)) return;
    while (next < answers.size()) {
      finish_pending(answers[next], bytes, next);
      if (!resume_ready(alive)) return;  // the answer held only by its waiters and the cache
    }
  } catch (...) {
    if (!alive.expired()) {
      requeue(std::span(answers).subspan(next), bytes);
      resume_posted_ = false;
      if (!pending_.empty() || !ready_.empty()) schedule_resume();
    }
    throw;
  }
  resume_posted_ = false;
  if (pending_.empty()) {  // keep the storage for the next batch
    answers.clear();
    bytes.clear();
    pending_.swap(answers);
    pending_bytes_.swap(bytes);
  }
  // Answers that came in while this batch ran, or waiters finished outside a query.
  if (!pending_.empty() || !ready_.empty()) schedule_resume();
}

// Converts one pending answer and finishes its flight (`next` counts it once nothing can throw
// before its flight is finished).
void resolver::impl::finish_pending(const pending_answer& p, const std::vector<std::uint8_t>& bytes,
                                    std::size_t& next) {
  const std::span<const std::uint8_t> message(bytes.data() + p.offset, p.size);
  const auto a = std::allocate_shared<answer>(
      pool_allocator<answer>{},
      detail::convert_answer(message, p.f->type, p.status, message_scratch_, p.f->name, p.f->wire,
                             &p.f->name));  // the flight needs its name no more
  ++next;
  p.f->sent_on->finished();  // counted until now, so its channel is still alive
  finish(p.f, a);
}

// Puts answers a failed batch did not reach back in front of those that came in meanwhile.
void resolver::impl::requeue(std::span<const pending_answer> rest,
                             const std::vector<std::uint8_t>& bytes) {
  std::vector<pending_answer> answers;
  std::vector<std::uint8_t> kept;
  for (const auto& p : rest) {
    answers.push_back(pending_answer{p.f, p.status, kept.size(), p.size});
    kept.insert(kept.end(), bytes.begin() + static_cast<std::ptrdiff_t>(p.offset),
                bytes.begin() + static_cast<std::ptrdiff_t>(p.offset + p.size));
  }
  for (const auto& p : pending_) {
    answers.push_back(pending_answer{p.f, p.status, kept.size(), p.size});
    kept.insert(kept.end(), pending_bytes_.begin() + static_cast<std::ptrdiff_t>(p.offset),
                pending_bytes_.begin() + static_cast<std::ptrdiff_t>(p.offset + p.size));
  }
  pending_.swap(answers);
  pending_bytes_.swap(kept);
}

// Resumes the waiters in ready_, those added meanwhile included. False when a resumed
// coroutine destroyed the resolver (~impl then posted the rest; `this` is gone).
bool resolver::impl::resume_ready(const std::weak_ptr<char>& alive) {
  for (std::size_t i = 0; i < ready_.size(); ++i) {
    // Taken out first: ~impl skips a taken entry, and a push_back may move the vector.
    std::unique_ptr<waiter> w(std::exchange(ready_[i].w, nullptr));
    auto value = std::move(ready_[i].value);
    try {
      w->resume(std::move(value));
    } catch (...) {
      if (!alive.expired()) {
        for (++i; i < ready_.size(); ++i) {  // the rest still resume, each by its own post
          ready_[i].w->complete(std::move(ready_[i].value), true);
          delete ready_[i].w;  // NOLINT: owned by ready_
        }
        ready_.clear();
      }
      throw;
    }
    if (alive.expired()) return false;
  }
  ready_.clear();
  return true;
}

void resolver::impl::cancel(waiter* w) {
  flight* f = w->owner;
  f->unlink(w);
  w->complete(aborted_, true);
  delete w;  // NOLINT: list-owned
  // A flight nobody waits for any more is dropped by pump() if it was never sent; one already
  // sent runs on (c-ares cannot cancel a single query) and fills the cache.
}

void resolver::impl::schedule_pump() {
  if (pump_posted_) return;
  pump_posted_ = true;
  asio::post(executor_, [this, alive = std::weak_ptr<char>(alive_)] {
    if (alive.expired()) return;
    pump();
  });
}

void resolver::impl::pump() {
  pump_posted_ = false;
  std::erase_if(retired_, [](const auto& ch) { return ch->active() == 0; });
  while (!queue_.empty() && in_flight_ < options_.max_in_flight) {
    flight* f = queue_.front();
    queue_.pop_front();
    f->queued = false;
    if (f->waiters == 0) {
      (void)flights_.extract(f);
      continue;
    }
    start(f);
  }
}

// ---- resolver ------------------------------------------------------------------------------

resolver::resolver(executor_type executor, resolver_options options)
    : impl_(std::make_unique<impl>(executor, std::move(options))), executor_(std::move(executor)) {}

resolver::~resolver() = default;

resolver::executor_type resolver::get_executor() const noexcept {
  return executor_;
}

resolver_stats resolver::stats() const noexcept {
  return impl_->stats();
}

void resolver::clear_cache() noexcept {
  impl_->clear_cache();
}

asio::awaitable<result<std::vector<record>>> resolver::async_query(std::string name,
                                                                   record_type type) {
  impl* self = impl_.get();
  const auto state = co_await asio::this_coro::cancellation_state;
  if (state.cancelled() != asio::cancellation_type::none) {
    co_return std::error_code(asio::error::operation_aborted);
  }
  key_ticket ticket;
  if (auto hit = self->lookup(name, type, ticket)) co_return to_records(std::move(*hit));
  // `name` is not used again: the flight may take it.
  auto value = co_await self->wait(name, type, ticket, &name);  // `self` may be gone after
  co_return to_records(fetched{std::move(value), 0});
}

namespace {

std::string_view strip_brackets(std::string_view host) noexcept {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

// The address `text` spells, if it is one. Only hex digits, '.' and ':' can come before an
// IPv6 scope ("%eth0"), so host names skip the parse.
std::optional<asio::ip::address> literal_address(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text.substr(0, text.find('%'))) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != '.' && c != ':') return std::nullopt;
  }
  std::error_code ec;
  const auto address = asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return address;
}

bool family_matches(const asio::ip::address& a, address_family family) noexcept {
  return family == address_family::any || (family == address_family::ipv4 && a.is_v4()) ||
         (family == address_family::ipv6 && a.is_v6());
}

void append_endpoints(const fetched& f, std::uint16_t port, std::vector<resolved_endpoint>& out) {
  if (!f.value || f.value->error) return;
  for (const auto& r : f.value->records) {
    const std::uint32_t ttl = r.ttl > f.age ? r.ttl - f.age : 0;
    if (const auto* a4 = std::get_if<a_data>(&r.data))
      out.push_back({asio::ip::tcp::endpoint(a4->address, port), ttl});
    else if (const auto* a6 = std::get_if<aaaa_data>(&r.data))
      out.push_back({asio::ip::tcp::endpoint(a6->address, port), ttl});
  }
}

// Neither family had an address: NXDOMAIN says the most, then a real failure, then NODATA.
std::error_code combined_error(const fetched& v6, const fetched& v4) {
  const std::error_code e6 = v6.value ? v6.value->error : std::error_code(errc::nodata);
  const std::error_code e4 = v4.value ? v4.value->error : std::error_code(errc::nodata);
  if (!v6.value && v4.value) return e4;  // one family asked: its own error
  if (!v4.value && v6.value) return e6;
  if (e6 == asio::error::operation_aborted || e4 == asio::error::operation_aborted)
    return asio::error::operation_aborted;
  if (e6 == errc::nxdomain || e4 == errc::nxdomain) return errc::nxdomain;
  if (e6 && e6 != errc::nodata) return e6;
  if (e4 && e4 != errc::nodata) return e4;
  return errc::nodata;
}

}  // namespace

asio::awaitable<result<std::vector<resolved_endpoint>>> resolver::async_resolve(
    std::string host, std::uint16_t port, address_family family) {
  using namespace asio::experimental::awaitable_operators;
  impl* self = impl_.get();
  const auto state = co_await asio::this_coro::cancellation_state;
  if (state.cancelled() != asio::cancellation_type::none) {
    co_return std::error_code(asio::error::operation_aborted);
  }
  const std::string_view name = strip_brackets(host);
  std::vector<resolved_endpoint> out;

  // A literal address or a hosts-file name needs no query.
  if (const auto literal = literal_address(name)) {
    if (!family_matches(*literal, family)) co_return std::error_code(errc::bad_family);
    out.push_back({asio::ip::tcp::endpoint(*literal, port), 0});
    co_return out;
  }
  if (const auto* listed = self->hosts_entry(name)) {
    for (const auto& a : *listed) {
      if (family_matches(a, family)) out.push_back({asio::ip::tcp::endpoint(a, port), 0});
    }
    std::stable_partition(out.begin(), out.end(),
                          [](const resolved_endpoint& e) { return e.endpoint.address().is_v6(); });
    if (!out.empty()) co_return out;
  }

  // Cached halves are taken at once; the missing ones are asked together.
  const bool want6 = family != address_family::ipv4;
  const bool want4 = family != address_family::ipv6;
  // The key of the last lookup is still built (the ticket says so) when one family is asked.
  key_ticket ticket;
  std::optional<fetched> h6 = want6 ? self->lookup(name, record_type::aaaa, ticket) : std::nullopt;
  std::optional<fetched> h4 = want4 ? self->lookup(name, record_type::a, ticket) : std::nullopt;
  fetched v6 = h6 ? std::move(*h6) : fetched{};
  fetched v4 = h4 ? std::move(*h4) : fetched{};
  const bool ask6 = want6 && !h6;
  const bool ask4 = want4 && !h4;
  // `host` is not used again after one family's wait: its flight may take it.
  std::string* const owned = name.size() == host.size() ? &host : nullptr;
  if (ask6 && ask4) {
    std::tie(v6, v4) = co_await (self->fetch_uncached(std::string(name), record_type::aaaa) &&
                                 self->fetch_uncached(std::string(name), record_type::a));
  } else if (ask6) {
    // (co_await kept out of braced initializers: g++ 12 destroys such temporaries twice)
    const key_ticket key6 = want4 ? key_ticket{} : ticket;  // scratch_ holds A's key otherwise
    auto value = co_await self->wait(name, record_type::aaaa, key6, owned);  // `self` may go
    v6 = fetched{std::move(value), 0};
  } else if (ask4) {
    auto value = co_await self->wait(name, record_type::a, ticket, owned);
    v4 = fetched{std::move(value), 0};
  }
  append_endpoints(v6, port, out);
  append_endpoints(v4, port, out);
  if (out.empty()) co_return combined_error(v6, v4);
  co_return out;
}

}  // namespace corofetch::dns
