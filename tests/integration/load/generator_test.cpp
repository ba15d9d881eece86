// The load generator against the loopback load_server: exact counts, the open loop's corrected
// latency through a frozen server, reconnection, timeouts, pipelining, stop and warm-up.
#include <corofetch/load/error.hpp>
#include <corofetch/load/generator.hpp>

#include "load/load_server.hpp"

#include <catch2/catch.hpp>

#include <asio/error.hpp>

#include <thread>

using corofetch::load::error_kind;
using corofetch::load::generator;
using corofetch::load::options;
using corofetch::load::report;
using corofetch::load::target;
using corofetch::test::load_server;
using namespace std::chrono_literals;

namespace {

target get(const load_server& server, std::string path = "/") {
  target t;
  t.url = server.url(path);
  return t;
}

std::unique_ptr<generator> make(const options& o, std::vector<target> targets) {
  std::string detail;
  auto g = generator::create(o, std::move(targets), &detail);
  INFO(detail);
  REQUIRE(g);
  return std::move(*g);
}

std::uint64_t errors(const report& r) {
  std::uint64_t n = 0;
  for (auto e : r.total.errors) n += e;
  return n;
}

options count_run(std::size_t connections, std::size_t threads, std::uint64_t requests) {
  options o;
  o.connections = connections;
  o.threads = threads;
  o.requests = requests;
  o.duration = 0s;
  return o;
}

}  // namespace

TEST_CASE("load: -n sends exactly that many requests, spread over every connection",
          "[integration]") {
  load_server server;
  // 5 connections on 2 threads: 3 + 2, none dropped.
  auto g = make(count_run(5, 2, 1001), {get(server)});
  const report r = g->run();
  CHECK(r.total.requests == 1001);
  CHECK(r.total.status.at(200) == 1001);
  CHECK(errors(r) == 0);
  CHECK(r.total.latency.total_count() == 1001);
  CHECK(r.total.uncorrected_latency.total_count() == 1001);
  CHECK(r.total.latency_by_class[1].total_count() == 1001);
  CHECK(r.total.connects == 5);
  REQUIRE(r.threads.size() == 2);
  CHECK(r.threads[0].connects == 3);
  CHECK(r.threads[1].connects == 2);
  CHECK(r.threads[0].requests + r.threads[1].requests == 1001);
  CHECK(server.requests() == 1001);
  CHECK(server.connections() == 5 + 1);  // and create()'s check that the target answers
  CHECK(r.total.in_flight_at_end == 0);
  CHECK(r.total.bytes_read > 1001 * 12);
}

TEST_CASE("load: pipelined requests are answered in order, counts exact", "[integration]") {
  load_server server;
  options o = count_run(3, 1, 3000);
  o.pipeline = 16;
  auto g = make(o, {get(server, "/a"), get(server, "/b")});
  const report r = g->run();
  CHECK(r.total.requests == 3000);
  CHECK(errors(r) == 0);
  CHECK(server.requests("GET", "/a") == 1500);
  CHECK(server.requests("GET", "/b") == 1500);
}

TEST_CASE("load: targets round robin, HEAD and POST bodies, status classes", "[integration]") {
  load_server server;
  target post = get(server, "/things");
  post.method = "POST";
  post.body = std::string(100, 'x');
  post.headers.emplace_back("Content-Type", "text/plain");
  target head = get(server, "/");
  head.method = "HEAD";
  auto g = make(count_run(2, 2, 400),
                {get(server, "/status/404"), post, head, get(server, "/status/503")});
  const report r = g->run();
  CHECK(r.total.requests == 400);
  CHECK(errors(r) == 0);
  CHECK(r.total.status.at(404) == 100);
  CHECK(r.total.status.at(200) == 200);
  CHECK(r.total.status.at(503) == 100);
  CHECK(r.total.latency_by_class[3].total_count() == 100);
  CHECK(r.total.latency_by_class[4].total_count() == 100);
  CHECK(server.requests("POST", "/things") == 100);
  CHECK(server.requests("HEAD", "/") == 100);
  CHECK(server.body_bytes() == 100 * 100);
}

