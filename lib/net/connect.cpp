#include <corofetch/net/connect.hpp>

#include <algorithm>
#include <memory>
#include <optional>

#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace corofetch::net {
namespace {

using asio::ip::tcp;
using clock = std::chrono::steady_clock;

// The shared state of one Happy Eyeballs race. Everything here runs on `strand`: the race
// coroutine and the completion handlers of the attempts, which hold the state alive until the
// last closed attempt has reported back.
class race : public std::enable_shared_from_this<race> {
 public:
  race(asio::any_io_executor executor, std::vector<tcp::endpoint> endpoints,
       const connect_options& options)
      : executor_(std::move(executor)),
        strand_(asio::make_strand(executor_)),
        wake_(strand_),
        endpoints_(std::move(endpoints)),
        options_(options) {
    attempts_.reserve(endpoints_.size());
  }

  [[nodiscard]] const asio::strand<asio::any_io_executor>& strand() const { return strand_; }
  std::optional<tcp::socket>& winner_socket() { return winner_socket_; }

  asio::awaitable<std::error_code> run() {
    const auto self = shared_from_this();  // alive until the race is over, whoever waits
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    const auto deadline =
        options_.timeout.count() > 0 ? clock::now() + options_.timeout : clock::time_point::max();
    start_next_attempt();
    while (!winner_) {
      const bool more = next_ < endpoints_.size();
      if (in_flight_ == 0 && !more) co_return finish(last_error_);
      const auto now = clock::now();
      if (now >= deadline) co_return finish(errc::connect_timeout);
      const auto next_start = last_start_ + options_.attempt_delay;
      if (more && (last_attempt_failed_ || now >= next_start)) {
        start_next_attempt();
        continue;
      }
      wake_.expires_at(more ? std::min(deadline, next_start) : deadline);
      co_await wake_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
      auto state = co_await asio::this_coro::cancellation_state;
      if (state.cancelled() != asio::cancellation_type::none) {
        co_return finish(asio::error::operation_aborted);
      }
    }
    co_return finish_with_winner();
  }

 private:
  struct attempt {
    tcp::socket socket;
  };

  void start_next_attempt() {
    const std::size_t index = next_++;
    last_start_ = clock::now();
    last_attempt_failed_ = false;
    attempts_.push_back(attempt{tcp::socket(executor_)});
    auto& socket = attempts_.back().socket;
    std::error_code ec;
    socket.open(endpoints_[index].protocol(), ec);  // EAFNOSUPPORT without IPv6, EMFILE
    if (ec) {
      last_error_ = ec;
      last_attempt_failed_ = true;
      return;
    }
    ++in_flight_;
    socket.async_connect(endpoints_[index],
                         asio::bind_executor(strand_, [self = shared_from_this(),
                                                       index](const std::error_code& result) {
                           self->on_attempt_done(index, result);
                         }));
  }

  void on_attempt_done(std::size_t index, const std::error_code& ec) {
    --in_flight_;
    if (finished_) return;  // a loser reporting its close
    if (!ec) {
      winner_ = index;
    } else {
      last_error_ = ec;
      if (index + 1 == next_) last_attempt_failed_ = true;
    }
    wake_.cancel();
  }

  std::error_code finish(std::error_code ec) {
    finished_ = true;
    close_all_but(endpoints_.size());
    wake_.cancel();
    return ec;
  }

  std::error_code finish_with_winner() {
    auto& socket = attempts_[*winner_].socket;
    std::error_code ec;
    if (options_.no_delay) socket.set_option(tcp::no_delay(true), ec);
    if (ec) return finish(ec);
    finished_ = true;
    close_all_but(*winner_);
    winner_socket_.emplace(std::move(socket));
    return {};
  }

  void close_all_but(std::size_t keep) {
    for (std::size_t i = 0; i < attempts_.size(); ++i) {
      if (i == keep) continue;
      std::error_code ignored;
      attempts_[i].socket.close(ignored);
    }
  }

  asio::any_io_executor executor_;
  asio::strand<asio::any_io_executor> strand_;
  asio::steady_timer wake_;
  std::vector<tcp::endpoint> endpoints_;
  std::vector<attempt> attempts_;
  connect_options options_;
  std::size_t next_ = 0;
  std::size_t in_flight_ = 0;
  std::optional<std::size_t> winner_;
  std::optional<tcp::socket> winner_socket_;
  std::error_code last_error_;
  clock::time_point last_start_{};
  bool last_attempt_failed_ = false;
  bool finished_ = false;
};

}  // namespace

std::vector<tcp::endpoint> happy_eyeballs_order(std::span<const tcp::endpoint> endpoints) {
  std::vector<tcp::endpoint> v6;
  std::vector<tcp::endpoint> v4;
  for (const auto& e : endpoints) (e.address().is_v6() ? v6 : v4).push_back(e);
  std::vector<tcp::endpoint> out;
  out.reserve(endpoints.size());
  for (std::size_t i = 0; i < std::max(v6.size(), v4.size()); ++i) {
    if (i < v6.size()) out.push_back(v6[i]);
    if (i < v4.size()) out.push_back(v4[i]);
  }
  return out;
}

asio::awaitable<result<tcp::socket>> async_connect(asio::any_io_executor executor,
                                                   std::span<const tcp::endpoint> endpoints,
                                                   connect_options options) {
  if (endpoints.empty()) co_return errc::no_endpoints;
  auto order = options.interleave_families
                   ? happy_eyeballs_order(endpoints)
                   : std::vector<tcp::endpoint>(endpoints.begin(), endpoints.end());
  auto state = std::make_shared<race>(std::move(executor), std::move(order), options);
  const std::error_code ec =
      co_await asio::co_spawn(state->strand(), state->run(), asio::use_awaitable);
  if (ec) co_return ec;
  co_return std::move(*state->winner_socket());
}

}  // namespace corofetch::net
