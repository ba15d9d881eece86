// The Redis frontier: each operation one script (lib/crawl/redis_frontier_scripts.cpp) sent
// through a redis::client, retried while Redis is unreachable. Ends of leases wait in a batch
// that rides on the next take, or goes alone after ack_delay; the leases this worker holds are
// renewed every third of the lease.
#include <corofetch/crawl/error.hpp>
#include <corofetch/crawl/redis_frontier.hpp>
#include <corofetch/redis/error.hpp>
#include <corofetch/url/url.hpp>

#include "crawl/redis_frontier_scripts.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <unordered_set>
#include <utility>

namespace corofetch::crawl {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;
// 2: leases name their worker ("WID HOST ENTRY"), hosts count each worker's leases (fair
// claims), robots.txt is kept per job.
constexpr int job_version = 2;
// Batched strings (five a record) past which the batch goes at once: a page of many links.
constexpr std::size_t max_pending = std::size_t{5} * 2048;

namespace {

constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

bool cancelled(const asio::cancellation_state& state) noexcept {
  return state.cancelled() != asio::cancellation_type::none;
}

bool valid_job_name(const std::string& job) {
  if (job.empty() || job.size() > 64) return false;
  return std::all_of(job.begin(), job.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// The seen-set's buckets: 2^bits of them, sized so that about 64 fingerprints share one (a
// hash stays listpack-encoded, about 12 bytes an entry, up to 128 entries).
int bucket_bits(std::size_t expected) {
  const std::size_t buckets = std::max<std::size_t>(expected / 64, 1);
  return std::clamp(static_cast<int>(std::bit_width(buckets - 1)), 8, 24);
}

std::string ms_string(clock_type::duration d) {
  return std::to_string(
      std::max<std::int64_t>(0, std::chrono::duration_cast<milliseconds>(d).count()));
}

std::string encode_entry(const frontier_entry& e) {
  std::string s;
  s.reserve(e.url.size() + e.referrer.size() + 16);
  s += std::to_string(static_cast<int>(e.kind));
  s += ' ';
  s += std::to_string(e.attempt);
  s += ' ';
  s += std::to_string(e.depth);
  s += ' ';
  s += e.url;
  s += ' ';
  s += e.referrer;
  return s;
}

template <class T>
bool read_number(std::string_view& s, T& out) {
  const std::size_t sp = s.find(' ');
  if (sp == std::string_view::npos) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + sp, out);
  if (ec != std::errc() || p != s.data() + sp) return false;
  s.remove_prefix(sp + 1);
  return true;
}

bool decode_entry(std::string_view s, frontier_entry& e) {
  int kind = 0;
  if (!read_number(s, kind) || !read_number(s, e.attempt) || !read_number(s, e.depth)) return false;
  if (kind != 0 && kind != 1) return false;
  e.kind = static_cast<entry_kind>(kind);
  const std::size_t sp = s.find(' ');
  if (sp == std::string_view::npos) return false;
  e.url.assign(s.substr(0, sp));
  e.referrer.assign(s.substr(sp + 1));
  return true;
}

std::uint64_t counter(const redis::reply& r) {
  const auto v = r.as_integer();
  return v && *v > 0 ? static_cast<std::uint64_t>(*v) : 0;
}

}  // namespace

struct redis_frontier::impl : std::enable_shared_from_this<impl> {
  impl(const asio::any_io_executor& ex, redis_frontier_options o, redis::client_options co)
      : executor(ex),
        options(std::move(o)),
        client(ex, std::move(co)),
        prefix(job_prefix(options.job)),
        flush_timer(ex),
        renew_timer(ex) {
    poll_wait = min_poll();
  }

  asio::any_io_executor executor;
  redis_frontier_options options;
  redis::client client;
  std::string prefix;
  int bits = 16;
  std::string worker_id;      // this worker's number in the job (fair claims)
  milliseconds poll_wait{0};  // the next wait after a take that found nothing (see read_take)
  // Batched records for the next take, five strings each (see take_script): pushes and ends
  // of leases in the order the crawler made them, so a page's links reach Redis no later than
  // its ack, in the same script.
  std::vector<std::string> pending;
  std::size_t pending_ends = 0;
  std::unordered_set<std::string> held;  // tokens of the leases this worker holds
  asio::steady_timer flush_timer;
  asio::steady_timer renew_timer;
  bool flush_armed = false;
  bool renew_armed = false;
  bool closed = false;
  std::error_code sticky;  // a background flush's failure, for the next operation
  frontier_stats last;
  std::uint64_t pauses = 0;

