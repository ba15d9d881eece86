#include "site_server.hpp"

#include <fmt/format.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/read_until.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <string_view>
#include <system_error>
#include <utility>

namespace consumer {
namespace {

using files_map = std::map<std::string, site_file>;

// The request line is "METHOD SP request-target SP HTTP-version" (RFC 9112 3); only the target
// matters here.
std::string reply_to(const files_map& files, std::string_view head) {
  const auto first = head.find(' ');
  const auto second = head.find(' ', first + 1);
  const auto it = files.find(std::string(head.substr(first + 1, second - first - 1)));
  if (it == files.end()) {
    return "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n"
           "not found\n";
  }
  return fmt::format("HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n{}",
                     it->second.content_type, it->second.body.size(), it->second.body);
}

asio::awaitable<void> serve(asio::ip::tcp::socket socket, const files_map& files) {
  std::string buffer;
  try {
    for (;;) {
      const std::size_t head_size = co_await asio::async_read_until(
          socket, asio::dynamic_buffer(buffer), "\r\n\r\n", asio::use_awaitable);
      const std::string reply = reply_to(files, std::string_view(buffer).substr(0, head_size));
      buffer.erase(0, head_size);
      co_await asio::async_write(socket, asio::buffer(reply), asio::use_awaitable);
    }
  } catch (const std::system_error&) {
    // The client closed or reset the connection: this session is over.
  }
}

asio::awaitable<void> accept_all(asio::ip::tcp::acceptor& acceptor, const files_map& files) {
  for (;;) {
    asio::ip::tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), files), asio::detached);
  }
}

}  // namespace

site_server::site_server(std::map<std::string, site_file> files)
    : files_(std::move(files)),
      acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      port_(acceptor_.local_endpoint().port()) {
  asio::co_spawn(io_, accept_all(acceptor_, files_), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

site_server::~site_server() {
  io_.stop();
  thread_.join();
}

}  // namespace consumer
