// The client: connects on first use (AUTH, SELECT, CLIENT SETNAME, PING pipelined), sends each
// await's commands on the one connection (pipelined with every other coroutine's), bounds every
// wait, reconnects after a backoff, and with reconnect_for sends a command again once the link
// is back. One connection attempt runs at a time, in its own coroutine, so that cancelling one
// waiting caller never cancels an attempt others wait for.
#include <corofetch/redis/client.hpp>
#include <corofetch/redis/error.hpp>

#include "redis/link.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <utility>

namespace corofetch::redis {

using clock_type = std::chrono::steady_clock;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

struct client::impl : std::enable_shared_from_this<impl> {
  impl(asio::any_io_executor ex, client_options o)
      : executor(std::move(ex)),
        options(std::move(o)),
        backoff(options.backoff_initial),
        connect_signal(
            std::make_shared<asio::steady_timer>(executor, clock_type::time_point::max())) {}

  asio::any_io_executor executor;
  client_options options;
  client_stats stats;
  std::string detail;
  std::shared_ptr<detail::link> link;
  bool connecting = false;
  bool closed = false;
  std::error_code connect_result;
  clock_type::time_point next_attempt{};
  std::chrono::milliseconds backoff;
  std::shared_ptr<asio::steady_timer> connect_signal;  // cancelled when an attempt ends

  void start_connect();
  asio::awaitable<void> connect_attempt();
  asio::awaitable<std::error_code> connect_once();
  asio::awaitable<std::error_code> ensure_connected();
  asio::awaitable<result<std::vector<reply>>> exchange(
      const std::vector<std::vector<std::string>>& commands);
  asio::awaitable<result<std::vector<reply>>> run(
      const std::vector<std::vector<std::string>>& commands);
  void drop_link() noexcept;
};

namespace {

std::vector<std::vector<std::string>> greeting(const client_options& o) {
  std::vector<std::vector<std::string>> c;
  const endpoint& e = o.server;
  if (!e.password.empty()) {
    if (e.username.empty())
      c.push_back({"AUTH", e.password});
    else
      c.push_back({"AUTH", e.username, e.password});
  }
  if (e.db != 0) c.push_back({"SELECT", std::to_string(e.db)});
  if (!o.name.empty()) c.push_back({"CLIENT", "SETNAME", o.name});
  c.push_back({"PING"});
  return c;
}

// RESP error replies that say the server is not ready yet, not that the command is wrong.
bool is_loading(const reply& r) noexcept {
  return r.is_error() && r.text.starts_with("LOADING");
}

bool cancelled(const asio::cancellation_state& state) noexcept {
  return state.cancelled() != asio::cancellation_type::none;
}

}  // namespace

void client::impl::drop_link() noexcept {
  if (link) {
    link->close();
    link.reset();
  }
}

void client::impl::start_connect() {
  connecting = true;
  asio::co_spawn(
      executor, [self = shared_from_this()]() { return self->connect_attempt(); }, asio::detached);
}

asio::awaitable<void> client::impl::connect_attempt() {
  const auto now = clock_type::now();
  if (now < next_attempt) {
    asio::steady_timer wait(executor, next_attempt);
    co_await wait.async_wait(use_tuple);
  }
  std::error_code ec = make_error_code(errc::closed);
  if (!closed) ec = co_await connect_once();
  if (ec) {
    next_attempt = clock_type::now() + backoff;
    backoff = std::min(backoff * 2, options.backoff_max);
  } else {
    backoff = options.backoff_initial;
    next_attempt = {};
  }
  connecting = false;
  connect_result = ec;
  auto signal = std::exchange(connect_signal, std::make_shared<asio::steady_timer>(
                                                  executor, clock_type::time_point::max()));
  signal->cancel();
}

// One connection: TCP, then the greeting's commands, all within connect_timeout.
asio::awaitable<std::error_code> client::impl::connect_once() {
  drop_link();
  auto opened = detail::link::open(executor, options.server, stats, detail);
  if (!opened) co_return opened.error();
  link = *opened;
  const auto commands = greeting(options);
  auto call = std::make_shared<detail::pending_call>(executor);
  for (const auto& c : commands) link->send(c, call);
  call->done.expires_after(options.connect_timeout);
  if (!call->finished) co_await call->done.async_wait(use_tuple);
  if (!call->finished) {
    detail = "no answer within " + std::to_string(options.connect_timeout.count()) + " ms";
    drop_link();
    co_return errc::timeout;
  }
  if (call->error) {
    detail = call->detail;
    drop_link();
    co_return errc::connect_failed;
  }
  for (std::size_t i = 0; i < call->replies.size(); ++i) {
    const reply& r = call->replies[i];
    if (!r.is_error()) continue;
    detail = commands[i][0] + ": " + r.text;
    drop_link();
    co_return is_loading(r) ? errc::loading : errc::auth_failed;
  }
  link->set_ready();
  ++stats.connects;
  co_return std::error_code();
}

asio::awaitable<std::error_code> client::impl::ensure_connected() {
  for (;;) {
    if (closed) co_return errc::closed;
    if (link && link->ready()) co_return std::error_code();
    if (!connecting) start_connect();
    const auto signal = connect_signal;
    co_await signal->async_wait(use_tuple);
    const auto state = co_await asio::this_coro::cancellation_state;
    if (cancelled(state)) co_return asio::error::operation_aborted;
    if (connect_result) co_return connect_result;
  }
}

// The commands once, on the connection there is (made when there is none).
asio::awaitable<result<std::vector<reply>>> client::impl::exchange(
    const std::vector<std::vector<std::string>>& commands) {
  if (const std::error_code ec = co_await ensure_connected()) co_return ec;
  auto call = std::make_shared<detail::pending_call>(executor);
  const std::shared_ptr<detail::link> used = link;
  for (const auto& c : commands) {
    if (!used->send(c, call)) {
      detail = "connection closing";
      co_return errc::disconnected;
    }
  }
  call->done.expires_after(options.command_timeout);
  if (!call->finished) co_await call->done.async_wait(use_tuple);
  if (!call->finished) {
    const auto state = co_await asio::this_coro::cancellation_state;
    if (cancelled(state)) co_return asio::error::operation_aborted;
    detail = "no reply within " + std::to_string(options.command_timeout.count()) + " ms";
    if (link == used) drop_link();
    ++stats.link_losses;
    co_return errc::timeout;
  }
  if (call->error) {
    detail = call->detail;
    if (link == used) {
      drop_link();
      ++stats.link_losses;
    }
    co_return call->error;
  }
  for (const reply& r : call->replies) {
    if (!is_loading(r)) continue;
    // Restarted and still reading its data set: wait a backoff before asking again.
    detail = r.text;
    if (link == used) drop_link();
    next_attempt = clock_type::now() + backoff;
    backoff = std::min(backoff * 2, options.backoff_max);
    co_return errc::loading;
  }
  co_return std::move(call->replies);
}

asio::awaitable<result<std::vector<reply>>> client::impl::run(
    const std::vector<std::vector<std::string>>& commands) {
  const auto give_up = clock_type::now() + options.reconnect_for;
  for (;;) {
    auto r = co_await exchange(commands);
    if (r || !is_link_error(r.error()) || options.reconnect_for.count() <= 0) co_return r;
    if (clock_type::now() >= give_up) {
      detail = "unreachable for " + std::to_string(options.reconnect_for.count()) +
               " ms; last: " + detail;
      co_return errc::unavailable;
    }
    const auto state = co_await asio::this_coro::cancellation_state;
    if (cancelled(state)) co_return asio::error::operation_aborted;
  }
}

client::client(asio::any_io_executor executor, client_options options)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options))) {}

