#include "client/pool.hpp"

#include <algorithm>

#include <asio/experimental/as_tuple.hpp>

namespace corofetch::client::detail {

pool::pool(asio::any_io_executor executor, pool_options options)
    : executor_(std::move(executor)), sweep_timer_(executor_), options_(options) {
  options_.max_per_host = std::max<std::size_t>(options_.max_per_host, 1);
  options_.max_total = std::max<std::size_t>(options_.max_total, 1);
}

pool::~pool() {
  shutdown();
}

// A connection that was idle is checked for a close by the server when the request cannot be
// retried, or when it has been idle for idle_check_after.
bool pool::usable_after_idle(connection& c, bool always_check, clock::time_point now) {
  if (!c.is_open()) return false;
  if (!c.idle()) return true;  // a multiplexed connection in use is known to be alive
  const bool check = always_check || now - c.idle_since() >= options_.idle_check_after;
  if (check && c.exchange().broken_while_idle()) {
    ++stats_.closed_while_idle;
    return false;
  }
  return true;
}

std::optional<pool::grant> pool::take_shared(host_state& host, bool always_check) {
  const auto now = clock::now();
  for (std::size_t i = 0; i < host.shared.size();) {
    auto& c = host.shared[i];
    if (!c->has_room()) {
      ++i;
      continue;
    }
    if (!usable_after_idle(*c, always_check, now)) {
      if (c->idle()) {
        c->close();
        host.shared.erase(host.shared.begin() + static_cast<std::ptrdiff_t>(i));
        forget(host);
        continue;
      }
      ++i;
      continue;
    }
    c->begin_exchange();
    return grant{c};
  }
  return std::nullopt;
}

std::optional<pool::grant> pool::take(const std::string& key, host_state& host, bool always_check) {
  if (!host.shared.empty()) {
    if (auto g = take_shared(host, always_check)) return g;
  }
  const auto now = clock::now();
  while (!host.idle.empty()) {
    std::shared_ptr<connection> c = std::move(host.idle.back());
    host.idle.pop_back();
    if (usable_after_idle(*c, always_check, now)) {
      c->begin_exchange();
      return grant{std::move(c)};
    }
    c->close();
    forget(host);
  }
  if (waits_for_opening(host)) return std::nullopt;
  if (host.open >= options_.max_per_host) return std::nullopt;
  if (open_ >= options_.max_total && !evict_idle_elsewhere(key)) return std::nullopt;
  return reserve_slot(host);
}

// The connection being opened to a host that may multiplex may carry this exchange too.
bool pool::waits_for_opening(const host_state& host) noexcept {
  return host.may_multiplex && host.opening > 0;
}

pool::grant pool::reserve_slot(host_state& host) noexcept {
  ++host.open;
  ++open_;
  ++host.opening;
  return grant{};
}

// A slot reserved by reserve_slot() is no longer being opened (its connection came, or not).
void pool::slot_opened(host_state& host) noexcept {
  if (host.opening > 0) --host.opening;
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
  if (waits_for_opening(host)) return std::nullopt;
  if (host.open >= options_.max_per_host && !host.idle.empty()) close_one(host, 0);
  if (host.open >= options_.max_per_host) return std::nullopt;
  if (open_ >= options_.max_total && !evict_idle_elsewhere(key)) {
    if (host.idle.empty()) return std::nullopt;
    close_one(host, 0);
  }
  return reserve_slot(host);
}

void pool::expect_multiplexing(const std::string& key) {
  auto& host = hosts_[key];
  if (!host.one_at_a_time) host.may_multiplex = true;
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

void pool::add(const std::shared_ptr<connection>& c) {
  c->begin_exchange();
  auto& host = hosts_[c->key()];
  slot_opened(host);
  if (c->capacity() > 1) {
    host.shared.push_back(c);
    serve_waiters();  // others for the same origin may share it now
  } else {
    host.one_at_a_time = true;
    if (host.may_multiplex) {
      host.may_multiplex = false;  // it speaks HTTP/1.1: those waiting for it open their own
      serve_waiters();
    }
  }
}

void pool::release(std::shared_ptr<connection> c, bool reusable) {
  auto& host = hosts_[c->key()];
  c->end_exchange();
  const auto in_shared = std::find(host.shared.begin(), host.shared.end(), c);
  if (in_shared != host.shared.end()) {
    if (reusable && c->is_open()) {
      if (c->idle()) arm_sweep(c->idle_since() + options_.idle_timeout);
    } else {
      host.shared.erase(in_shared);  // no new exchanges; closed when its last one ends
      if (c->idle()) {
        c->close();
        forget(host);
      }
    }
  } else if (c->capacity() > 1 && !c->idle()) {
    // A multiplexed connection already taken out of the pool, still draining.
  } else if (reusable && c->is_open() && c->capacity() == 1) {
    arm_sweep(c->idle_since() + options_.idle_timeout);
    host.idle.push_back(std::move(c));
  } else {
    c->close();
    forget(host);
  }
  serve_waiters();
}

void pool::release_slot(const std::string& key) {
  auto& host = hosts_[key];
  slot_opened(host);
  forget(host);
  serve_waiters();
}

// One connection of `host` is gone: its slot is free.
void pool::forget(host_state& host) noexcept {
  --host.open;
  --open_;
  if (open_ == 0 && sweep_pending_) {
    // Nothing left to expire: no timer keeps io_context::run() going.
    sweep_pending_ = false;
    sweep_at_ = clock::time_point::max();
    sweep_timer_.cancel();
  }
}

void pool::close_one(host_state& host, std::size_t index) {
  host.idle[index]->close();
  host.idle.erase(host.idle.begin() + static_cast<std::ptrdiff_t>(index));
  forget(host);
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

void pool::arm_sweep(clock::time_point when) {
  if (sweep_pending_ && sweep_at_ <= when) return;  // fires first, and re-arms then
  sweep_at_ = when;
  sweep_pending_ = true;
  sweep_timer_.expires_at(when);
  sweep_timer_.async_wait([this, weak = std::weak_ptr<char>(life_)](std::error_code ec) {
    if (ec || weak.expired()) return;
    sweep_pending_ = false;
    sweep_at_ = clock::time_point::max();
    sweep();
  });
}

// Closes the connections idle for idle_timeout, and arms the timer for the next one to expire.
void pool::sweep() {
  const auto now = clock::now();
  auto next = clock::time_point::max();
  bool closed = false;
  for (auto& [key, host] : hosts_) {
    for (std::size_t i = 0; i < host.idle.size();) {
      const auto expiry = host.idle[i]->idle_since() + options_.idle_timeout;
      if (expiry <= now) {
        close_one(host, i);
        closed = true;
        continue;
      }
      next = std::min(next, expiry);
      ++i;
    }
    for (std::size_t i = 0; i < host.shared.size();) {
      auto& c = host.shared[i];
      const auto expiry = c->idle_since() + options_.idle_timeout;
      if (c->idle() && expiry <= now) {
        c->close();
        host.shared.erase(host.shared.begin() + static_cast<std::ptrdiff_t>(i));
        forget(host);
        closed = true;
        continue;
      }
      if (c->idle()) next = std::min(next, expiry);
      ++i;
    }
  }
  if (next != clock::time_point::max()) arm_sweep(next);
  if (closed) serve_waiters();
}

void pool::close_idle() noexcept {
  for (auto& [key, host] : hosts_) {
    while (!host.idle.empty()) close_one(host, host.idle.size() - 1);
    for (std::size_t i = 0; i < host.shared.size();) {
      if (host.shared[i]->idle()) {
        host.shared[i]->close();
        host.shared.erase(host.shared.begin() + static_cast<std::ptrdiff_t>(i));
        forget(host);
      } else {
        ++i;
      }
    }
  }
  if (sweep_pending_) {
    sweep_pending_ = false;
    sweep_at_ = clock::time_point::max();
    sweep_timer_.cancel();
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
  for (const auto& [key, host] : hosts_) {
    s.idle += host.idle.size();
    for (const auto& c : host.shared) s.idle += c->idle() ? std::size_t{1} : std::size_t{0};
  }
  s.waiting = waiters_.size();
  return s;
}

}  // namespace corofetch::client::detail
