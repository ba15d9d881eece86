// Soak (issue 16): page-resource fetches through the page loader against a loopback server
// that injects faults at random: of the images it is asked for, FAULT_PERCENT (default 20) get
// a reset, a stall past the client's timeout, garbage, a body cut short or a broken chunk
// size, in equal shares. Every image must end either whole (the exact bytes its path names)
// or with the error its fault causes; the process must end with the descriptors it started
// with, and its memory must stay flat once warmed up (RSS after the first tenth against the
// end). Exit 0 when all holds, 1 with the reason otherwise. Not a CI step.
//   fault_soak [FETCHES] [FAULT_PERCENT]        defaults 100000 20
#include <corofetch/client/client.hpp>
#include <corofetch/client/error.hpp>
#include <corofetch/http/error.hpp>
#include <corofetch/page/loader.hpp>

#include "rss.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/streambuf.hpp>
#include <asio/use_future.hpp>
#include <asio/write.hpp>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>

namespace client = corofetch::client;
namespace http = corofetch::http;
namespace page = corofetch::page;
using namespace std::chrono_literals;

using soak::rss_kib;

namespace {

constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::size_t images_per_page = 100;

std::size_t open_descriptors() {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++n;
  }
  return n;
}

// An image's bytes follow from its path, so the client's copy can be checked.
std::string image_body(std::string_view path) {
  const std::size_t h = std::hash<std::string_view>{}(path);
  std::string body(100 + h % 20000, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((h >> (i % 32)) + i);
  return body;
}

enum class fault : std::uint8_t { none, reset, stall, garbage, truncated, bad_chunk };

struct server_counts {
  std::atomic<std::uint64_t> by_fault[6]{};
};

class chaos_server {
 public:
  chaos_server(unsigned fault_percent, server_counts& counts)
      : acceptor_(io_, {asio::ip::address_v4::loopback(), 0}),
        fault_percent_(fault_percent),
        counts_(counts) {
    asio::co_spawn(io_, accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~chaos_server() {
    asio::post(io_, [this] { io_.stop(); });
    thread_.join();
  }
  chaos_server(const chaos_server&) = delete;
  chaos_server& operator=(const chaos_server&) = delete;
  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::awaitable<void> accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (ec) co_return;
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }

  fault draw() {
    const auto roll = static_cast<unsigned>(rng_() % 100);
    if (roll >= fault_percent_) return fault::none;
    return static_cast<fault>(1 + rng_() % 5);
  }

  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    asio::streambuf in(64 * 1024);
    for (;;) {
      auto [ec, n] = co_await asio::async_read_until(socket, in, "\r\n\r\n", use_tuple);
      if (ec) co_return;
      std::string head(asio::buffers_begin(in.data()),
                       asio::buffers_begin(in.data()) + static_cast<std::ptrdiff_t>(n));
      in.consume(n);
      const auto sp = head.find(' ');
      const std::string path = head.substr(sp + 1, head.find(' ', sp + 1) - sp - 1);
      std::string out;
      fault f = fault::none;
      if (path.starts_with("/page/")) {
        std::string html = "<html><body>";
        for (std::size_t i = 0; i < images_per_page; ++i) {
          html += fmt::format("<img src=\"/img{}-{}.png\">", path.substr(6), i);
        }
        html += "</body></html>";
        out =
            fmt::format("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n",
                        html.size()) +
            html;
      } else {
        f = draw();
        const std::string body = image_body(path);
        const std::string ok =
            fmt::format("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\r\n",
                        body.size());
        switch (f) {
          case fault::none:
            out = ok + body;
            break;
          case fault::garbage:
            out = "\x16\x03\x01 garbage\r\n\r\n";
            break;
          case fault::truncated:
            out = ok + body.substr(0, body.size() / 2);
            break;
          case fault::bad_chunk:
            out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n";
            break;
          default:
            break;
        }
        counts_.by_fault[static_cast<std::size_t>(f)] += 1;
      }
      if (f == fault::reset) {
        socket.set_option(asio::socket_base::linger(true, 0));
        co_return;  // closed with RST
      }
      if (f == fault::stall) {
        asio::steady_timer t(io_, 1s);  // past the client's 200 ms
        co_await t.async_wait(use_tuple);
        co_return;
      }
      auto [wec, w] = co_await asio::async_write(socket, asio::buffer(out), use_tuple);
      (void)w;
      if (wec || f != fault::none) co_return;  // a fault ends the connection
    }
  }

  asio::io_context io_{1};
  asio::ip::tcp::acceptor acceptor_;
  unsigned fault_percent_;
  server_counts& counts_;
  std::minstd_rand rng_{20261208};
  std::thread thread_;
};

struct tally {
  std::uint64_t whole = 0;
  std::uint64_t wrong_bytes = 0;
  std::map<std::string, std::uint64_t> errors;  // by message
  std::uint64_t unexpected = 0;
  std::string first_unexpected;
};

// The errors the server's faults cause (a reset on a reused connection is retried by the
// client and may then meet another fault).
bool expected_error(std::error_code ec) {
  return ec == asio::error::connection_reset || ec == asio::error::eof ||
         ec == client::errc::response_head_timeout || ec == client::errc::body_idle_timeout ||
         ec == http::errc::invalid_status_line || ec == http::errc::truncated ||
         ec == http::errc::empty_response || ec == http::errc::invalid_chunk_size;
}

// Loads pages first, first + step, ... until `pages`, counting what each image became.
asio::awaitable<void> load_pages(page::loader& l, std::uint16_t port, std::size_t first,
                                 std::size_t step, std::size_t pages, tally& t,
                                 std::vector<std::size_t>& rss) {
  for (std::size_t p = first; p < pages; p += step) {
    auto r = co_await l.async_load(fmt::format("http://127.0.0.1:{}/page/{}", port, p));
    if (!r) {
      ++t.unexpected;
      if (t.first_unexpected.empty()) t.first_unexpected = "page: " + r.error().message();
      continue;
    }
    for (const auto& img : r->images) {
      if (!img.error && img.status == 200) {
        const auto path = img.url.substr(img.url.find('/', 8));
        if (img.bytes == image_body(path).size()) {
          ++t.whole;
        } else {
          ++t.wrong_bytes;
        }
        continue;
      }
      ++t.errors[img.error.message()];
      if (!expected_error(img.error)) {
        ++t.unexpected;
        if (t.first_unexpected.empty()) t.first_unexpected = img.url + ": " + img.error.message();
      }
    }
    rss.push_back(rss_kib());
  }
}

// Four pages at a time, one client and one loader: a page waits for its slowest (stalled)
// image, the others keep the connections busy meanwhile.
asio::awaitable<void> run(std::uint16_t port, std::size_t pages, tally& t,
                          std::vector<std::size_t>& rss) {
  using namespace asio::experimental::awaitable_operators;
  auto co = client::client_options{};
  co.resolver.hosts_file = "";
  co.resolver.servers = {"127.0.0.1:9"};
  co.timeouts.response_head = 200ms;
  co.timeouts.body_idle = 200ms;
  client::client c(co_await asio::this_coro::executor, co);
  page::load_options lo;
  lo.concurrency = 64;
  lo.per_host = 64;
  lo.images.timeouts = co.timeouts;
  lo.document.timeouts = co.timeouts;
  page::loader l(c, lo);
  co_await (load_pages(l, port, 0, 4, pages, t, rss) && load_pages(l, port, 1, 4, pages, t, rss) &&
            load_pages(l, port, 2, 4, pages, t, rss) && load_pages(l, port, 3, 4, pages, t, rss));
  c.close_idle();
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t fetches = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const unsigned percent = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 20;
  const std::size_t pages = std::max<std::size_t>(1, fetches / images_per_page);
  const std::size_t fds_before = open_descriptors();
  tally t;
  std::vector<std::size_t> rss;
  server_counts counts;
  const auto start = std::chrono::steady_clock::now();
  {
    chaos_server server(percent, counts);
    asio::io_context io(1);
    auto done = asio::co_spawn(io, run(server.port(), pages, t, rss), asio::use_future);
    io.run();
    done.get();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::size_t fds_after = open_descriptors();
  const std::size_t images = pages * images_per_page;
  std::uint64_t failed = 0;
  for (const auto& [what, n] : t.errors) failed += n;
  fmt::print("fault_soak: {} pages, {} images in {:.1f} s; {}% faults asked\n", pages, images,
             seconds, percent);
  fmt::print("  server: ok {}, reset {}, stall {}, garbage {}, truncated {}, bad chunk {}\n",
             counts.by_fault[0].load(), counts.by_fault[1].load(), counts.by_fault[2].load(),
             counts.by_fault[3].load(), counts.by_fault[4].load(), counts.by_fault[5].load());
  fmt::print("  client: {} whole, {} failed, {} with wrong bytes, {} unexpected\n", t.whole, failed,
             t.wrong_bytes, t.unexpected);
  for (const auto& [what, n] : t.errors) fmt::print("    {:>8}  {}\n", n, what);
  const std::size_t warm = rss.empty() ? 0 : rss[rss.size() / 10];
  const std::size_t last = rss.empty() ? 0 : rss.back();
  fmt::print("  RSS: {} KiB after a tenth, {} KiB at the end; descriptors {} before, {} after\n",
             warm, last, fds_before, fds_after);
  std::string why;
  if (t.whole + failed != images) why = "an image has no outcome";
  if (t.wrong_bytes != 0) why = "an image came back with the wrong bytes";
  if (t.unexpected != 0) why = "unexpected error: " + t.first_unexpected;
  if (fds_after != fds_before) why = "descriptors leaked";
  if (last > warm + warm / 10) why = "memory grew more than 10% after warm-up";
  if (!why.empty()) {
    fmt::print("fault_soak: FAILED: {}\n", why);
    return 1;
  }
  fmt::print("fault_soak: ok\n");
  return 0;
}
