// The client's fault suite (issue 16): a hostile or broken server at every phase of a fetch.
// For each fault: the fetch ends with its own error, within its bound (generous slack: this is
// a hang check, not a timing); the same client then fetches from a healthy server (the pool is
// not poisoned); and once the client and servers are gone, the process holds exactly the file
// descriptors it held before (nothing leaked). Framing faults are replayed with the response
// split in two at every byte: the error does not depend on where the bytes were cut.
#include <corofetch/client/client.hpp>
#include <corofetch/client/error.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/http/error.hpp>

#include "common/descriptors.hpp"
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <zlib.h>
#include <asio/error.hpp>
#include <asio/ip/udp.hpp>

#include <string>
#include <vector>

using namespace cf_client_test;
using corofetch::http::method;
namespace http = corofetch::http;

using corofetch::test::open_descriptors;

namespace {

client::client_options fault_options() {
  auto o = loopback_options();
  o.timeouts.connect = 1s;
  o.timeouts.response_head = 400ms;
  o.timeouts.body_idle = 300ms;
  o.timeouts.total = 3s;
  return o;
}

struct fault {
  std::string name;
  std::vector<script> scripts;  // the faulty server's connections, in order
  std::error_code expected;
  std::chrono::milliseconds bound;  // the phase bound the error must come within
  http::method request_method = method::get;
  std::string request_body;
  client::fetch_options options = client::default_fetch_options(fault_options());
  client::client_options client = fault_options();
};

// The faulty fetch, then a healthy one with the same client (and pool). g++ 12 reports a false
// -Wmismatched-new-delete on Asio's awaitable frame operator delete inlined here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<sequence_outcome> fault_then_healthy(client::client_options co,
                                                     client::request faulty,
                                                     client::request healthy,
                                                     client::fetch_options fo,
                                                     std::chrono::milliseconds* took) {
  client::client c(co_await asio::this_coro::executor, co);
  sequence_outcome o;
  const auto start = std::chrono::steady_clock::now();
  fetched first;
  first.error = co_await c.async_fetch_into(faulty, first.response, fo);
  *took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                start);
  o.results.push_back(std::move(first));
  fetched second;
  second.error = co_await c.async_fetch_into(healthy, second.response, fo);
  o.results.push_back(std::move(second));
  co_return o;
}
#pragma GCC diagnostic pop

// Runs the fault, then a healthy fetch with the same client; checks the error, the bound and
// the descriptors.
void run(fault f) {
  INFO(f.name);
  const std::size_t before = open_descriptors();
  {
    scripted_server bad(f.scripts);
    scripted_server good({serve_n(1, ok("fine"))});
    auto request = make(f.request_method, url_of(bad));
    request.body = f.request_body;
    const auto healthy = make(method::get, url_of(good, "/after"));
    std::chrono::milliseconds took{};
    auto outcome = run_coro(
        [&] { return fault_then_healthy(f.client, request, healthy, f.options, &took); }, 30s);
    INFO(outcome.results[0].error.message());
    CHECK(outcome.results[0].error == f.expected);
    CHECK(took < f.bound * 4 + 3s);
    CHECK_FALSE(outcome.results[1].error);
    CHECK(outcome.results[1].response.body == "fine");
  }
  CHECK(open_descriptors() == before);
}

std::string head(std::string_view extra = "Content-Length: 10\r\n") {
  return "HTTP/1.1 200 OK\r\n" + std::string(extra) + "\r\n";
}

