#pragma once
// Shared helpers of the client's integration tests: canned responses for the scripted server,
// client options that never leave loopback, and a bounded runner.

#include <corofetch/client/client.hpp>

#include "support/client/loopback_options.hpp"
#include "support/net/run.hpp"
#include "support/net/scripted_server.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace cf_client_test {

using namespace std::chrono_literals;
namespace client = corofetch::client;
using corofetch::test::run_coro;
using corofetch::test::script;
using corofetch::test::scripted_server;

/// "HTTP/1.1 <status> <reason>" with Content-Length and `extra` fields ("Name: v\r\n" lines).
inline std::string response_bytes(int status, std::string_view reason, std::string_view body,
                                  std::string_view extra = "") {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += extra;
  r += "\r\n";
  r += body;
  return r;
}

inline std::string ok(std::string_view body, std::string_view extra = "") {
  return response_bytes(200, "OK", body, extra);
}

/// A script serving `n` requests on one connection with the same response.
inline script serve_n(std::size_t n, const std::string& response) {
  script s;
  for (std::size_t i = 0; i < n; ++i) s.expect_until().send(response);
  return s;
}

/// Options whose resolver has no hosts file and a loopback DNS server that refuses: a name a
/// test did not map can never leave the host.
inline client::client_options loopback_options() {
  return corofetch::test::loopback_client_options();
}

/// "http://127.0.0.1:PORT" + path.
inline std::string url_of(const scripted_server& s, std::string_view path = "/",
                          std::string_view scheme = "http", std::string_view host = "127.0.0.1") {
  return std::string(scheme) + "://" + std::string(host) + ":" + std::to_string(s.port()) +
         std::string(path);
}

/// A request, or a failed test.
inline client::request make(const corofetch::http::method& m, const std::string& url) {
  auto r = client::request::make(m, url);
  if (!r) throw std::runtime_error("bad test URL " + url + ": " + r.error().message());
  return std::move(*r);
}

/// The outcome of a fetch as a test inspects it.
struct fetched {
  std::error_code error;
  client::response response;
};

/// Fetches with a client that lives only for this call.
inline fetched fetch_once(const client::request& req, client::fetch_options fo,
                          client::client_options co = loopback_options(),
                          std::chrono::milliseconds limit = 10s) {
  return run_coro(
      [&]() -> asio::awaitable<fetched> {
        client::client c(co_await asio::this_coro::executor, co);
        fetched f;
        f.error = co_await c.async_fetch_into(req, f.response, fo);
        co_return f;
      },
      limit);
}

/// The outcomes of fetching `requests` in order with one client, and its pool counters.
struct sequence_outcome {
  std::vector<fetched> results;
  client::pool_stats stats;
};

inline sequence_outcome fetch_sequence(const std::vector<client::request>& requests,
                                       client::fetch_options fo,
                                       client::client_options co = loopback_options()) {
  return run_coro([&]() -> asio::awaitable<sequence_outcome> {
    client::client c(co_await asio::this_coro::executor, co);
    sequence_outcome o;
    for (const auto& r : requests) {
      fetched f;
      f.error = co_await c.async_fetch_into(r, f.response, fo);
      o.results.push_back(std::move(f));
    }
    o.stats = c.stats();
    co_return o;
  });
}

inline long long ms_since(std::chrono::steady_clock::time_point t) {
  return corofetch::test::elapsed_ms(t);
}

}  // namespace cf_client_test
