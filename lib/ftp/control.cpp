#include "ftp/control.hpp"

#include <utility>

namespace corofetch::ftp::detail {
namespace {

textproto::session_errors control_errors() {
  return {errc::reply_timeout, errc::connection_closed, errc::reply_too_long};
}

}  // namespace

control::control(net::stream stream, const fetch_options& options)
    : session_(std::move(stream), control_errors()), options_(options) {}

void control::log(std::string_view prefix, std::string_view text) const {
  if (!options_.log) return;
  std::string line(prefix);
  line.append(text);
  options_.log(line);
}

asio::awaitable<result<reply>> control::read_reply() {
  session_.expires_after(options_.reply_timeout);
  for (;;) {
    auto line = co_await session_.read_line();
    if (!line) co_return line.error();
    log("< ", *line);
    auto fed = reader_.feed(*line);
    if (!fed) co_return fed.error();
    if (fed->has_value()) {
      reply r = std::move(**fed);
      last_reply_ = r.summary();
      co_return r;
    }
  }
}

asio::awaitable<result<reply>> control::command(std::string line, std::string_view shown) {
  log("> ", shown.empty() ? std::string_view(line) : shown);
  last_command_ = line.substr(0, line.find(' '));
  session_.expires_after(options_.reply_timeout);
  line.append("\r\n");
  if (auto ec = co_await session_.write(std::move(line)); ec) co_return ec;
  co_return co_await read_reply();
}

std::error_code refusal(const reply& r, errc otherwise) noexcept {
  switch (r.code) {
    case 421:
      return errc::service_unavailable;
    case 530:
      return errc::login_failed;
    case 550:
      return errc::file_unavailable;
    case 425:  // can't open data connection
    case 426:  // connection closed, transfer aborted
    case 451:  // local error in processing
      return errc::transfer_aborted;
    default:
      return otherwise;
  }
}

}  // namespace corofetch::ftp::detail
