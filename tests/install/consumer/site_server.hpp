#pragma once
// A small HTTP/1.1 server for the consumer: a few fixed files, keep-alive, on 127.0.0.1 at a
// port the kernel picks, run by a thread of its own.

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <thread>

namespace consumer {

struct site_file {
  std::string content_type;
  std::string body;
};

class site_server {
 public:
  /// Serves `files` by request target ("/", "/img/a.png"); anything else is a 404.
  explicit site_server(std::map<std::string, site_file> files);
  /// Stops serving and joins the thread.
  ~site_server();
  site_server(const site_server&) = delete;
  site_server& operator=(const site_server&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

 private:
  std::map<std::string, site_file> files_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace consumer