  [[nodiscard]] milliseconds min_poll() const noexcept {
    return std::max(options.poll / 5, milliseconds(1));
  }
  asio::awaitable<result<redis::reply>> call(const redis::script& s,
                                             const std::vector<std::string>& args);
  asio::awaitable<std::error_code> init();
  void fingerprint_args(std::uint64_t f, std::vector<std::string>& args) const;
  std::error_code read_take(const redis::reply& r, std::size_t max,
                            std::vector<frontier_lease>& out, take_status& status);
  asio::awaitable<std::error_code> end_lease(const frontier_lease& lease, char op, bool requested,
                                             duration delay);
  void add_end(std::string token, char op, bool requested, duration delay);
  void add_push(const frontier_entry& e);
  void release_held();
  std::vector<std::string> take_args(std::size_t max);
  asio::awaitable<std::error_code> flush();
  void arm_flush();
  void arm_renew();
  asio::awaitable<void> renew();
};

std::string job_prefix(const std::string& job) {
  return "cf:{" + job + "}:";
}

// One script, retried while Redis cannot be reached (the crawl pauses), up to unavailable_for.
asio::awaitable<result<redis::reply>> redis_frontier::impl::call(
    const redis::script& s, const std::vector<std::string>& args) {
  const auto give_up = clock_type::now() + options.unavailable_for;
  for (;;) {
    auto r = co_await client.async_eval(s, std::vector<std::string>(), args);
    if (r) {
      if (r->type != redis::reply_type::array || r->elements.empty())
        co_return redis::errc::unexpected_reply;
      if (counter(r->elements.front()) == 1) co_return redis::errc::job_missing;
      co_return r;
    }
    if (!redis::is_link_error(r.error())) co_return r.error();
    if (clock_type::now() >= give_up) co_return redis::errc::unavailable;
    if (closed) co_return redis::errc::closed;  // a renewal or flush outliving its frontier
    ++pauses;
    const auto state = co_await asio::this_coro::cancellation_state;
    if (cancelled(state)) co_return asio::error::operation_aborted;
  }
}

asio::awaitable<std::error_code> redis_frontier::impl::init() {
  const politeness_options& p = options.politeness;
  std::vector<std::string> args{prefix,
                                std::to_string(std::max<std::size_t>(p.per_host, 1)),
                                std::to_string(p.delay.count()),
                                std::to_string(p.max_crawl_delay.count()),
                                std::to_string(options.lease.count()),
                                std::to_string(bucket_bits(options.expected_urls)),
                                std::to_string(job_version)};
  auto r = co_await client.async_eval(detail::init_script(), std::vector<std::string>(),
                                      std::move(args));
  if (!r) co_return r.error();
  if (r->type != redis::reply_type::array || r->elements.size() != 8)
    co_return redis::errc::unexpected_reply;
  const auto& e = r->elements;
  options.politeness.per_host = counter(e[1]);
  options.politeness.delay = milliseconds(counter(e[2]));
  options.politeness.max_crawl_delay = milliseconds(counter(e[3]));
  options.lease = milliseconds(counter(e[4]));
  bits = static_cast<int>(counter(e[5]));
  worker_id = std::to_string(counter(e[7]));
  if (counter(e[6]) != job_version || bits < 1 || bits > 32 || options.lease.count() <= 0)
    co_return redis::errc::unexpected_reply;
  co_return std::error_code();
}

// A URL's seen-set bucket (the fingerprint's top bits) and field (its low 7 bytes: bits is at
// least 8, so together they are the whole fingerprint).
void redis_frontier::impl::fingerprint_args(std::uint64_t f, std::vector<std::string>& args) const {
  args.push_back(std::to_string(f >> (64 - bits)));
  std::string field(7, '\0');
  for (std::size_t i = 0; i < 7; ++i) field[i] = static_cast<char>((f >> (8 * i)) & 0xFF);
  args.push_back(std::move(field));
}

std::error_code redis_frontier::impl::read_take(const redis::reply& r, std::size_t max,
                                                std::vector<frontier_lease>& out,
                                                take_status& status) {
  const auto& e = r.elements;
  if (e.size() < 10 || (e.size() - 10) % 2 != 0)
    return make_error_code(redis::errc::unexpected_reply);
  last.queued = counter(e[2]);
  last.delayed = counter(e[3]);
  last.leased = counter(e[4]);
  last.hosts = counter(e[5]);
  last.seen = counter(e[6]);
  last.fetched = counter(e[7]);
  last.failed = counter(e[8]);
  last.skipped = counter(e[9]);
  for (std::size_t i = 10; i < e.size(); i += 2) {
    frontier_lease& l = out.emplace_back();
    const std::string& token = e[i].text;
    if (!decode_entry(e[i + 1].text, l.entry) ||
        std::from_chars(token.data(), token.data() + token.size(), l.token).ec != std::errc())
      return make_error_code(redis::errc::unexpected_reply);
    held.insert(token);
  }
  status.exhausted = last.queued == 0 && last.delayed == 0 && last.leased == 0;
  // Other workers' pushes and ends cannot be seen coming: a take that finds nothing asks again
  // after min_poll, then twice as long each time up to options.poll, so that URLs (or slots)
  // freed elsewhere are found soon without polling an idle job hard.
  duration wait = poll_wait;
  if (max > 0) {
    poll_wait = out.empty() ? std::min(poll_wait * 2, options.poll) : min_poll();
  }
  const auto next_in = e[1].as_integer().value_or(-1);
  if (next_in >= 0) wait = std::min<duration>(wait, milliseconds(next_in));
  status.next_in = wait;
  return {};
}

void redis_frontier::impl::arm_flush() {
  if (flush_armed || closed) return;
  flush_armed = true;
  flush_timer.expires_after(options.ack_delay);
  flush_timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    self->flush_armed = false;
    if (ec || self->closed || self->pending.empty()) return;
    asio::co_spawn(
        self->executor,
        [self]() -> asio::awaitable<void> {
          const std::error_code failed = co_await self->flush();
          if (failed && !self->sticky) self->sticky = failed;
        },
        asio::detached);
  });
}

