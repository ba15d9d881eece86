#include <corofetch/dns/resolver.hpp>

#include <fmt/core.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <string>

int main(int argc, char** argv) {
  const std::string server = argc > 1 ? argv[1] : "127.0.0.1:5353";
  const std::string name = argc > 2 ? argv[2] : "example.test";
  asio::io_context io;
  corofetch::dns::resolver_options options;  // the system's resolv.conf and hosts file ...
  options.servers = {server};                // ... but this server
  corofetch::dns::resolver resolver(io.get_executor(), options);
  int status = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto mx = co_await resolver.async_query(name, corofetch::dns::record_type::mx);
        if (!mx) {
          fmt::print(stderr, "{}\n", mx.error().message());  // e.g. "Domain name not found"
          co_return;
        }
        for (const auto& r : *mx)
          fmt::print("{}\n", corofetch::dns::to_zone_line(r));  // by preference
        status = 0;
      },
      asio::detached);
  io.run();
  return status;
}
