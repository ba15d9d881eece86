#include <corofetch/dns/detail/answer_conversion.hpp>
#include <corofetch/dns/resolver.hpp>

#include "dns/channel.hpp"
#include "dns/flight.hpp"
#include "dns/hosts_file.hpp"

#include <asio/cancellation_signal.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <tuple>
#include <unordered_map>

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

// RFC 1035 2.3.4 / RFC 1123 2.1: labels of 1-63 bytes, at most 253 characters without the
// final dot. Escaped names ("a\.b") are left for c-ares to judge.
bool valid_name(std::string_view name) noexcept {
  if (name == ".") return true;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  if (name.find('\\') != std::string_view::npos) return true;
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (++label > 63) {
      return false;
    }
  }
  return label > 0;
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

struct key_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
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
    for (auto& [key, f] : flights_) f->complete_all(aborted_);
    current_.reset();  // ares_destroy: callbacks see destroying_ and return
    retired_.clear();
    flights_.clear();
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  std::chrono::steady_clock::time_point now() const {
    return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
  }

  // The answer without a query, when there is one: bad name, or a live cache entry.
  std::optional<fetched> lookup(std::string_view name, record_type type) {
    if (!valid_name(name)) return fetched{bad_name_, 0};
    cache::make_key(scratch_, cache_name(name), type);
    auto hit = cache_.find_key(scratch_, now());
    if (!hit) return std::nullopt;
    return fetched{std::move(hit->entry), static_cast<std::uint32_t>(hit->age.count())};
  }

  // Waits for the flight of (name, type), joining the one in flight or starting one.
  auto wait(std::string_view name, record_type type) {
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(answer_ptr)>(
        [this, name, type](auto handler) { join(name, type, std::move(handler)); },
        asio::use_awaitable);
  }

  // The flight's answer, the cache already consulted (lookup() counted the miss).
  asio::awaitable<fetched> fetch_uncached(std::string name, record_type type) {
    auto value = co_await wait(name, type);  // from here on `this` may be gone
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
  // The name an answer is filed under. With search domains, "www" (searched) and "www."
  // (absolute) are different questions: a relative name gets a trailing space, a byte no
  // presentation-form name holds unescaped.
  std::string_view cache_name(std::string_view name) {
    if (!searches_ || name.empty() || name.back() == '.') return name;
    name_scratch_.assign(name);
    name_scratch_ += ' ';
    return name_scratch_;
  }

  template <class Handler>
  struct waiter_impl;
  struct cancel_handler;

  template <class Handler>
  void join(std::string_view name, record_type type, Handler handler);
  void dispatch(flight* f);
  void start(flight* f);
  channel* current_channel();
  void finish(flight* f, answer_ptr a);
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
  std::unordered_map<std::string_view, std::unique_ptr<flight>, key_hash, std::equal_to<>>
      flights_;                // keys view flight::key
  std::deque<flight*> queue_;  // FIFO of flights waiting for a slot
  std::size_t in_flight_ = 0;
  std::uint64_t queries_sent_ = 0;
  std::uint64_t channels_created_ = 0;
  bool pump_posted_ = false;
  bool destroying_ = false;
  std::string scratch_;
  std::string name_scratch_;
  bool searches_ = false;  // the channel has search domains (resolv.conf or options)
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // posted work checks it
};

template <class Handler>
struct resolver::impl::waiter_impl final : waiter {
  waiter_impl(Handler&& h, const asio::any_io_executor& fallback)
      : handler(std::move(h)),
        slot(asio::get_associated_cancellation_slot(handler)),
        executor(asio::get_associated_executor(handler, fallback)) {}

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
void resolver::impl::join(std::string_view name, record_type type, Handler handler) {
  cache::make_key(scratch_, cache_name(name), type);
  flight* f = nullptr;
  bool fresh = false;
  if (const auto it = flights_.find(std::string_view(scratch_)); it != flights_.end()) {
    f = it->second.get();
  } else {
    auto made = std::make_unique<flight>();
    made->owner = this;
    made->key = scratch_;
    made->name = std::string(name);
    made->type = type;
    f = made.get();
    flights_.emplace(std::string_view(f->key), std::move(made));
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

// Runs inside c-ares (ares_process_fd, ares_query, ares_destroy): records the outcome and posts
// the resumptions; never destroys or cancels a channel.
void resolver::impl::on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf,
                               int alen) {
  auto* f = static_cast<flight*>(arg);
  f->sent_on->finished();
  auto* self = static_cast<impl*>(f->owner);
  if (self->destroying_) return;
  std::span<const std::uint8_t> message;
  if (abuf != nullptr && alen > 0) message = {abuf, static_cast<std::size_t>(alen)};
  self->finish(f, std::make_shared<answer>(detail::convert_answer(message, f->type, status)));
}

void resolver::impl::finish(flight* f, answer_ptr a) {
  if (f->sent_on != nullptr) --in_flight_;
  const auto node = flights_.extract(std::string_view(f->key));  // owns f from here
  cache_.store_key(std::move(f->key), a, now());
  f->complete_all(a);
  const bool drained =
      f->sent_on != nullptr && f->sent_on != current_.get() && f->sent_on->active() == 0;
  if (!queue_.empty() || drained) schedule_pump();
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
      flights_.erase(std::string_view(f->key));
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
  if (auto hit = self->lookup(name, type)) co_return to_records(std::move(*hit));
  auto value = co_await self->wait(name, type);  // from here on `self` may be gone
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
  std::optional<fetched> h6 = want6 ? self->lookup(name, record_type::aaaa) : std::nullopt;
  std::optional<fetched> h4 = want4 ? self->lookup(name, record_type::a) : std::nullopt;
  fetched v6 = h6 ? std::move(*h6) : fetched{};
  fetched v4 = h4 ? std::move(*h4) : fetched{};
  const bool ask6 = want6 && !h6;
  const bool ask4 = want4 && !h4;
  if (ask6 && ask4) {
    std::tie(v6, v4) = co_await (self->fetch_uncached(std::string(name), record_type::aaaa) &&
                                 self->fetch_uncached(std::string(name), record_type::a));
  } else if (ask6) {
    // (co_await kept out of braced initializers: g++ 12 destroys such temporaries twice)
    auto value = co_await self->wait(name, record_type::aaaa);  // `self` may be gone after
    v6 = fetched{std::move(value), 0};
  } else if (ask4) {
    auto value = co_await self->wait(name, record_type::a);
    v4 = fetched{std::move(value), 0};
  }
  append_endpoints(v6, port, out);
  append_endpoints(v4, port, out);
  if (out.empty()) co_return combined_error(v6, v4);
  co_return out;
}

}  // namespace corofetch::dns