// The take script's arguments, with every batched record (moved out of the batch).
std::vector<std::string> redis_frontier::impl::take_args(std::size_t max) {
  std::vector<std::string> args;
  args.reserve(4 + pending.size());
  args.push_back(prefix);
  args.push_back(std::to_string(max));
  args.push_back(worker_id);
  // A worker that found nothing counts as waiting for URLs this long: it asks again sooner.
  args.push_back(ms_string(3 * options.poll));
  args.insert(args.end(), std::make_move_iterator(pending.begin()),
              std::make_move_iterator(pending.end()));
  pending.clear();
  pending_ends = 0;
  return args;
}

// Sends the batch alone (a take of nothing).
asio::awaitable<std::error_code> redis_frontier::impl::flush() {
  if (pending.empty()) co_return std::error_code();
  const std::vector<std::string> args = take_args(0);
  auto r = co_await call(detail::take_script(), args);
  if (!r) co_return r.error();
  std::vector<frontier_lease> none;
  take_status ignored;
  co_return read_take(*r, 0, none, ignored);
}

asio::awaitable<std::error_code> redis_frontier::impl::end_lease(const frontier_lease& lease,
                                                                 char op, bool requested,
                                                                 duration delay) {
  std::string token = std::to_string(lease.token);
  held.erase(token);
  add_end(std::move(token), op, requested, delay);
  if (held.empty() && renew_armed) renew_timer.cancel();
  if (const std::error_code ec = std::exchange(sticky, {})) co_return ec;
  if (pending_ends >= options.ack_batch || pending.size() >= max_pending)
    co_return co_await flush();
  arm_flush();
  co_return std::error_code();
}

void redis_frontier::impl::add_end(std::string token, char op, bool requested, duration delay) {
  pending.emplace_back("E");
  pending.push_back(std::move(token));
  pending.emplace_back(1, op);
  pending.emplace_back(requested ? "1" : "0");
  pending.push_back(ms_string(delay));
  ++pending_ends;
}

// The leases of a run that ended without ending them go back to their queues with the next
// flush (or take), no attempt counted; they are no longer renewed.
void redis_frontier::impl::release_held() {
  for (const std::string& token : held) add_end(token, 'a', true, duration::zero());
  held.clear();
  if (renew_armed) renew_timer.cancel();
  if (!pending.empty()) arm_flush();
}

void redis_frontier::impl::add_push(const frontier_entry& e) {
  pending.emplace_back("P");
  fingerprint_args(url::fingerprint(e.url), pending);
  pending.emplace_back(host_key(e.url));
  pending.push_back(encode_entry(e));
}

