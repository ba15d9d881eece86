#include <corofetch/net/connect.hpp>

#include "support/net/run.hpp"
#include "support/net/scripted_server.hpp"

#include <catch2/catch.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>

#include <array>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using asio::ip::tcp;
using corofetch::net::async_connect;
using corofetch::net::connect_options;
using corofetch::net::errc;
using corofetch::test::blackhole_listener;
using corofetch::test::elapsed_ms;
using corofetch::test::refusing_port;
using corofetch::test::run_coro;
using corofetch::test::script;
using corofetch::test::scripted_server;

namespace {

// What a connect gave: the error, or the peer and whether TCP_NODELAY is on.
struct outcome {
  std::error_code error;
  tcp::endpoint peer;
  bool no_delay = false;
  long long ms = 0;
};

outcome connect_to(std::vector<tcp::endpoint> endpoints, connect_options options = {}) {
  return run_coro([&]() -> asio::awaitable<outcome> {
    const auto start = std::chrono::steady_clock::now();
    auto ex = co_await asio::this_coro::executor;
    auto socket = co_await async_connect(ex, endpoints, options);
    outcome out;
    out.ms = elapsed_ms(start);
    if (!socket) {
      out.error = socket.error();
      co_return out;
    }
    out.peer = socket.value().remote_endpoint();
    tcp::no_delay option;
    socket.value().get_option(option);
    out.no_delay = option.value();
    co_return out;
  });
}

script hold_open() {
  return script().stall();
}

// Sockets in SYN-SENT toward a loopback port (/proc/net/tcp): connect attempts still running.
// A pending attempt that was closed leaves the table at once.
std::size_t syn_sent_to(std::uint16_t port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the header
  std::size_t n = 0;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    const auto colon = remote.find(':');
    if (colon == std::string::npos) continue;
    const auto remote_port = std::stoul(remote.substr(colon + 1), nullptr, 16);
    if (remote_port == port && state == "02") ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("connects to a listening loopback server with TCP_NODELAY", "[integration]") {
  scripted_server server({hold_open()});
  const auto result = connect_to({server.endpoint()});
  REQUIRE_FALSE(result.error);
  CHECK(result.peer == server.endpoint());
  CHECK(result.no_delay);

  connect_options no_nagle_off;
  no_nagle_off.no_delay = false;
  CHECK_FALSE(connect_to({server.endpoint()}, no_nagle_off).no_delay);
}

TEST_CASE("no endpoints is an error of its own", "[integration]") {
  CHECK(connect_to({}).error == errc::no_endpoints);
}

TEST_CASE("a refused first address falls to the next at once", "[integration]") {
  refusing_port refused;
  scripted_server server({hold_open()});
  const auto result = connect_to({refused.endpoint(), server.endpoint()});
  REQUIRE_FALSE(result.error);
  CHECK(result.peer == server.endpoint());
  CHECK(result.ms < 200);  // on failure, not after the 250 ms attempt delay
}

TEST_CASE("every address refused gives the refusal", "[integration]") {
  refusing_port first;
  refusing_port second;
  const auto result = connect_to({first.endpoint(), second.endpoint()});
  CHECK(result.error == asio::error::connection_refused);
  CHECK(result.ms < 200);
}

TEST_CASE("a blackholed first address starts the next after the attempt delay", "[integration]") {
  blackhole_listener blackhole;
  scripted_server server({hold_open()});
  SECTION("the RFC 8305 default of 250 ms") {
    const auto result = connect_to({blackhole.endpoint(), server.endpoint()});
    REQUIRE_FALSE(result.error);
    CHECK(result.peer == server.endpoint());
    CHECK(result.ms >= 245);
    CHECK(result.ms < 250 + 150);
  }
  SECTION("a configured delay of 80 ms") {
    connect_options options;
    options.attempt_delay = 80ms;
    const auto result = connect_to({blackhole.endpoint(), server.endpoint()}, options);
    REQUIRE_FALSE(result.error);
    CHECK(result.ms >= 75);
    CHECK(result.ms < 80 + 150);
  }
}

TEST_CASE("IPv6 goes first, and a blackholed IPv6 falls back to IPv4", "[integration]") {
  SECTION("both answer: the IPv6 address wins although listed second") {
    scripted_server v4({hold_open()});
    scripted_server v6({hold_open()}, scripted_server::options::loopback_v6());
    const auto result = connect_to({v4.endpoint(), v6.endpoint()});
    REQUIRE_FALSE(result.error);
    CHECK(result.peer == v6.endpoint());
    std::this_thread::sleep_for(50ms);
    CHECK(v4.accepted() == 0);  // the IPv4 attempt never started
  }
  SECTION("IPv6 blackholed: IPv4 connects after the delay") {
    blackhole_listener v6_blackhole(true);
    scripted_server v4({hold_open()});
    const auto result = connect_to({v4.endpoint(), v6_blackhole.endpoint()});
    REQUIRE_FALSE(result.error);
    CHECK(result.peer == v4.endpoint());
    CHECK(result.ms >= 245);
    CHECK(result.ms < 400);
  }
  SECTION("interleaving off keeps the given order") {
    scripted_server v4({hold_open()});
    scripted_server v6({hold_open()}, scripted_server::options::loopback_v6());
    connect_options options;
    options.interleave_families = false;
    CHECK(connect_to({v4.endpoint(), v6.endpoint()}, options).peer == v4.endpoint());
  }
}

TEST_CASE("the connect timeout ends every attempt with its own error", "[integration]") {
  blackhole_listener first;
  blackhole_listener second;
  connect_options options;
  options.timeout = 300ms;
  options.attempt_delay = 100ms;
  const auto result = connect_to({first.endpoint(), second.endpoint()}, options);
  CHECK(result.error == errc::connect_timeout);
  CHECK(result.ms >= 295);
  CHECK(result.ms < 300 + 150);
}

TEST_CASE("cancellation through the awaiting coroutine's slot", "[integration]") {
  blackhole_listener blackhole;
  SECTION("a cancellation signal aborts the connect") {
    asio::io_context io(1);
    asio::cancellation_signal signal;
    std::error_code result;
    bool done = false;
    const auto start = std::chrono::steady_clock::now();
    const std::vector<tcp::endpoint> endpoints{blackhole.endpoint()};
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<std::error_code> {
          auto socket = co_await async_connect(io.get_executor(), endpoints);
          co_return socket.error();
        },
        asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr, std::error_code ec) {
          result = ec;
          done = true;
        }));
    asio::steady_timer timer(io, 100ms);
    timer.async_wait([&](std::error_code) { signal.emit(asio::cancellation_type::terminal); });
    io.run_for(5s);
    REQUIRE(done);
    CHECK(result == asio::error::operation_aborted);
    CHECK(elapsed_ms(start) < 100 + 150);
  }
  SECTION("racing a timer with operator|| cancels the connect") {
    const auto ms = run_coro([&]() -> asio::awaitable<long long> {
      using namespace asio::experimental::awaitable_operators;
      const auto start = std::chrono::steady_clock::now();
      auto ex = co_await asio::this_coro::executor;
      const std::vector<tcp::endpoint> endpoints{blackhole.endpoint()};
      asio::steady_timer timer(ex, 100ms);
      auto which = co_await ([&]() -> asio::awaitable<std::error_code> {
        co_return (co_await async_connect(ex, endpoints)).error();
      }() || timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable)));
      CHECK(which.index() == 1);
      co_return elapsed_ms(start);
    });
    CHECK(ms < 100 + 150);
  }
}

