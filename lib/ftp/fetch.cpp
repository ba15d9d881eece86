#include "ftp/control.hpp"

#include <corofetch/ftp/client.hpp>
#include <corofetch/net/connect.hpp>

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <asio/error.hpp>
#include <asio/this_coro.hpp>

namespace corofetch::ftp {
namespace {

using asio::ip::tcp;

// What an ftp: URL asks for (RFC 1738 3.2.2): the folders to enter, one CWD each, and the file
// in the last one, or none for a listing.
struct target {
  std::string host;
  std::uint16_t port = 21;
  std::string user;
  std::string password;
  std::vector<std::string> folders;
  std::string file;
};

bool telnet_safe(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

result<target> parse_target(const url::url& u, const fetch_options& options) {
  if (u.scheme() != "ftp") return errc::not_an_ftp_url;
  target t;
  t.host = std::string(u.hostname());
  t.port = u.effective_port().value_or(21);
  if (u.username().empty()) {
    t.user = "anonymous";
    t.password = options.anonymous_password;
  } else {
    t.user = url::percent_decode(u.username());
    t.password = url::percent_decode(u.password());
  }
  std::string_view path = u.pathname();
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty()) {
    const auto slash = path.find('/');
    std::string segment = url::percent_decode(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      t.file = std::move(segment);
      break;
    }
    if (!segment.empty()) t.folders.push_back(std::move(segment));
    path.remove_prefix(slash + 1);
  }
  if (!telnet_safe(t.user) || !telnet_safe(t.password) || !telnet_safe(t.file)) {
    return errc::invalid_argument;
  }
  for (const auto& f : t.folders) {
    if (!telnet_safe(f)) return errc::invalid_argument;
  }
  return t;
}

asio::awaitable<result<net::stream>> connect_to(dns::resolver& resolver, const std::string& host,
                                                std::uint16_t port, const fetch_options& options) {
  auto resolved = co_await resolver.async_resolve(host, port);
  if (!resolved) co_return resolved.error();
  std::vector<tcp::endpoint> endpoints;
  for (const auto& r : *resolved) endpoints.push_back(r.endpoint);
  net::connect_options co;
  co.timeout = options.connect_timeout;
  auto executor = co_await asio::this_coro::executor;
  auto socket = co_await net::async_connect(executor, endpoints, co);
  if (!socket) co_return socket.error();
  co_return net::stream(std::move(*socket));
}

// The steps of a session. Each returns the error that ends it, or none.
class session {
 public:
  session(detail::control& ctl, const fetch_options& options, data_sink& sink, transfer& out)
      : ctl_(ctl), options_(options), sink_(sink), out_(out) {}

  asio::awaitable<std::error_code> greeting();
  asio::awaitable<std::error_code> login(const target& t);
  asio::awaitable<std::error_code> enter_folders(const target& t);
  asio::awaitable<std::error_code> list();
  asio::awaitable<std::error_code> retrieve(const std::string& file);
  asio::awaitable<void> quit();

 private:
  asio::awaitable<result<net::stream>> open_passive();
  asio::awaitable<result<tcp::endpoint>> passive_endpoint();
  asio::awaitable<std::error_code> run_transfer(std::string command, errc refused);
  asio::awaitable<std::error_code> receive(net::stream& data);
  asio::awaitable<std::error_code> expect(std::string command, int code, errc refused);