void redis_frontier::impl::arm_renew() {
  if (renew_armed || closed || held.empty()) return;
  renew_armed = true;
  renew_timer.expires_after(options.lease / 3);
  renew_timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    self->renew_armed = false;
    if (ec || self->closed || self->held.empty()) return;
    asio::co_spawn(self->executor, self->renew(), asio::detached);
  });
}

asio::awaitable<void> redis_frontier::impl::renew() {
  std::vector<std::string> args{prefix};
  args.insert(args.end(), held.begin(), held.end());
  auto r = co_await call(detail::renew_script(), args);
  if (!r && !sticky) sticky = r.error();
  arm_renew();
}

redis_frontier::redis_frontier(std::shared_ptr<impl> i) : impl_(std::move(i)) {}

redis_frontier::~redis_frontier() {
  impl_->closed = true;
  impl_->flush_timer.cancel();
  impl_->renew_timer.cancel();
}

asio::awaitable<result<std::unique_ptr<redis_frontier>>> redis_frontier::async_create(
    redis_frontier_options options, std::string* detail) {
  auto say = [detail](std::string text) {
    if (detail != nullptr) *detail = std::move(text);
  };
  auto endpoint = redis::parse_url(options.url);
  if (!endpoint) {
    say("--redis \"" + options.url + "\": " + endpoint.error().message());
    co_return endpoint.error();
  }
  if (!valid_job_name(options.job)) {
    say("--job \"" + options.job + "\": 1 to 64 letters, digits, '.', '_' or '-'");
    co_return errc::invalid_options;
  }
  if (options.lease < milliseconds(3) || options.ack_batch == 0) {
    say("lease too short or ack batch empty");
    co_return errc::invalid_options;
  }
  redis::client_options co = options.client;
  co.server = *endpoint;
  co.reconnect_for = milliseconds(0);
  if (co.name.empty()) co.name = "cf-crawl:" + options.job;
  const auto executor = co_await asio::this_coro::executor;
  auto i = std::make_shared<impl>(executor, std::move(options), std::move(co));
  const std::string where = redis::to_string(*endpoint);
  if (const std::error_code ec = co_await i->client.async_connect()) {
    say(where + ": " + ec.message() + ": " + i->client.error_detail());
    co_return ec;
  }
  if (const std::error_code ec = co_await i->init()) {
    say(where + ": " + ec.message() + ": " + i->client.error_detail());
    co_return ec;
  }
  co_return std::unique_ptr<redis_frontier>(new redis_frontier(std::move(i)));
}

asio::awaitable<result<std::size_t>> redis_frontier::async_push(
    std::vector<frontier_entry>& entries) {
  if (const std::error_code ec = std::exchange(impl_->sticky, {})) co_return ec;
  if (impl_->options.batch_pushes) {
    for (const frontier_entry& e : entries) impl_->add_push(e);
    if (impl_->pending.size() >= max_pending) {
      if (const std::error_code ec = co_await impl_->flush()) co_return ec;
    } else if (!impl_->pending.empty()) {
      impl_->arm_flush();
    }
    co_return entries.size();
  }
  std::size_t queued = 0;
  constexpr std::size_t per_call = 512;
  for (std::size_t from = 0; from < entries.size(); from += per_call) {
    std::vector<std::string> args{impl_->prefix};
    const std::size_t to = std::min(entries.size(), from + per_call);
    args.reserve(1 + 4 * (to - from));
    for (std::size_t k = from; k < to; ++k) {
      impl_->fingerprint_args(url::fingerprint(entries[k].url), args);
      args.emplace_back(host_key(entries[k].url));
      args.push_back(encode_entry(entries[k]));
    }
    auto r = co_await impl_->call(detail::push_script(), args);
    if (!r) co_return r.error();
    if (r->elements.size() != 2) co_return redis::errc::unexpected_reply;
    queued += counter(r->elements[1]);
  }
  co_return queued;
}

asio::awaitable<std::error_code> redis_frontier::async_record_skipped(
    std::vector<frontier_entry>& entries) {
  if (const std::error_code ec = std::exchange(impl_->sticky, {})) co_return ec;
  if (entries.empty()) co_return std::error_code();
  std::vector<std::string> args{impl_->prefix};
  args.reserve(1 + 2 * entries.size());
  for (const frontier_entry& e : entries) impl_->fingerprint_args(url::fingerprint(e.url), args);
  auto r = co_await impl_->call(detail::skip_script(), args);
  if (!r) co_return r.error();
  if (r->elements.size() != 2 || r->elements[1].text.size() != entries.size())
    co_return redis::errc::unexpected_reply;
  const std::string& flags = r->elements[1].text;
  std::size_t kept = 0;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    if (flags[k] != '1') continue;
    if (kept != k) entries[kept] = std::move(entries[k]);
    ++kept;
  }
  entries.resize(kept);
  co_return std::error_code();
}