TEST_CASE("the socket comes back on the executor given, run by other threads", "[integration]") {
  scripted_server server({hold_open()});
  asio::io_context other(2);
  auto guard = asio::make_work_guard(other);
  std::thread t1([&] { other.run(); });
  std::thread t2([&] { other.run(); });
  const std::vector<tcp::endpoint> endpoints{server.endpoint()};
  bool same = false;
  for (int i = 0; i < 20; ++i) {
    same = run_coro([&]() -> asio::awaitable<bool> {
      auto socket = co_await async_connect(other.get_executor(), endpoints);
      co_return socket&& socket.value().get_executor() ==
          asio::any_io_executor(other.get_executor());
    });
    if (!same) break;
  }
  guard.reset();
  other.stop();
  t1.join();
  t2.join();
  CHECK(same);
  CHECK(server.wait_accepted(20, 2s));
  CHECK(server.accepted() == 20);
}

TEST_CASE("the losing attempts are closed when one wins or time runs out", "[integration]") {
  blackhole_listener first;
  blackhole_listener second;
  scripted_server server({hold_open()});
  const std::size_t before = syn_sent_to(first.endpoint().port());  // the listener's own filler
  CHECK(syn_sent_to(second.endpoint().port()) == before);
  const auto after = run_coro([&]() -> asio::awaitable<std::array<std::size_t, 4>> {
    auto ex = co_await asio::this_coro::executor;
    connect_options options;
    options.attempt_delay = 30ms;
    options.interleave_families = false;
    const std::vector<tcp::endpoint> race{first.endpoint(), second.endpoint(), server.endpoint()};
    std::array<std::size_t, 4> out{};
    {
      auto socket = co_await async_connect(ex, race, options);
      CHECK(socket.has_value());
      out[0] = syn_sent_to(first.endpoint().port());
      out[1] = syn_sent_to(second.endpoint().port());
    }
    options.timeout = 100ms;
    const std::vector<tcp::endpoint> lost{first.endpoint(), second.endpoint()};
    auto socket = co_await async_connect(ex, lost, options);
    CHECK(socket.error() == errc::connect_timeout);
    out[2] = syn_sent_to(first.endpoint().port());
    out[3] = syn_sent_to(second.endpoint().port());
    co_return out;
  });
  for (const auto n : after) CHECK(n == before);
}
