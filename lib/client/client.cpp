#include "client/client_impl.hpp"

#include <corofetch/net/address.hpp>
#include <corofetch/net/connect.hpp>

#include "client/http1_exchange.hpp"
#include "client/http2_exchange.hpp"
#include "client/redirect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/write.hpp>

// g++ 12 at -O2 sees a coroutine frame's allocation (asio::aligned_new) and the frame's
// operator delete in the same ramp function and warns that they do not match; Asio frees that
// memory with aligned_delete, which does. A false positive of open()'s large frame.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace corofetch::client {

using asio::ip::tcp;
using detail::clock;
using detail::phase_bound;

namespace {

constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

// Holds a pool slot or connection until handed back: whatever ends the fetch (an error, a
// cancellation that throws at the next co_await, the frame being destroyed) frees the slot.
class lease {
 public:
  lease(detail::pool& p, std::string key) : pool_(p), key_(std::move(key)) {}
  ~lease() { drop(); }
  lease(const lease&) = delete;
  lease& operator=(const lease&) = delete;

  void hold(std::shared_ptr<detail::connection> c) {
    conn_ = std::move(c);
    held_ = true;
  }
  void hold_slot() { held_ = true; }
  [[nodiscard]] detail::connection* get() const noexcept { return conn_.get(); }
  void release(bool reusable) {
    if (!held_) return;
    held_ = false;
    if (conn_) {
      pool_.release(std::move(conn_), reusable);
    } else {
      pool_.release_slot(key_);
    }
  }
  void drop() { release(false); }
  [[nodiscard]] const std::string& key() const noexcept { return key_; }

 private:
  detail::pool& pool_;
  std::string key_;
  std::shared_ptr<detail::connection> conn_;
  bool held_ = false;
};

std::string describe(std::error_code ec, const request& req) {
  return fmt::format("{} {}: {}", req.method.name(), req.url.href_without_fragment(), ec.message());
}

std::string chain_text(const response& out, std::string_view next) {
  std::string text;
  for (const auto& hop : out.redirects) {
    text.append(hop.url).append(" -> ");
  }
  text.append(next);
  return text;
}

asio::awaitable<bool> cancelled() {
  auto state = co_await asio::this_coro::cancellation_state;
  co_return state.cancelled() != asio::cancellation_type::none;
}

// The stream's deadline for one phase, with the phase's error code as its reason.
void expire(net::stream& s, std::chrono::milliseconds phase, errc code,
            clock::time_point total_deadline) {
  const phase_bound bound = detail::bound_phase(phase, code, total_deadline);
  s.expires_at(bound.deadline, bound.code);
}

}  // namespace

