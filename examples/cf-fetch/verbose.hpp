#pragma once
// -v: curl's lines on stderr, as things happen: "*   Trying ADDR:PORT...", "* Connected to",
// the TLS version, cipher and certificate, "> " request heads and "< " response heads.

#include <corofetch/client/options.hpp>
#include <corofetch/client/response.hpp>

#include <asio/ip/tcp.hpp>

#include <string_view>

namespace cf_fetch {

class verbose_log {
 public:
  /// `r` is the response being filled: at each request head it still holds the previous
  /// exchange of the same fetch (a redirect), whose head is logged then.
  explicit verbose_log(const corofetch::client::response& r) : r_(r) {}

  void connection(const corofetch::client::connection_event& e);
  void request_head(std::string_view head);
  void response_head(const corofetch::client::response& r);
  /// The phases' durations and the connection reuse, after the transfer.
  void summary(const corofetch::client::response& r);
  /// A retry of the whole transfer starts: the log of a previous attempt ends.
  void restart() { connected_ = false; }

 private:
  const corofetch::client::response& r_;
  bool connected_ = false;  // a connection was opened since the last request head
  asio::ip::tcp::endpoint first_;
};

/// Writes each line of `text` (CRLF or LF separated) to stderr after `prefix` and a space.
void log_lines(std::string_view text, std::string_view prefix);

}  // namespace cf_fetch
