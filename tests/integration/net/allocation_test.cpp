// Steady-state reads and writes through net::stream must not touch the heap: the HTTP client
// does one of each per keep-alive request, and the target is at most one allocation per
// request. Counts operator new on the client thread only (the scripted server has its own).
#include <corofetch/net/connect.hpp>
#include <corofetch/net/stream.hpp>

#include "support/net/run.hpp"
#include "support/net/scripted_server.hpp"
#include "support/net/test_pki.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>

#include <catch2/catch.hpp>

// Counting needs the real allocator: ASan replaces operator new itself (and would report the
// malloc/free pairs below as mismatched), so under ASan this file compiles to nothing.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CF_NET_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CF_NET_UNDER_ASAN 1
#endif

#if !defined(CF_NET_UNDER_ASAN)

#include <array>
#include <cstdlib>
#include <new>
#include <string>

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
}  // namespace

// The replacements below pair malloc with free; g++ cannot see that they replace the global
// operators and warns where Asio's inlined code deletes what it newed.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

using asio::ip::tcp;
using corofetch::net::io_result;
using corofetch::net::stream;
using corofetch::test::run_coro;
using corofetch::test::script;
using corofetch::test::scripted_server;

namespace {

constexpr int warm_up = 50;
constexpr int measured = 200;

script ping_pong_many() {
  script s;
  for (int i = 0; i < warm_up + measured; ++i) s.expect_until("\n").send("pong\n");
  return s;
}

// One read, bounded by a timer through operator|| when `deadline` (how the client bounds a
// body-idle wait), else unbounded.
asio::awaitable<io_result> read_some(stream& s, asio::mutable_buffer buffer, bool deadline) {
  if (!deadline) co_return co_await s.async_read_some(buffer);
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(s.get_executor(), std::chrono::seconds(5));
  auto first = co_await (s.async_read_some(buffer) ||
                         timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable)));
  if (first.index() == 1) co_return io_result{asio::error::timed_out, 0};
  co_return std::get<0>(first);
}

// Does warm_up + measured ping/pong exchanges and returns the allocations of the measured ones.
std::size_t count_exchange_allocations(const scripted_server& server,
                                       const corofetch::net::tls_context* tls,
                                       bool deadline = false) {
  return run_coro([&]() -> asio::awaitable<std::size_t> {
    auto ex = co_await asio::this_coro::executor;
    const std::array<tcp::endpoint, 1> endpoints{server.endpoint()};
    auto socket = co_await corofetch::net::async_connect(ex, endpoints);
    REQUIRE(socket.has_value());
    stream s = tls != nullptr ? stream(std::move(socket.value()), *tls)
                              : stream(std::move(socket.value()));
    const auto handshake = co_await s.async_handshake("localhost", std::chrono::seconds(5));
    REQUIRE_FALSE(handshake);
    const std::string ping = "ping\n";
    std::array<char, 64> buffer{};
    for (int i = 0; i < warm_up + measured; ++i) {
      if (i == warm_up) counting = true;
      const io_result w = co_await s.async_write(asio::buffer(ping));
      if (w.error) break;
      std::size_t got = 0;
      while (got < 5) {
        const io_result r =
            co_await read_some(s, asio::buffer(buffer.data() + got, 5 - got), deadline);
        if (r.error) break;
        got += r.bytes;
      }
      if (got != 5) break;
    }
    counting = false;
    co_return allocations;
  });
}

}  // namespace

TEST_CASE("steady-state plain reads and writes allocate nothing", "[integration]") {
  scripted_server server({ping_pong_many()});
  allocations = 0;
  CHECK(count_exchange_allocations(server, nullptr) == 0);
  CHECK(server.received(0).size() == 5 * (warm_up + measured));
}

TEST_CASE("steady-state reads raced against a timer: allocations per read", "[integration]") {
  // operator|| (a parallel_group of two co_spawned awaitables) stays within Asio's recycled
  // blocks with g++ 12; clang 14 lays out larger frames, and one of them exceeds what Asio 1.22
  // recycles (about 1 KiB): one allocation per read. A per-connection watchdog timer avoids it.
#if defined(__clang__)
  constexpr std::size_t expected = measured;
#else
  constexpr std::size_t expected = 0;
#endif
  scripted_server server({ping_pong_many()});
  allocations = 0;
  CHECK(count_exchange_allocations(server, nullptr, true) == expected);
  CHECK(server.received(0).size() == 5 * (warm_up + measured));
}

TEST_CASE("steady-state TLS reads and writes allocate nothing", "[integration]") {
  const auto& pki = corofetch::test::shared_pki();
  scripted_server server({ping_pong_many()},
                         scripted_server::options::tls(pki.server().cert, pki.server().key));
  corofetch::net::tls_options options;
  options.ca_file = pki.ca_file().string();
  auto tls = corofetch::net::tls_context::create(options);
  REQUIRE(tls.has_value());
  allocations = 0;
  CHECK(count_exchange_allocations(server, &tls.value()) == 0);
  CHECK(server.received(0).size() == 5 * (warm_up + measured));
}

TEST_CASE("the allocation counter sees allocations on this thread", "[integration]") {
  allocations = 0;
  counting = true;
  auto* p = new std::string(100, 'x');  // beyond the small-string buffer: two allocations
  counting = false;
  delete p;
  CHECK(allocations == 2);
}

#endif  // !defined(CF_NET_UNDER_ASAN)
