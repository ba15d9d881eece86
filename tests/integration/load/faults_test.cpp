// The load generator's fault suite (issue 16): a broken server at every phase of a response.
// Each fault is counted as its own kind of error for every request sent, the run ends by
// itself within a few times its bound (a hang check, not a timing), and the process then holds
// exactly the file descriptors it held before.
#include <corofetch/load/generator.hpp>

#include "common/descriptors.hpp"
#include "net/scripted_server.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using corofetch::load::error_kind;
using corofetch::load::generator;
using corofetch::load::options;
using corofetch::load::report;
using corofetch::load::target;
using corofetch::test::script;
using corofetch::test::scripted_server;
using namespace std::chrono_literals;

using corofetch::test::open_descriptors;

namespace {

struct fault {
  std::string name;
  script faulty;  // every connection after create()'s probe plays it
  error_kind kind;
};

std::uint64_t total_errors(const report& r) {
  std::uint64_t n = 0;
  for (auto e : r.total.errors) n += e;
  return n;
}

}  // namespace

TEST_CASE("load faults: each its own error kind, the run ends, nothing leaks", "[integration]") {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "X-F: v\r\n";
  const std::vector<fault> faults = {
      {"accepts and never answers", script().expect_until().stall(), error_kind::timeout},
      {"stalls after the head", script().expect_until().send(head).stall(), error_kind::timeout},
      {"slowloris: a byte every 50 ms",
       script().expect_until().send_split(head + "0123456789", 60, 50ms), error_kind::timeout},
      {"resets before a byte", script().expect_until().reset(), error_kind::read},
      {"resets mid-body", script().expect_until().send(head + "01234").reset(), error_kind::read},
      {"closes mid-body", script().expect_until().send(head + "01234").close(), error_kind::read},
      {"closes before a byte", script().expect_until().close(), error_kind::read},
      {"garbage", script().expect_until().send("\x16\x03\x01 garbage\r\n\r\n"),
       error_kind::protocol},
      {"a chunk size past 64 bits",
       script().expect_until().send(
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n"),
       error_kind::protocol},
      {"20,000 field lines", script().expect_until().send("HTTP/1.1 200 OK\r\n" + many + "\r\n"),
       error_kind::protocol},
  };
  for (const auto& f : faults) {
    INFO(f.name);
    const std::size_t before = open_descriptors();
    {
      // create() checks the target answers with one connection of its own: the probe.
      scripted_server server({script(), f.faulty});
      options o;
      o.connections = 1;
      o.threads = 1;
      o.requests = 3;
      o.duration = 0s;
      o.timeout = 300ms;
      target t;
      t.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
      std::string detail;
      auto g = generator::create(o, {t}, &detail);
      INFO(detail);
      REQUIRE(g);
      const auto start = std::chrono::steady_clock::now();
      const report r = (*g)->run();
      const auto took = std::chrono::steady_clock::now() - start;
      CHECK(r.total.requests == 0);
      CHECK(r.total.errors[static_cast<std::size_t>(f.kind)] == 3);
      CHECK(total_errors(r) == 3);
      CHECK(took < 3 * (300ms + 100ms) * 4 + 3s);
    }
    CHECK(open_descriptors() == before);
  }
}