client::~client() {
  impl_->closed = true;
  impl_->drop_link();
}

asio::awaitable<std::error_code> client::async_connect() {
  return impl_->ensure_connected();
}

asio::awaitable<result<reply>> client::async_command(std::vector<std::string> args) {
  std::vector<std::vector<std::string>> commands;
  commands.push_back(std::move(args));
  auto r = co_await impl_->run(commands);
  if (!r) co_return r.error();
  reply& only = r->front();
  if (only.is_error()) {
    impl_->detail = only.text;
    co_return errc::server_error;
  }
  co_return std::move(only);
}

asio::awaitable<result<std::vector<reply>>> client::async_pipeline(
    std::vector<std::vector<std::string>> commands) {
  if (commands.empty()) co_return std::vector<reply>();
  co_return co_await impl_->run(commands);
}

asio::awaitable<result<reply>> client::async_eval(const script& s, std::vector<std::string> keys,
                                                  std::vector<std::string> args) {
  std::vector<std::vector<std::string>> commands(1);
  std::vector<std::string>& c = commands.front();
  c.reserve(3 + keys.size() + args.size());
  c.emplace_back("EVALSHA");
  c.push_back(s.sha1());
  c.push_back(std::to_string(keys.size()));
  for (auto& k : keys) c.push_back(std::move(k));
  for (auto& a : args) c.push_back(std::move(a));
  auto r = co_await impl_->run(commands);
  if (r && r->front().is_error() && r->front().text.starts_with("NOSCRIPT")) {
    ++impl_->stats.noscript;
    c[0] = "EVAL";
    c[1] = s.source();
    r = co_await impl_->run(commands);
  }
  if (!r) co_return r.error();
  reply& only = r->front();
  if (only.is_error()) {
    impl_->detail = only.text;
    co_return errc::server_error;
  }
  co_return std::move(only);
}

void client::disconnect() noexcept {
  impl_->drop_link();
}

bool client::connected() const noexcept {
  return impl_->link && impl_->link->ready();
}

const client_stats& client::stats() const noexcept {
  return impl_->stats;
}

const std::string& client::error_detail() const noexcept {
  return impl_->detail;
}

const client_options& client::options() const noexcept {
  return impl_->options;
}

asio::any_io_executor client::get_executor() const noexcept {
  return impl_->executor;
}

}  // namespace corofetch::redis