asio::awaitable<result<bool>> redis_frontier::async_seen(std::uint64_t fingerprint) {
  std::vector<std::string> where;
  impl_->fingerprint_args(fingerprint, where);
  std::vector<std::string> args{"HEXISTS", impl_->prefix + "s:" + where[0], where[1]};
  const auto give_up = clock_type::now() + impl_->options.unavailable_for;
  for (;;) {
    auto r = co_await impl_->client.async_command(args);
    if (r) co_return r->integer == 1;
    if (!redis::is_link_error(r.error()) || clock_type::now() >= give_up) co_return r.error();
    ++impl_->pauses;
  }
}

asio::awaitable<result<take_status>> redis_frontier::async_take(std::size_t max,
                                                                std::vector<frontier_lease>& out) {
  out.clear();
  if (const std::error_code ec = std::exchange(impl_->sticky, {})) co_return ec;
  const std::vector<std::string> args = impl_->take_args(max);
  auto r = co_await impl_->call(detail::take_script(), args);
  if (!r) co_return r.error();
  take_status status;
  if (const std::error_code ec = impl_->read_take(*r, max, out, status)) co_return ec;
  impl_->arm_renew();
  co_return status;
}

asio::awaitable<std::error_code> redis_frontier::async_finish(const frontier_lease& lease,
                                                              finish_kind kind, bool requested) {
  const char op = kind == finish_kind::fetched ? 'f' : kind == finish_kind::failed ? 'x' : 's';
  return impl_->end_lease(lease, op, requested, duration::zero());
}

asio::awaitable<std::error_code> redis_frontier::async_retry(const frontier_lease& lease,
                                                             retry_kind kind, duration delay,
                                                             bool requested) {
  const char op = kind == retry_kind::again ? 'a' : kind == retry_kind::backoff ? 'b' : 'h';
  return impl_->end_lease(lease, op, requested, delay);
}

asio::awaitable<std::error_code> redis_frontier::async_set_crawl_delay(std::string host,
                                                                       duration crawl_delay) {
  std::vector<std::string> args{impl_->prefix, std::move(host), ms_string(crawl_delay)};
  auto r = co_await impl_->call(detail::crawl_delay_script(), args);
  co_return r.error();
}

asio::awaitable<result<shared_robots>> redis_frontier::async_robots(std::string origin) {
  // A claim lasts a lease: a worker that dies fetching robots.txt holds the others back no
  // longer than it would hold its URLs.
  std::vector<std::string> args{impl_->prefix, std::move(origin), ms_string(impl_->options.lease)};
  auto r = co_await impl_->call(detail::robots_script(), args);
  if (!r) co_return r.error();
  const auto& e = r->elements;
  shared_robots out;
  if (e.size() == 2 && e[1].text == "fetch") {
    out.what = shared_robots::state::fetch;
  } else if (e.size() == 2 && e[1].text == "wait") {
    out.what = shared_robots::state::wait;
  } else if (e.size() == 5 && e[1].text == "stored") {
    out.what = shared_robots::state::stored;
    out.status = static_cast<int>(e[2].as_integer().value_or(0));
    out.age = milliseconds(counter(e[3]));
    out.body = e[4].text;
  } else {
    co_return redis::errc::unexpected_reply;
  }
  co_return out;
}

asio::awaitable<std::error_code> redis_frontier::async_store_robots(std::string origin, int status,
                                                                    std::string body,
                                                                    duration ttl) {
  std::vector<std::string> args{impl_->prefix, std::move(origin), std::to_string(status),
                                ms_string(ttl), std::move(body)};
  auto r = co_await impl_->call(detail::store_robots_script(), args);
  co_return r.error();
}

void redis_frontier::release_leases() {
  impl_->release_held();
}

frontier_stats redis_frontier::stats() const {
  return impl_->last;
}

asio::awaitable<std::error_code> redis_frontier::async_flush() {
  return impl_->flush();
}

const redis_frontier_options& redis_frontier::options() const noexcept {
  return impl_->options;
}

const redis::client_stats& redis_frontier::client_stats() const noexcept {
  return impl_->client.stats();
}

std::uint64_t redis_frontier::pauses() const noexcept {
  return impl_->pauses;
}

}  // namespace corofetch::crawl
