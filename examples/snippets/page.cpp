#include <corofetch/page/loader.hpp>

#include <fmt/core.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <string>

int main(int argc, char** argv) {
  const std::string url = argc > 1 ? argv[1] : "http://127.0.0.1:8080/";
  asio::io_context io;
  corofetch::client::client http(io.get_executor());
  corofetch::page::load_options options;
  options.concurrency = 16;  // image fetches at once, all hosts together
  options.per_host = 6;      // and to one host, as browsers do
  corofetch::page::loader pages(http, options);
  int status = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto page = co_await pages.async_load(url);
        if (!page) co_return;  // a bad URL; a failed fetch is reported in page->document
        for (const auto& image : page->images)
          fmt::print("{} {} {} bytes\n", image.status, image.url, image.bytes);
        fmt::print("{} images, {} failed, {} bytes\n", page->images.size(), page->failed(),
                   page->bytes());
        if (page->document.ok() && page->failed() == 0) status = 0;
        http.close_idle();
      },
      asio::detached);
  io.run();
  return status;
}