std::string gzip_of(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));  // NOLINT: zlib's API
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT: zlib's API
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("faults at every phase: each its own error, in bound, no leak, the pool unharmed",
          "[integration]") {
  using client::errc;
  std::vector<fault> faults;
  const auto add = [&](std::string name, script s, std::error_code e,
                       std::chrono::milliseconds bound) {
    fault f;
    f.name = std::move(name);
    f.scripts = {std::move(s)};
    f.expected = e;
    f.bound = bound;
    faults.push_back(std::move(f));
  };
  add("accepts and never answers", script().expect_until().stall(), errc::response_head_timeout,
      400ms);
  add("slowloris head: a byte every 20 ms",
      script().expect_until().send_split(head() + "0123456789", 60, 20ms),
      errc::response_head_timeout, 400ms);
  add("stalls after the head", script().expect_until().send(head()).stall(),
      errc::body_idle_timeout, 300ms);
  add("stalls mid-body", script().expect_until().send(head() + "0123").stall(),
      errc::body_idle_timeout, 300ms);
  add("slowloris body: within body_idle, past the total",
      script()
          .expect_until()
          .send(head("Content-Length: 200\r\n"))
          .send_split(std::string(200, 'b'), 200, 25ms),
      errc::total_timeout, 3000ms);
  add("resets before the head", script().expect_until().reset(), asio::error::connection_reset,
      400ms);
  add("resets mid-head", script().expect_until().send("HTTP/1.1 200 OK\r\nContent-").reset(),
      asio::error::connection_reset, 400ms);
  add("resets mid-body", script().expect_until().send(head() + "01234").reset(),
      asio::error::connection_reset, 300ms);
  add("closes mid-body", script().expect_until().send(head() + "01234").close(),
      http::errc::truncated, 300ms);
  add("closes before a byte", script().expect_until().close(), http::errc::empty_response, 400ms);
  add("garbage", script().expect_until().send("\x16\x03\x01 garbage\r\n\r\n"),
      http::errc::invalid_status_line, 400ms);
  add("a 1 MiB field line",
      script().expect_until().send(head("X-Long: " + std::string(1 << 20, 'l') + "\r\n")),
      http::errc::head_too_large, 400ms);  // the head's bound (64 KiB) comes first
  {
    std::string many;
    for (int i = 0; i < 100000; ++i) many += "X-F: v\r\n";
    add("100,000 header lines", script().expect_until().send(head(many)),
        http::errc::head_too_large, 400ms);
  }
  add("chunk size past 64 bits",
      script().expect_until().send(head("Transfer-Encoding: chunked\r\n") +
                                   "1ffffffffffffffff\r\nx\r\n0\r\n\r\n"),
      http::errc::invalid_chunk_size, 400ms);
  {
    // Endless chunks: 2 MiB of 1 KiB chunks against a 1 MiB bound.
    std::string chunks;
    for (int i = 0; i < 2048; ++i) chunks += "400\r\n" + std::string(1024, 'c') + "\r\n";
    fault f;
    f.name = "an endless chunked body";
    f.scripts = {script().expect_until().send(head("Transfer-Encoding: chunked\r\n") + chunks)};
    f.expected = errc::body_too_large;
    f.bound = 3000ms;
    f.options.max_body_bytes = 1 << 20;
    faults.push_back(std::move(f));
  }
  {
    const std::string bomb = gzip_of(std::string(std::size_t{64} << 20U, '\0'));  // ~64 KiB
    fault f;
    f.name = "a gzip bomb: 64 MiB of zeros in 64 KiB";
    f.scripts = {script().expect_until().send(
        head("Content-Encoding: gzip\r\nContent-Length: " + std::to_string(bomb.size()) + "\r\n") +
        bomb)};
    f.expected = http::errc::decoded_too_large;
    f.bound = 3000ms;
    f.options.max_decoded_bytes = 1 << 20;
    faults.push_back(std::move(f));
  }
  {
    script s;
    for (int i = 0; i < 30; ++i) {
      s.expect_until().send(
          response_bytes(302, "Found", "", "Location: /r" + std::to_string(i) + "\r\n"));
    }
    fault f;
    f.name = "1,000 redirects (stopped at the 10th)";
    f.scripts = {s};
    f.expected = errc::too_many_redirects;
    f.bound = 3000ms;
    f.options.follow_redirects = true;
    faults.push_back(std::move(f));
  }
  {
    fault f;
    f.name = "a redirect to file:";
    f.scripts = {script().expect_until().send(
        response_bytes(302, "Found", "", "Location: file:///etc/passwd\r\n"))};
    f.expected = errc::invalid_redirect;
    f.bound = 400ms;
    f.options.follow_redirects = true;
    faults.push_back(std::move(f));
  }
  {
    fault f;
    f.name = "a redirect to a private address, the guard on";
    f.scripts = {script().expect_until().send(
        response_bytes(302, "Found", "", "Location: http://10.1.2.3/inside\r\n"))};
    f.expected = errc::address_refused;
    f.bound = 400ms;
    f.options.follow_redirects = true;
    f.client.public_addresses_only = true;
    f.client.allowed_address_classes = {corofetch::net::address_class::loopback};
    faults.push_back(std::move(f));
  }
  {
    // The server reads the head and then a byte a second: the 8 MiB body cannot be written.
    fault f;
    f.name = "a server that stops reading a large request body";
    f.scripts = {script().expect_until().read_slowly(1, 1000ms, 100)};
    f.request_method = method::post;
    f.request_body = std::string(std::size_t{8} << 20U, 'u');
    f.expected = errc::response_head_timeout;
    f.bound = 400ms;
    faults.push_back(std::move(f));
  }
  for (auto& f : faults) run(std::move(f));
}