  detail::control& ctl_;
  const fetch_options& options_;
  data_sink& sink_;
  transfer& out_;
};

asio::awaitable<std::error_code> session::expect(std::string command, int code, errc refused) {
  auto r = co_await ctl_.command(std::move(command));
  if (!r) co_return r.error();
  if (r->code != code) co_return detail::refusal(*r, refused);
  co_return std::error_code{};
}

// RFC 959 5.4: 120 (ready in a while) is followed by 220; 421 refuses the session.
asio::awaitable<std::error_code> session::greeting() {
  for (;;) {
    auto r = co_await ctl_.read_reply();
    if (!r) co_return r.error();
    if (r->code == 120) continue;
    if (r->code == 220) co_return std::error_code{};
    co_return errc::service_unavailable;
  }
}

// RFC 959 5.4, USER/PASS: 230 logs in at once, 331 asks for the password, 332 for an account.
asio::awaitable<std::error_code> session::login(const target& t) {
  // Arguments of co_await calls are named: g++ 12 can destroy their temporaries twice.
  std::string user_line = "USER " + t.user;
  auto user = co_await ctl_.command(std::move(user_line));
  if (!user) co_return user.error();
  if (user->code == 230) co_return std::error_code{};
  if (user->code == 332) co_return errc::account_required;
  if (user->code != 331) co_return detail::refusal(*user, errc::login_failed);
  std::string pass_line = "PASS " + t.password;
  auto pass = co_await ctl_.command(std::move(pass_line), "PASS ****");
  if (!pass) co_return pass.error();
  if (pass->code == 230 || pass->code == 202) co_return std::error_code{};
  if (pass->code == 332) co_return errc::account_required;
  co_return detail::refusal(*pass, errc::login_failed);
}

asio::awaitable<std::error_code> session::enter_folders(const target& t) {
  for (const auto& folder : t.folders) {
    std::string cwd = "CWD " + folder;
    auto r = co_await ctl_.command(std::move(cwd));
    if (!r) co_return r.error();
    if (r->kind() != 2) co_return detail::refusal(*r, errc::file_unavailable);
  }
  co_return std::error_code{};
}

// RFC 2428 3: EPSV gives a port on the control connection's address; a server that does not
// know it (500, 502) or refuses it (501, 522) gets PASV (RFC 959 4.1.2).
asio::awaitable<result<tcp::endpoint>> session::passive_endpoint() {
  std::error_code ignored;
  const auto peer = ctl_.stream().socket().remote_endpoint(ignored);
  if (options_.epsv) {
    std::string epsv = "EPSV";
    auto r = co_await ctl_.command(std::move(epsv));
    if (!r) co_return r.error();
    if (r->code == 229) {
      auto port = parse_epsv(*r);
      if (!port) co_return port.error();
      co_return tcp::endpoint(peer.address(), *port);
    }
    if (r->kind() != 5) co_return errc::passive_failed;
  }
  if (!peer.address().is_v4()) co_return errc::passive_failed;  // PASV is IPv4 only
  std::string pasv_line = "PASV";
  auto r = co_await ctl_.command(std::move(pasv_line));
  if (!r) co_return r.error();
  if (r->code != 227) co_return errc::passive_failed;
  auto pasv = parse_pasv(*r);
  if (!pasv) co_return pasv.error();
  // The address in the reply is not used: a server (or a man in the middle) could name any host
  // and turn the client into a port scanner (the FTP bounce attack, RFC 2577 3).
  co_return tcp::endpoint(peer.address(), pasv->port);
}

asio::awaitable<result<net::stream>> session::open_passive() {
  auto endpoint = co_await passive_endpoint();
  if (!endpoint) co_return endpoint.error();
  std::array<tcp::endpoint, 1> endpoints{*endpoint};
  net::connect_options co;
  co.timeout = options_.connect_timeout;
  auto executor = co_await asio::this_coro::executor;
  auto socket = co_await net::async_connect(executor, endpoints, co);
  if (!socket) {
    if (options_.log) options_.log("* data connection failed: " + socket.error().message());
    co_return errc::data_connect_failed;
  }
  co_return net::stream(std::move(*socket));
}

asio::awaitable<std::error_code> session::receive(net::stream& data) {
  std::array<char, 65536> buffer{};
  for (;;) {
    auto r = co_await textproto::read_some_before(
        data, asio::buffer(buffer), textproto::deadline_after(options_.data_idle_timeout),
        errc::data_timeout);
    if (r.error == asio::error::eof) co_return std::error_code{};
    if (r.error) co_return r.error;
    if (sink_ && sink_(std::string_view(buffer.data(), r.bytes))) co_return errc::sink_failed;
    out_.bytes += r.bytes;
  }
}

// The data connection is opened first, then the command sent (RFC 959 3.2, passive mode):
// 125/150 announce the transfer, 226/250 end it after the data connection closed.
asio::awaitable<std::error_code> session::run_transfer(std::string command, errc refused) {
  auto data = co_await open_passive();
  if (!data) co_return data.error();
  if (out_.resumed_from > 0) {
    std::string rest_line = fmt::format("REST {}", out_.resumed_from);
    auto rest = co_await ctl_.command(std::move(rest_line));
    if (!rest) co_return rest.error();
    if (rest->code != 350) co_return errc::resume_unsupported;
  }
  auto start = co_await ctl_.command(std::move(command));
  if (!start) co_return start.error();
  if (start->kind() != 1) co_return detail::refusal(*start, refused);
  auto received = co_await receive(*data);
  data->close();
  if (received) co_return received;
  auto end = co_await ctl_.read_reply();
  if (!end) co_return end.error();
  if (end->kind() != 2) co_return detail::refusal(*end, errc::transfer_aborted);
  co_return std::error_code{};
}

asio::awaitable<std::error_code> session::list() {
  out_.listing = true;
  std::string type = "TYPE A";
  if (auto ec = co_await expect(std::move(type), 200, errc::unexpected_reply); ec) co_return ec;
  std::string command = "LIST";
  if (options_.listing == listing_command::nlst) command = "NLST";
  if (options_.listing == listing_command::mlsd) command = "MLSD";
  co_return co_await run_transfer(std::move(command), errc::file_unavailable);
}

asio::awaitable<std::error_code> session::retrieve(const std::string& file) {
  std::string type = "TYPE I";
  if (auto ec = co_await expect(std::move(type), 200, errc::unexpected_reply); ec) co_return ec;
  // SIZE (RFC 3659 4) is optional: a server without it (500, 502) just does not tell.
  std::string size_line = "SIZE " + file;
  auto size = co_await ctl_.command(std::move(size_line));
  if (!size) co_return size.error();
  if (size->code == 213) {
    auto n = parse_size(*size);
    if (!n) co_return n.error();
    out_.size = *n;
  }
  if (options_.resume_from > 0) {
    if (out_.size && options_.resume_from > *out_.size) co_return errc::resume_beyond_end;
    out_.resumed_from = options_.resume_from;
    if (out_.size && options_.resume_from == *out_.size) co_return std::error_code{};
  }
  std::string retr = "RETR " + file;
  co_return co_await run_transfer(std::move(retr), errc::file_unavailable);
}

asio::awaitable<void> session::quit() {
  std::string quit_line = "QUIT";
  auto r = co_await ctl_.command(std::move(quit_line));
  (void)r;  // the transfer's outcome is known; a server that drops the line at QUIT is fine
}

}  // namespace

asio::awaitable<transfer> async_fetch(url::url u, dns::resolver& resolver, data_sink sink,
                                      fetch_options options) {
  transfer out;
  auto t = parse_target(u, options);
  if (!t) {
    out.error = t.error();
    co_return out;
  }
  auto stream = co_await connect_to(resolver, t->host, t->port, options);
  if (!stream) {
    out.error = stream.error();
    co_return out;
  }
  detail::control ctl(std::move(*stream), options);
  session s(ctl, options, sink, out);
  std::error_code ec = co_await s.greeting();
  if (!ec) ec = co_await s.login(*t);
  if (!ec) ec = co_await s.enter_folders(*t);
  // Named steps, no co_await inside ?: (g++ 12 miscompiles it).
  if (!ec && t->file.empty()) ec = co_await s.list();
  if (!ec && !t->file.empty()) ec = co_await s.retrieve(t->file);
  out.error = ec;
  out.server_reply = ctl.last_reply();
  if (ec) out.failed_command = ctl.last_command();
  // QUIT only where the dialogue is in step: not after a silent or closed control connection,
  // nor in the middle of a transfer.
  const bool in_step = !ec || (ec.category() == ftp_category() && ec != errc::reply_timeout &&
                               ec != errc::connection_closed && ec != errc::data_timeout &&
                               ec != errc::sink_failed && ec != errc::reply_too_long);
  if (in_step) co_await s.quit();
  ctl.close();
  co_return out;
}

}  // namespace corofetch::ftp
