// bench_crawl_origin: a web site under many host names whose every answer waits a fixed time,
// for the crawl benchmark's politeness-bound part (a crawler allowed N requests at once per
// host can do no better than pages / (hosts * N) * delay). Host hK.bench.test has pages
// /p/0.html .. /p/P-1.html; page i links to pages i+1, 7i+3 and 13i+5 (mod P) of its host and
// to page i of the next host. One thread, a coroutine per connection, keep-alive; requests on
// one connection are answered in order. Prints its port on stdout and serves until killed.
//
//   taskset -c 0 bench_crawl_origin [--delay-ms 20] [--hosts 50] [--pages 200] [--port 0]
#include <fmt/format.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/streambuf.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

struct settings {
  std::chrono::milliseconds delay{20};
  unsigned hosts = 50;
  unsigned pages = 200;
  unsigned short port = 0;
};

// The number in "hK.bench.test[:port]", or hosts when the name is not one of ours.
unsigned host_index(std::string_view host, unsigned hosts) {
  if (host.size() < 2 || host[0] != 'h') return hosts;
  unsigned k = 0;
  std::size_t i = 1;
  for (; i < host.size() && host[i] >= '0' && host[i] <= '9'; ++i)
    k = k * 10 + static_cast<unsigned>(host[i] - '0');
  return i > 1 && host.substr(i).starts_with(".bench.test") ? k : hosts;
}

// The page number in "/p/N.html", or pages when the path is not a page.
unsigned page_index(std::string_view path, unsigned pages) {
  if (!path.starts_with("/p/") || !path.ends_with(".html")) return pages;
  const std::string_view digits = path.substr(3, path.size() - 8);
  if (digits.empty() || digits.size() > 9) return pages;
  unsigned n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return pages;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  return n;
}

std::string field(std::string_view head, std::string_view name) {
  for (std::size_t at = head.find("\r\n"); at != std::string_view::npos;
       at = head.find("\r\n", at + 2)) {
    const std::string_view line = head.substr(at + 2, head.find("\r\n", at + 2) - at - 2);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view v = line.substr(name.size() + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return std::string(v);
    }
  }
  return {};
}

std::string answer(const settings& s, std::string_view head) {
  const std::size_t sp1 = head.find(' ');
  const std::size_t sp2 = head.find(' ', sp1 + 1);
  const std::string_view path = head.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string authority = field(head, "Host");
  const std::string_view host = std::string_view(authority).substr(0, authority.find(':'));
  const std::string port = authority.find(':') == std::string::npos
                               ? std::string()
                               : authority.substr(authority.find(':'));
  const unsigned k = host_index(host, s.hosts);
  const unsigned i = page_index(path, s.pages);
  if (k >= s.hosts || i >= s.pages) {
    return "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n"
           "not found\n";
  }
  const unsigned n = s.pages;
  std::string body = fmt::format(
      "<!doctype html><html><head><title>host {} page {}</title></head><body>\n<h1>Page {}</h1>\n"
      "<p>A page of a generated site for the crawl benchmark; every answer is late on "
      "purpose.</p>\n<a href=\"/p/{}.html\">next</a>\n<a href=\"{}.html\">seven</a>\n"
      "<a href=\"../p/{}.html\">thirteen</a>\n<a href=\"//h{}.bench.test{}/p/{}.html\">other "
      "host</a>\n</body></html>\n",
      k, i, i, (i + 1) % n, (i * 7 + 3) % n, (i * 13 + 5) % n, (k + 1) % s.hosts, port, i);
  return fmt::format("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{}",
                     body.size(), body);
}

asio::awaitable<void> serve(asio::ip::tcp::socket socket, const settings& s) {
  asio::streambuf in;
  asio::steady_timer timer(socket.get_executor());
  try {
    for (;;) {
      const std::size_t n =
          co_await asio::async_read_until(socket, in, "\r\n\r\n", asio::use_awaitable);
      const std::string head(static_cast<const char*>(in.data().data()), n);
      in.consume(n);
      timer.expires_after(s.delay);
      co_await timer.async_wait(asio::use_awaitable);
      const std::string out = answer(s, head);
      co_await asio::async_write(socket, asio::buffer(out), asio::use_awaitable);
    }
  } catch (const std::exception&) {
    // The client closed the connection, or the server is stopping.
  }
}

asio::awaitable<void> listen(asio::ip::tcp::acceptor& acceptor, const settings& s) {
  for (;;) {
    asio::ip::tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    socket.set_option(asio::ip::tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), s), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const long value = std::strtol(argv[i + 1], nullptr, 10);
    if (flag == "--delay-ms") {
      s.delay = std::chrono::milliseconds(value);
    } else if (flag == "--hosts" && value > 0) {
      s.hosts = static_cast<unsigned>(value);
    } else if (flag == "--pages" && value > 0) {
      s.pages = static_cast<unsigned>(value);
    } else if (flag == "--port") {
      s.port = static_cast<unsigned short>(value);
    } else {
      std::fprintf(stderr, "bench_crawl_origin: unknown or bad flag %s\n", argv[i]);
      return 2;
    }
  }
  asio::io_context io(1);
  asio::ip::tcp::acceptor acceptor(
      io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port));
  acceptor.listen(4096);
  std::printf("%u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);
  asio::co_spawn(io, listen(acceptor, s), asio::detached);
  io.run();
}