client::impl::impl(asio::any_io_executor executor, dns::resolver* shared, client_options options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      own_resolver_(shared ? nullptr
                           : std::make_unique<dns::resolver>(executor_, options_.resolver)),
      resolver_(shared ? shared : own_resolver_.get()),
      pool_(executor_, options_.pool) {
  serialize_decoding_.user_agent = options_.user_agent;
  serialize_decoding_.accept_encoding = true;
  serialize_identity_.user_agent = options_.user_agent;
  serialize_identity_.accept_encoding = false;
  serialize_decoding_.accept_any = serialize_identity_.accept_any = options_.send_accept;
  if (!options_.proxy.empty()) {
    auto p = url::parse(options_.proxy);
    if (!p || p->scheme() != "http" || p->hostname().empty()) {
      proxy_error_ = errc::invalid_proxy;
    } else {
      proxy_ = std::move(*p);
    }
  }
}

result<net::tls_context*> client::impl::tls(std::string& detail) {
  if (!tls_) {
    net::tls_options o = options_.tls;
    if (o.alpn.empty()) {
      // RFC 7301: the protocols offered, most preferred first.
      switch (options_.http_version) {
        case http_version_choice::negotiate:
          o.alpn = {"h2", "http/1.1"};
          break;
        case http_version_choice::http1_1:
          o.alpn = {"http/1.1"};
          break;
        case http_version_choice::http2_prior_knowledge:
          o.alpn = {"h2"};
          break;
      }
    }
    auto ctx = net::tls_context::create(o, &detail);
    if (!ctx) return ctx.error();
    tls_ = std::move(*ctx);
  }
  return &*tls_;
}

void client::impl::pool_key(const request& req, std::string& key) const {
  key.assign(req.url.scheme()).append("://").append(req.url.hostname()).push_back(':');
  fmt::format_to(std::back_inserter(key), "{}", req.url.effective_port().value_or(0));
  if (proxy_) key.append(" via ").append(proxy_->host());
}

// The name lookup runs under the stream's deadline (net::stream::async_bounded), as every
// later phase does.
asio::awaitable<std::pair<std::error_code, std::vector<tcp::endpoint>>> client::impl::resolve(
    net::stream& s, const std::string& host, std::uint16_t port) {
  using result_type = std::pair<std::error_code, std::vector<tcp::endpoint>>;
  auto fixed = override_endpoints(options_.resolve_overrides, host, port);
  if (!fixed) co_return result_type{fixed.error(), {}};
  if (!fixed->empty()) co_return result_type{std::error_code{}, std::move(*fixed)};

  // The operands are named: g++ 12 can destroy temporaries of a co_await expression twice.
  std::string name(host);
  auto lookup = resolver_->async_resolve(std::move(name), port, dns::address_family::any);
  std::optional<result<std::vector<dns::resolved_endpoint>>> resolved;
  try {
    resolved.emplace(co_await s.async_bounded(std::move(lookup)));
  } catch (const std::system_error&) {
    // Asio throws at a co_await after a cancellation: the deadline's, reported as such.
    if (!s.expired()) throw;
  }
  if (s.expired()) co_return result_type{s.expired(), {}};
  if (!*resolved) co_return result_type{resolved->error(), {}};
  std::vector<tcp::endpoint> endpoints;
  endpoints.reserve((*resolved)->size());
  for (const auto& r : **resolved) endpoints.push_back(r.endpoint);
  co_return result_type{std::error_code{}, std::move(endpoints)};
}

// RFC 9110 9.3.6: "CONNECT host:port", then a 2xx turns the connection into a tunnel. Runs on
// the plain stream, under its deadline.
asio::awaitable<std::error_code> client::impl::tunnel(net::stream& s, const request& req,
                                                      std::string& detail) {
  const std::string authority =
      fmt::format("{}:{}", req.url.hostname(), req.url.effective_port().value_or(443));
  http::request connect(http::method::connect, authority);
  connect.fields().add("Host", authority);
  if (proxy_->has_credentials()) {
    connect.fields().add(
        "Proxy-Authorization",
        "Basic " + http::base64_encode(http::percent_decode(proxy_->username()) + ":" +
                                       http::percent_decode(proxy_->password())));
  }
  http::serialize_options so;
  so.user_agent = options_.user_agent;
  so.accept_any = false;
  so.accept_encoding = false;
  std::string head;
  if (auto ec = http::serialize_head(connect, head, so); ec) co_return ec;

  const net::io_result written = co_await s.async_write(asio::buffer(head));
  if (written.error) co_return written.error;
  http::response_parser parser;
  parser.reset(http::method::connect);
  std::string buffer(4096, '\0');  // off the frame: a large frame trips g++ 12's
                                   // -Wmismatched-new-delete false positive
  while (!parser.complete()) {
    const net::io_result got = co_await s.async_read_some(asio::buffer(buffer));
    if (got.error == asio::error::eof) co_return parser.finish();
    if (got.error) co_return got.error;
    auto consumed = parser.parse(std::string_view(buffer.data(), got.bytes));
    if (!consumed) co_return consumed.error();
    if (parser.complete() && *consumed < got.bytes) co_return http::errc::data_after_close;
  }
  const int status = parser.head().status;
  if (status < 200 || status > 299) {
    detail = fmt::format("proxy {} answered CONNECT {} with {} {}", proxy_->host(), authority,
                         status, parser.head().reason);
    co_return errc::proxy_connect_failed;
  }
  co_return std::error_code{};
}

// Resolve, connect, tunnel and TLS handshake, each phase bounded by the stream's deadline with
// its own error code (or total_timeout when the total comes first).
asio::awaitable<std::pair<std::error_code, std::shared_ptr<detail::connection>>> client::impl::open(
    const request& req, const std::string& key, timing& t, const fetch_options& options,
    clock::time_point total_deadline, std::string& detail) {
  using result_type = std::pair<std::error_code, std::shared_ptr<detail::connection>>;
  const auto& to = options.timeouts;
  const bool tls_wanted = req.url.scheme() == "https";
  const std::string host(proxy_ ? proxy_->hostname() : req.url.hostname());
  const std::uint16_t port = proxy_ ? proxy_->effective_port().value_or(80)
                                    : req.url.effective_port().value_or(tls_wanted ? 443 : 80);
  net::stream s(executor_);

  auto start = clock::now();
  expire(s, to.resolve, errc::resolve_timeout, total_deadline);
  auto [rec, endpoints] = co_await resolve(s, host, port);
  t.dns = clock::now() - start;
  if (rec) {
    detail = fmt::format("resolving {}: {}", host, rec.message());
    co_return result_type{rec, nullptr};
  }
  if (options_.public_addresses_only && !proxy_) {
    if (auto refused = guard(endpoints); !refused.empty()) {
      detail = fmt::format("{}: {}", host, refused);
      co_return result_type{errc::address_refused, nullptr};
    }
  }

  if (options.on_connection) {
    connection_event event;
    event.host = host;
    event.port = port;
    event.addresses = net::happy_eyeballs_order(endpoints);
    options.on_connection(event);
  }
  start = clock::now();
  expire(s, to.connect, errc::connect_timeout, total_deadline);
  net::connect_options co;
  co.attempt_delay = options_.happy_eyeballs_delay;
  co.timeout = std::chrono::milliseconds(0);  // the stream's deadline bounds it
  if (auto ec = co_await s.async_connect(endpoints, co); ec) {
    t.connect = clock::now() - start;
    detail = fmt::format("connecting to {} port {}: {}", host, port, ec.message());
    co_return result_type{ec, nullptr};
  }
  if (proxy_ && tls_wanted) {
    expire(s, to.connect, errc::connect_timeout, total_deadline);
    if (auto ec = co_await tunnel(s, req, detail); ec) {
      t.connect = clock::now() - start;
      if (detail.empty()) detail = fmt::format("CONNECT through proxy: {}", ec.message());
      co_return result_type{ec, nullptr};
    }
  }
  t.connect = clock::now() - start;

  if (tls_wanted) {
    auto ctx = tls(detail);
    if (!ctx) co_return result_type{ctx.error(), nullptr};
    s.start_tls(**ctx);
    start = clock::now();
    expire(s, to.tls_handshake, errc::tls_handshake_timeout, total_deadline);
    std::string name(req.url.hostname());
    auto ec = co_await s.async_handshake(std::move(name));
    t.tls = clock::now() - start;
    if (ec) {
      detail = fmt::format(
          "TLS with {}: {}", req.url.hostname(),
          s.tls_error_detail().empty() ? ec.message() : std::string(s.tls_error_detail()));
      co_return result_type{ec, nullptr};
    }
  } else {
    // Writes are tried synchronously first (net::stream::async_write): they must never block.
    std::error_code ignored;
    s.socket().non_blocking(true, ignored);
  }
  s.expires_never();
  std::error_code no_peer;
  const tcp::endpoint remote = s.socket().remote_endpoint(no_peer);
  net::tls_session_info session;
  if (options.on_connection) session = s.tls_session();

  start = clock::now();
  auto speaking = speak(std::move(s), req, options, total_deadline);
  auto x = co_await std::move(speaking);
  t.connect += clock::now() - start;
  if (!x) {
    detail = fmt::format("HTTP/2 with {}: {}", host, x.error().message());
    co_return result_type{x.error(), nullptr};
  }
  auto made = std::make_shared<detail::connection>(key, std::move(*x), remote);
  if (options.on_connection) {
    connection_event event;
    event.what = connection_event::stage::connected;
    event.host = host;
    event.port = port;
    event.remote = made->remote();
    event.id = made->id();
    event.tls = std::move(session);
    options.on_connection(event);
  }
  co_return result_type{std::error_code{}, std::move(made)};
}

// The private-address guard: leaves out the addresses that are not public (unless their class
// is allowed). Returns why, when none is left.
std::string client::impl::guard(std::vector<tcp::endpoint>& endpoints) const {
  std::string refused;
  const auto& allowed = options_.allowed_address_classes;
  std::erase_if(endpoints, [&](const tcp::endpoint& e) {
    const net::ip_address a = net::from_asio(e.address());
    if (!net::is_private_or_local(a)) return false;
    const net::address_class c = net::classify(a);
    if (std::find(allowed.begin(), allowed.end(), c) != allowed.end()) return false;
    if (refused.empty()) {
      refused = fmt::format("refusing {} ({}): not a public address", e.address().to_string(),
                            net::to_string(c));
    }
    return true;
  });
  if (!endpoints.empty()) refused.clear();
  return refused;
}

// Whether a connection for `req` may speak HTTP/2: HTTPS unless HTTP/1.1 was asked for, plain
// http by prior knowledge (and not through a forward proxy).
bool client::impl::may_multiplex(const request& req) const noexcept {
  const auto choice = options_.http_version;
  if (req.url.scheme() == "https") return choice != http_version_choice::http1_1;
  return choice == http_version_choice::http2_prior_knowledge && !proxy_;
}

// The protocol on a connected stream: HTTP/2 when ALPN agreed on it (RFC 9113 3.2) or by prior
// knowledge (3.3), its preface and SETTINGS within the connect timeout; HTTP/1.1 else. Errors
// are HTTP/2's (http2_exchange::async_open).
asio::awaitable<result<std::unique_ptr<detail::exchange>>> client::impl::speak(
    net::stream s, const request& req, const fetch_options& options,
    clock::time_point total_deadline) {
  const bool tls_wanted = req.url.scheme() == "https";
  const bool prior_knowledge = options_.http_version == http_version_choice::http2_prior_knowledge;
  const bool http2 = may_multiplex(req) && (s.alpn_protocol() == "h2" || prior_knowledge);
  if (!http2) {
    std::unique_ptr<detail::exchange> x = std::make_unique<detail::http1_exchange>(std::move(s));
    co_return x;
  }
  http2::connection_options ho;
  ho.scheme = tls_wanted ? "https" : "http";
  ho.authority = std::string(req.url.host());
  const phase_bound preface =
      detail::bound_phase(options.timeouts.connect, errc::connect_timeout, total_deadline);
  ho.settings_timeout = std::chrono::ceil<std::chrono::milliseconds>(
      std::min(preface.deadline - clock::now(), clock::duration(std::chrono::seconds(10))));
  auto opening =
      detail::http2_exchange::async_open(std::move(s), std::move(ho), options_.http2_max_streams);
  co_return co_await std::move(opening);
}

// One request and its response on `c`, through the connection's exchange (its protocol), into
// the policy's receiver.
asio::awaitable<detail::exchange_outcome> client::impl::exchange(detail::connection& c,
                                                                 const request& req, response& out,
                                                                 const fetch_options& options,
                                                                 clock::time_point total_deadline,
                                                                 bool follow) {
  const http::request& message = build_request(req);
  const detail::exchange_request r{
      req, message, options.decode_content ? serialize_decoding_ : serialize_identity_, options,
      total_deadline};
  detail::response_receiver rx(out, options, follow, options_.cookies.get(), req.url,
                               decode_scratch_);
  co_return co_await c.exchange().async_exchange(r, rx);
}

asio::awaitable<std::error_code> client::impl::exchange_with_retry(const request& req,
                                                                   response& out,
                                                                   const fetch_options& options,
                                                                   clock::time_point total_deadline,
                                                                   bool follow) {
  const bool may_retry =
      is_idempotent(req.method) && req.body.type() != http::request_body::kind::stream;
  for (int attempt = 0;; ++attempt) {
    out.timing = {};
    const auto queued_at = clock::now();
    pool_key(req, key_scratch_);
    if (may_multiplex(req)) pool_.expect_multiplexing(key_scratch_);
    std::optional<detail::pool::grant> grant = attempt == 0
                                                   ? pool_.try_acquire(key_scratch_, !may_retry)
                                                   : pool_.try_acquire_fresh(key_scratch_);
    lease held(pool_, grant && grant->conn ? std::string() : key_scratch_);
    if (!grant) {
      const auto bound =
          detail::bound_phase(options.timeouts.queue, errc::queue_timeout, total_deadline);
      auto [ec, g] =
          co_await pool_.async_acquire(held.key(), bound.deadline, bound.code, !may_retry);
      if (ec) {
        out.error_detail = describe(ec, req);
        co_return ec;
      }
      grant = std::move(g);
    }
    const bool reused = grant->conn != nullptr;
    if (reused) {
      held.hold(std::move(grant->conn));
    } else {
      held.hold_slot();
    }
    out.timing.queued = clock::now() - queued_at;
    if (!reused) {
      auto [ec, c] =
          co_await open(req, held.key(), out.timing, options, total_deadline, out.error_detail);
      if (ec) {
        if (out.error_detail.empty()) out.error_detail = describe(ec, req);
        co_return ec;
      }
      pool_.count_open();
      pool_.add(c);
      held.hold(std::move(c));
    } else {
      pool_.count_reuse();
    }
    out.reused = reused;
    out.remote = held.get()->remote();
    out.connection_id = held.get()->id();
    auto outcome = co_await exchange(*held.get(), req, out, options, total_deadline, follow);
    held.release(outcome.reusable);  // false after any I/O error
    if (!outcome.error) co_return std::error_code{};
    const bool stopped = co_await cancelled();  // not inside &&: see resolve()
    // A request the server did not process (HTTP/2 GOAWAY or REFUSED_STREAM) goes again on
    // a new connection whatever its method (RFC 9113 8.7); a stale keep-alive connection's
    // idempotent request once.
    const bool stale = reused && may_retry && !outcome.any_response_byte &&
                       !is_timeout(outcome.error) &&
                       outcome.error != asio::error::operation_aborted;
    const bool unprocessed =
        outcome.unprocessed && req.body.type() != http::request_body::kind::stream;
    const bool retry = attempt == 0 && (stale || unprocessed) && !stopped;
    if (!retry) {
      out.error_detail = describe(outcome.error, req);
      co_return outcome.error;
    }
    pool_.count_retry();
  }
}

asio::awaitable<std::error_code> client::impl::fetch(const request& req, response& out,
                                                     const fetch_options& options) {
  out.clear();
  if (proxy_error_) {
    out.error_detail = fmt::format("proxy {}: {}", options_.proxy, proxy_error_.message());
    co_return proxy_error_;
  }
  if (req.url.scheme() != "http" && req.url.scheme() != "https") {
    out.error_detail = describe(errc::unsupported_scheme, req);
    co_return errc::unsupported_scheme;
  }
  const auto start = clock::now();
  const clock::time_point total_deadline = options.timeouts.total.count() > 0
                                               ? start + options.timeouts.total
                                               : clock::time_point::max();
  const request* current = &req;
  std::optional<request> hop;
  for (;;) {
    auto ec = co_await exchange_with_retry(*current, out, options, total_deadline,
                                           options.follow_redirects);
    if (ec) co_return ec;
    out.url.assign(current->url.href());
    if (!options.follow_redirects || !detail::is_redirect_status(out.status)) co_return ec;
    const auto location = out.fields.find("Location");
    if (!location) co_return ec;  // a 3xx without Location is a final response (RFC 9110 15.4)

    auto next = detail::redirect_request(*current, out.status, *location, options);
    if (!next) {
      out.error_detail =
          fmt::format("{} -> {}: {}", current->url.href(), *location, next.error().message());
      co_return next.error();
    }
    redirect_hop h{std::string(current->url.href()),
                   std::string(current->method.name()),
                   out.status,
                   std::string(*location),
                   out.timing,
                   out.reused,
                   out.remote,
                   out.connection_id,
                   out.reason,
                   out.fields};
    const bool loop =
        std::any_of(out.redirects.begin(), out.redirects.end(),
                    [&](const redirect_hop& seen) {
                      return seen.url == next->url.href() && seen.method == next->method.name();
                    }) ||
        (h.url == next->url.href() && h.method == next->method.name());
    out.redirects.push_back(std::move(h));
    if (loop) {
      out.error_detail = fmt::format("redirect loop: {}", chain_text(out, next->url.href()));
      co_return errc::redirect_loop;
    }
    if (out.redirects.size() > options.max_redirects) {
      out.error_detail = fmt::format("more than {} redirects: {}", options.max_redirects,
                                     chain_text(out, next->url.href()));
      co_return errc::too_many_redirects;
    }
    hop = std::move(*next);
    current = &*hop;
  }
}

// ---- client ------------------------------------------------------------------------------

client::client(executor_type executor, client_options options)
    : impl_(std::make_unique<impl>(std::move(executor), nullptr, std::move(options))) {}

client::client(dns::resolver& resolver, client_options options)
    : impl_(std::make_unique<impl>(resolver.get_executor(), &resolver, std::move(options))) {}

client::~client() = default;

client::executor_type client::get_executor() const noexcept {
  return impl_->executor_;
}

const client_options& client::options() const noexcept {
  return impl_->options_;
}

asio::awaitable<std::error_code> client::async_fetch_into(const request& req, response& out,
                                                          const fetch_options& options) {
  return impl_->fetch(req, out, options);
}

asio::awaitable<result<response>> client::async_fetch(request req, fetch_options options) {
  response out;
  auto ec = co_await impl_->fetch(req, out, options);
  if (ec) co_return ec;
  co_return out;
}

asio::awaitable<result<response>> client::async_fetch(request req) {
  return async_fetch(std::move(req), default_fetch_options(impl_->options_));
}

namespace {

// A fetch that failed before it started, as an awaitable.
asio::awaitable<result<response>> failed_fetch(std::error_code ec) {
  co_return ec;
}

}  // namespace

// These are not coroutines: the URL (and the content type) are read now, in the caller's
// expression. A coroutine taking a string_view starts only when awaited, after a temporary the
// caller passed (`c.async_get(base + "/x") || timer...`) would be gone.
asio::awaitable<result<response>> client::async_get(std::string_view target,
                                                    fetch_options options) {
  auto req = request::make(http::method::get, target);
  if (!req) return failed_fetch(req.error());
  return async_fetch(std::move(*req), std::move(options));
}

asio::awaitable<result<response>> client::async_get(std::string_view target) {
  return async_get(target, default_fetch_options(impl_->options_));
}

asio::awaitable<result<response>> client::async_head(std::string_view target,
                                                     fetch_options options) {
  auto req = request::make(http::method::head, target);
  if (!req) return failed_fetch(req.error());
  return async_fetch(std::move(*req), std::move(options));
}

asio::awaitable<result<response>> client::async_post(std::string_view target, std::string body,
                                                     std::string_view content_type,
                                                     fetch_options options) {
  auto req = request::make(http::method::post, target);
  if (!req) return failed_fetch(req.error());
  if (!content_type.empty()) req->fields.add("Content-Type", content_type);
  req->body = http::request_body(std::move(body));
  return async_fetch(std::move(*req), std::move(options));
}

pool_stats client::stats() const noexcept {
  return impl_->pool_.stats();
}

void client::close_idle() noexcept {
  impl_->pool_.close_idle();
}

}  // namespace corofetch::client
