#include "client/pool.hpp"

#include <algorithm>

#include <asio/experimental/as_tuple.hpp>

namespace corofetch::client::detail {

pool::pool(asio::any_io_executor executor, pool_options options)
    : executor_(std::move(executor)), options_(options) {
  options_.max_per_host = std::max<std::size_t>(options_.max_per_host, 1);
  options_.max_total = std::max<std::size_t>(options_.max_total, 1);
}

pool::~pool() {
  shutdown();
}

std::optional<pool::grant> pool::take(const std::string& key, host_state& host, bool always_check) {
  const auto now = clock::now();
  while (!host.idle.empty()) {
    std::shared_ptr<connection> c = std::move(host.idle.back());
    host.idle.pop_back();
    c->leave_idle();
    const bool check = always_check || now - c->idle_since() >= options_.idle_check_after;
    if (c->is_open() && !(check && c->peer_closed())) return grant{std::move(c)};
    if (c->is_open()) ++stats_.closed_while_idle;
    c->close();
    --host.open;
    --open_;
  }
  if (host.open >= options_.max_per_host) return std::nullopt;
  if (open_ >= options_.max_total && !evict_idle_elsewhere(key)) return std::nullopt;
  ++host.open;
  ++open_;
  return grant{};
}

std::optional<pool::grant> pool::try_acquire(const std::string& key, bool always_check) {
  // Waiters for this origin came first (FIFO); waiters for others were served by the last
  // release already, so what is free now is nothing they could use.
  for (const waiter* w : waiters_) {
    if (*w->key == key) return std::nullopt;
  }
  auto [it, inserted] = hosts_.try_emplace(key);
  return take(key, it->second, always_check);
}

std::optional<pool::grant> pool::try_acquire_fresh(const std::string& key) {
  auto& host = hosts_[key];
  if (host.open >= options_.max_per_host && !host.idle.empty()) close_one(host, 0);
  if (host.open >= options_.max_per_host) return std::nullopt;
  if (open_ >= options_.max_total && !evict_idle_elsewhere(key)) {
    if (host.idle.empty()) return std::nullopt;
    close_one(host, 0);
  }
  ++host.open;
  ++open_;
  return grant{};
}

asio::awaitable<std::pair<std::error_code, pool::grant>> pool::async_acquire(
    const std::string& key, clock::time_point deadline, errc timeout_code, bool always_check) {
  if (auto g = try_acquire(key, always_check)) {
    co_return std::pair{std::error_code{}, std::move(*g)};
  }
  waiter w{&key, always_check, asio::steady_timer(executor_, deadline), std::nullopt, {}};
  waiters_.push_back(&w);
  auto [ec] = co_await w.timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  if (w.granted) co_return std::pair{std::error_code{}, std::move(*w.granted)};
  waiters_.remove(&w);
  if (w.error) co_return std::pair{w.error, grant{}};
  if (!ec) co_return std::pair{std::error_code(timeout_code), grant{}};
  co_return std::pair{std::error_code(asio::error::operation_aborted), grant{}};
}

void pool::serve_waiters() {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    waiter* w = *it;
    auto& host = hosts_[*w->key];
    if (auto g = take(*w->key, host, w->always_check)) {
      w->granted = std::move(*g);
      it = waiters_.erase(it);
      w->timer.cancel();
    } else {
      ++it;
    }
  }
}

void pool::release(std::shared_ptr<connection> c, bool reusable) {
  auto& host = hosts_[c->key()];
  if (reusable && c->is_open()) {
    c->enter_idle(clock::now() + options_.idle_timeout);
    host.idle.push_back(std::move(c));
  } else {
    c->close();
    --host.open;
    --open_;
  }
  serve_waiters();
}

void pool::release_slot(const std::string& key) {
  auto& host = hosts_[key];
  --host.open;
  --open_;
  serve_waiters();
}

void pool::close_one(host_state& host, std::size_t index) {
  host.idle[index]->close();
  host.idle.erase(host.idle.begin() + static_cast<std::ptrdiff_t>(index));
  --host.open;
  --open_;
}

bool pool::evict_idle_elsewhere(const std::string& key) {
  for (auto& [other, host] : hosts_) {
    if (other != key && !host.idle.empty()) {
      close_one(host, 0);  // the least recently used of that origin
      return true;
    }
  }
  return false;
}

void pool::discard_idle(connection& c) {
  auto found = hosts_.find(c.key());
  if (found == hosts_.end()) return;
  auto& idle = found->second.idle;
  for (std::size_t i = 0; i < idle.size(); ++i) {
    if (idle[i].get() == &c) {
      close_one(found->second, i);
      serve_waiters();
      return;
    }
  }
}

void pool::close_idle() noexcept {
  for (auto& [key, host] : hosts_) {
    while (!host.idle.empty()) close_one(host, host.idle.size() - 1);
  }
}

void pool::shutdown() noexcept {
  close_idle();
  for (waiter* w : waiters_) {
    w->error = errc::client_closed;
    w->timer.cancel();
  }
  waiters_.clear();
}

pool_stats pool::stats() const noexcept {
  pool_stats s = stats_;
  s.open = open_;
  s.idle = 0;
  for (const auto& [key, host] : hosts_) s.idle += host.idle.size();
  s.waiting = waiters_.size();
  return s;
}

}  // namespace corofetch::client::detail