TEST_CASE("load: a server that freezes is charged for every request it held back",
          "[integration]") {
  // 5 s at 400 requests a second on 8 connections; the server answers nothing for 1 s from
  // the 2nd second. A fifth of the requests were meant to go during the freeze: corrected,
  // their latencies spread evenly up to 1 s, so the 99th percentile is near 0.95 s, while
  // the uncorrected one, which only sees the 8 requests on the wire, stays small.
  load_server server;
  options o;
  o.connections = 8;
  o.threads = 2;
  o.rate = 400;
  o.duration = 5s;
  auto g = make(o, {get(server)});
  server.freeze(2s, 1s);
  std::uint64_t interval_counts = 0;
  std::size_t intervals = 0;
  const report r = g->run([&](const corofetch::load::interval& i) {
    interval_counts += i.latency.total_count();
    ++intervals;
  });
  CHECK(errors(r) == 0);
  CHECK(r.total.requests > 1800);
  CHECK(r.total.requests < 2100);
  const auto p99 = r.total.latency.value_at_percentile(99.0);
  const auto p50 = r.total.latency.value_at_percentile(50.0);
  const auto raw_p99 = r.total.uncorrected_latency.value_at_percentile(99.0);
  INFO("corrected p50 " << p50 << " us, p99 " << p99 << " us; uncorrected p99 " << raw_p99);
  CHECK(p99 > 750'000);
  CHECK(p99 < 1'150'000);
  CHECK(raw_p99 < 300'000);
  CHECK(r.total.uncorrected_latency.max() > 800'000);  // the requests caught by the freeze
  CHECK(r.total.max_schedule_lag > 800ms);
  CHECK(intervals >= 5);
  CHECK(intervals <= 6);
  CHECK(interval_counts == r.total.latency.total_count());
  CHECK(r.achieved_rate > 360);
  CHECK(r.achieved_rate < 440);
}

TEST_CASE("load: connections closed by the server are opened again", "[integration]") {
  SECTION("with Connection: close, the requests still waiting are sent again") {
    load_server::options so;
    so.close_after = 10;
    load_server server(so);
    options o = count_run(2, 1, 500);
    o.pipeline = 4;
    auto g = make(o, {get(server)});
    const report r = g->run();
    CHECK(r.total.requests == 500);
    CHECK(errors(r) == 0);
    CHECK(r.total.connects >= 50);
    CHECK(server.answers() == 500);
  }
  SECTION("a body delimited by the close is a complete response (RFC 9112 6.3)") {
    load_server::options so;
    so.close_delimited = true;
    load_server server(so);
    options o = count_run(2, 1, 60);
    o.pipeline = 3;
    auto g = make(o, {get(server)});
    const report r = g->run();
    CHECK(r.total.requests == 60);
    CHECK(errors(r) == 0);
    CHECK(r.total.connects == 60);
    CHECK(r.total.bytes_read ==
          60 * (std::string("HTTP/1.1 200 X\r\nConnection: close\r\n\r\n").size() + 12));
  }
  SECTION("closed silently, the request on the wire is a read error") {
    load_server::options so;
    so.close_after = 10;
    so.silent_close = true;
    load_server server(so);
    auto g = make(count_run(1, 1, 200), {get(server)});
    const report r = g->run();
    const auto lost = r.total.errors[static_cast<std::size_t>(error_kind::read)] +
                      r.total.errors[static_cast<std::size_t>(error_kind::write)];
    CHECK(r.total.requests + lost == 200);
    CHECK(r.total.requests >= 150);
    CHECK(lost >= 10);
    CHECK(r.total.connects >= 15);
  }
}

TEST_CASE("load: a request past the timeout is counted and its connection reopened",
          "[integration]") {
  load_server server;
  options o;
  o.connections = 2;
  o.threads = 1;
  o.duration = 1200ms;
  o.timeout = 300ms;
  auto g = make(o, {get(server, "/hang")});
  const report r = g->run();
  const auto timeouts = r.total.errors[static_cast<std::size_t>(error_kind::timeout)];
  CHECK(timeouts >= 4);
  CHECK(timeouts <= 8);
  CHECK(r.total.requests == 0);
  CHECK(r.total.connects >= 4);
  const auto& waited = r.total.latency_by_error[static_cast<std::size_t>(error_kind::timeout)];
  CHECK(waited.min() >= 300'000);
}

TEST_CASE("load: stop() ends a run early with what it measured", "[integration]") {
  load_server server;
  options o;
  o.connections = 4;
  o.threads = 2;
  o.duration = 30s;
  auto g = make(o, {get(server)});
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    g->stop();
  });
  const auto started = std::chrono::steady_clock::now();
  const report r = g->run();
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(r.interrupted);
  CHECK(r.total.requests > 0);
  CHECK(r.duration < 5s);
}

TEST_CASE("load: the warm-up is sent but left out of the statistics", "[integration]") {
  load_server server;
  options o;
  o.connections = 2;
  o.threads = 1;
  o.warmup = 300ms;
  o.duration = 300ms;
  auto g = make(o, {get(server)});
  const report r = g->run();
  CHECK(r.total.warmup_requests > 0);
  CHECK(r.total.requests > 0);
  CHECK(server.requests() >= r.total.warmup_requests + r.total.requests);
  CHECK(r.total.latency.total_count() == r.total.requests);
  CHECK(r.duration >= 290ms);
  CHECK(r.duration < 600ms);
}

TEST_CASE("load: bad options and unreachable targets are refused before the run", "[integration]") {
  load_server server;
  std::string detail;
  options o;
  o.connections = 1;
  o.threads = 2;
  auto bad = generator::create(o, {get(server)}, &detail);
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == corofetch::load::errc::invalid_options);
  CHECK(detail.find("thread") != std::string::npos);

  o = options{};
  o.pipeline = 0;
  CHECK(generator::create(o, {get(server)}).error() == corofetch::load::errc::invalid_options);
  o = options{};
  o.rate = -1;
  CHECK(generator::create(o, {get(server)}).error() == corofetch::load::errc::invalid_options);
  o = options{};
  CHECK(generator::create(o, {}).error() == corofetch::load::errc::invalid_targets);

  target bad_header = get(server);
  bad_header.headers.emplace_back("X-Bad", "a\r\nb");
  CHECK_FALSE(generator::create(options{}, {bad_header}));

  // Two origins need two connections.
  target other = get(server);
  other.url = "http://127.0.0.2:" + std::to_string(server.port()) + "/";
  o = options{};
  o.connections = 1;
  o.threads = 1;
  CHECK(generator::create(o, {get(server), other}).error() ==
        corofetch::load::errc::invalid_options);

  // Nobody listens on this port once the server is gone.
  std::uint16_t port = 0;
  {
    load_server gone;
    port = gone.port();
  }
  target unreachable;
  unreachable.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto refused = generator::create(options{}, {unreachable}, &detail);
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == asio::error::connection_refused);
  CHECK(detail.find(std::to_string(port)) != std::string::npos);
}
