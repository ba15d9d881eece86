#pragma once

// Runs a test coroutine on the test's io_context with a bound, for the resolver's integration
// tests against corofetch::test::dns_test_server.

#include <corofetch/dns/resolver.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <dns/dns_test_server.hpp>

#include <chrono>
#include <exception>

namespace corofetch::dns::testing {

/// Runs the coroutine `body()` until it ends (then stops the loop: c-ares' sockets keep it busy)
/// or `limit` passes, which fails the test.
template <class Body>
void run(asio::io_context& io, Body&& body,
         std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(io, std::forward<Body>(body), [&](std::exception_ptr e) {
    error = e;
    done = true;
    io.stop();
  });
  io.run_for(limit);
  io.restart();
  if (error) std::rethrow_exception(error);
  REQUIRE(done);
}

/// Options pointing at the test server, short timeouts, no hosts file.
inline resolver_options options_for(const test::dns_test_server& server) {
  resolver_options o;
  o.servers = {server.endpoint()};
  o.timeout = std::chrono::milliseconds(300);
  o.tries = 1;
  o.hosts_file.clear();
  o.search_domains = std::vector<std::string>{};
  return o;
}

}  // namespace corofetch::dns::testing
