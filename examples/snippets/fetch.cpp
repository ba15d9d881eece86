#include <corofetch/client/client.hpp>

#include <fmt/core.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <string>

int main(int argc, char** argv) {
  const std::string url = argc > 1 ? argv[1] : "http://127.0.0.1:8080/index.html";
  asio::io_context io;
  corofetch::client::client http(io.get_executor());
  int status = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto page = co_await http.async_get(url);
        if (!page) {
          fmt::print(stderr, "{}\n", page.error().message());  // e.g. "Connection refused"
          co_return;
        }
        fmt::print("{} {} bytes, reused: {}\n", page->status, page->body.size(), page->reused);
        status = 0;
        http.close_idle();  // idle pooled connections keep their idle timers until closed
      },
      asio::detached);
  io.run();
  return status;
}
