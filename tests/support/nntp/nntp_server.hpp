#pragma once
// A scripted NNTP server (nntp_server.py, RFC 3977) for the news: tests: one group of
// numbered articles on a free loopback port; the commands it received are kept.

#include "common/background_process.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace corofetch::test {

class nntp_server {
 public:
  struct options {
    std::string group = "comp.protocols.tcp-ip";
    int articles = 30;
    int low = 101;     ///< the first article's number
    bool over = true;  ///< false: OVER is unknown (500), only XOVER (RFC 2980) answers
  };

  explicit nntp_server(options opts);
  nntp_server() : nntp_server(options{}) {}
  ~nntp_server();
  nntp_server(const nntp_server&) = delete;
  nntp_server& operator=(const nntp_server&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// "127.0.0.1:PORT".
  [[nodiscard]] std::string address() const;
  /// The commands received so far, in order, over every connection.
  [[nodiscard]] std::vector<std::string> commands() const;

 private:
  std::filesystem::path log_;
  std::unique_ptr<background_process> process_;
  std::uint16_t port_ = 0;
};

}  // namespace corofetch::test