TEST_CASE("a refused port and a silent DNS server: their own errors, in bound, no leak",
          "[integration]") {
  const std::size_t before = open_descriptors();
  std::uint16_t closed_port = 0;
  {
    scripted_server gone({script()});
    closed_port = gone.port();
  }
  {
    // A UDP socket that never answers stands for a DNS server that times out.
    asio::io_context io;
    asio::ip::udp::socket silent(io, {asio::ip::address_v4::loopback(), 0});
    auto o = fault_options();
    o.resolver.servers = {"127.0.0.1:" + std::to_string(silent.local_endpoint().port())};
    o.resolver.timeout = 200ms;
    o.resolver.tries = 1;
    o.timeouts.resolve = 1s;
    const auto refused =
        fetch_once(make(method::get, "http://127.0.0.1:" + std::to_string(closed_port) + "/"),
                   client::default_fetch_options(o), o);
    CHECK(refused.error == asio::error::connection_refused);
    const auto start = std::chrono::steady_clock::now();
    const auto unresolved =
        fetch_once(make(method::get, "http://silent.test/"), client::default_fetch_options(o), o);
    INFO(unresolved.error.message());
    CHECK(unresolved.error == corofetch::dns::errc::timeout);
    CHECK(ms_since(start) < 1000 * 4 + 3000);
  }
  CHECK(open_descriptors() == before);
}

TEST_CASE("framing faults split at every byte: the same error wherever the cut", "[integration]") {
  const std::vector<std::pair<std::string, std::error_code>> cases = {
      {head("Transfer-Encoding: chunked\r\n") + "1ffffffffffffffff\r\nx\r\n0\r\n\r\n",
       http::errc::invalid_chunk_size},
      {head("Content-Length: 5\r\nContent-Length: 6\r\n") + "hello",
       http::errc::conflicting_content_length},
      {head("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n",
       http::errc::content_length_with_transfer_encoding},
      {"HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n", http::errc::invalid_header},
      {"HTTP/1.1 200 OK\r\nX-A: a\r\n folded\r\nContent-Length: 0\r\n\r\n",
       http::errc::obsolete_line_folding},
  };
  for (const auto& [bytes, expected] : cases) {
    std::vector<script> scripts;
    std::vector<client::request> requests;
    for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
      scripts.push_back(
          script().expect_until().send(bytes.substr(0, cut)).delay(2ms).send(bytes.substr(cut)));
    }
    scripted_server server(scripts);
    for (std::size_t i = 0; i < scripts.size(); ++i) {
      requests.push_back(make(method::get, url_of(server)));
    }
    const auto outcome =
        fetch_sequence(requests, client::default_fetch_options(fault_options()), fault_options());
    for (std::size_t i = 0; i < outcome.results.size(); ++i) {
      INFO(bytes.substr(0, i + 1) << " | " << bytes.substr(i + 1));
      INFO(outcome.results[i].error.message());
      CHECK(outcome.results[i].error == expected);
    }
  }
}
