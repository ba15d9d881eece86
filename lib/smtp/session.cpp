#include "smtp/session.hpp"

#include "textproto/line_session.hpp"

#include <corofetch/smtp/reply.hpp>

#include <utility>

namespace corofetch::smtp::detail {
namespace {

std::error_code refusal(const reply& r) noexcept {
  if (r.kind() == 4) return errc::deferred;
  if (r.kind() == 5) return errc::rejected;
  return errc::unexpected_reply;
}

class transaction {
 public:
  transaction(net::stream stream, std::string host, const send_options& options)
      : session_(std::move(stream),
                 {errc::reply_timeout, errc::connection_closed, errc::reply_too_long}),
        host_(std::move(host)),
        options_(options) {}

  asio::awaitable<std::error_code> greeting();
  asio::awaitable<std::error_code> hello();
  asio::awaitable<std::error_code> secure(const net::tls_context* tls);
  asio::awaitable<std::error_code> send(const envelope& mail);
  asio::awaitable<void> quit();

  [[nodiscard]] const std::string& last_reply() const noexcept { return last_reply_; }
  [[nodiscard]] bool tls() const noexcept { return tls_; }
  void close() noexcept { session_.close(); }

 private:
  asio::awaitable<result<reply>> read_reply();
  asio::awaitable<result<reply>> command(std::string line);
  asio::awaitable<std::error_code> expect(std::string line, int code);
  void trace(std::string_view prefix, std::string_view text) const;

  textproto::line_session session_;
  reply_reader reader_;
  std::string host_;
  const send_options& options_;
  reply capabilities_;
  std::string last_reply_;
  bool tls_ = false;
};

void transaction::trace(std::string_view prefix, std::string_view text) const {
  if (!options_.log || !options_.trace_dialogue) return;
  std::string line(prefix);
  line.append(text);
  options_.log(line);
}

asio::awaitable<result<reply>> transaction::read_reply() {
  for (;;) {
    auto line = co_await session_.read_line();
    if (!line) co_return line.error();
    trace("< ", *line);
    auto fed = reader_.feed(*line);
    if (!fed) co_return fed.error();
    if (fed->has_value()) {
      reply r = std::move(**fed);
      last_reply_ = r.summary();
      co_return r;
    }
  }
}

asio::awaitable<result<reply>> transaction::command(std::string line) {
  trace("> ", line);
  session_.expires_after(options_.reply_timeout);
  line.append("\r\n");
  if (auto ec = co_await session_.write(std::move(line)); ec) co_return ec;
  co_return co_await read_reply();
}

asio::awaitable<std::error_code> transaction::expect(std::string line, int code) {
  auto r = co_await command(std::move(line));
  if (!r) co_return r.error();
  if (r->code != code) co_return refusal(*r);
  co_return std::error_code{};
}

// RFC 5321 3.1: 220 opens the session; 554 (or a 4xx) refuses it.
asio::awaitable<std::error_code> transaction::greeting() {
  session_.expires_after(options_.reply_timeout);
  auto r = co_await read_reply();
  if (!r) co_return r.error();
  if (r->code != 220) co_return refusal(*r);
  co_return std::error_code{};
}

// RFC 5321 3.2: EHLO; a server that does not know it (500, 502: a 5xx) gets HELO.
asio::awaitable<std::error_code> transaction::hello() {
  // Arguments of co_await calls are named: g++ 12 can destroy their temporaries twice.
  std::string ehlo_line = "EHLO " + options_.helo_name;
  auto ehlo = co_await command(std::move(ehlo_line));
  if (!ehlo) co_return ehlo.error();
  if (ehlo->code == 250) {
    capabilities_ = std::move(*ehlo);
    co_return std::error_code{};
  }
  if (ehlo->kind() != 5) co_return refusal(*ehlo);
  capabilities_ = reply{};
  std::string helo_line = "HELO " + options_.helo_name;
  co_return co_await expect(std::move(helo_line), 250);
}

// RFC 3207 4: STARTTLS, 220, the TLS handshake on the same socket, then EHLO again (4.2: the
// client forgets what it knew from the server before TLS).
asio::awaitable<std::error_code> transaction::secure(const net::tls_context* tls) {
  const bool offered = capabilities_.has_extension("STARTTLS");
  if (options_.starttls == starttls_policy::never) co_return std::error_code{};
  if (!offered || tls == nullptr) {
    if (options_.starttls == starttls_policy::required) co_return errc::starttls_unavailable;
    co_return std::error_code{};
  }
  std::string starttls = "STARTTLS";
  auto r = co_await command(std::move(starttls));
  if (!r) co_return r.error();
  if (r->code != 220) co_return errc::starttls_failed;
  // RFC 3207 6: anything the server sent after its 220 was sent in clear text and could be
  // injected by a man in the middle (CVE-2011-0411): it is never read as the server's words.
  if (session_.has_buffered()) co_return errc::starttls_failed;
  net::stream secured(std::move(session_.stream().socket()), *tls);
  auto ec = co_await secured.async_handshake(host_, options_.reply_timeout);
  if (ec) co_return ec;
  session_.replace_stream(std::move(secured));
  tls_ = true;
  trace("* ", "TLS session established");
  co_return co_await hello();
}

asio::awaitable<std::error_code> transaction::send(const envelope& mail) {
  std::string from = "MAIL FROM:<" + mail.reverse_path + ">";
  if (mail.eight_bit && capabilities_.has_extension("8BITMIME")) from.append(" BODY=8BITMIME");
  if (auto ec = co_await expect(std::move(from), 250); ec) co_return ec;
  for (const auto& to : mail.recipients) {
    std::string rcpt = "RCPT TO:<" + to + ">";
    auto r = co_await command(std::move(rcpt));
    if (!r) co_return r.error();
    if (r->code != 250 && r->code != 251) co_return refusal(*r);  // 251: forwarded (3.4)
  }
  std::string data = "DATA";
  if (auto ec = co_await expect(std::move(data), 354); ec) co_return ec;
  trace("> ", "(message, " + std::to_string(mail.data.size()) + " bytes with the final dot)");
  session_.expires_after(options_.data_timeout);
  if (auto ec = co_await session_.write(mail.data); ec) co_return ec;
  auto r = co_await read_reply();
  if (!r) co_return r.error();
  if (r->code != 250) co_return refusal(*r);
  co_return std::error_code{};
}

asio::awaitable<void> transaction::quit() {
  std::string quit_line = "QUIT";
  auto r = co_await command(std::move(quit_line));
  (void)r;  // the message is delivered (or not) already; QUIT's reply changes nothing
}

}  // namespace

asio::awaitable<outcome> run_transaction(net::stream stream, std::string host, const envelope& mail,
                                         const send_options& options, const net::tls_context* tls) {
  transaction t(std::move(stream), std::move(host), options);
  std::error_code ec = co_await t.greeting();
  if (!ec) ec = co_await t.hello();
  if (!ec) ec = co_await t.secure(tls);
  if (!ec) ec = co_await t.send(mail);
  outcome out{ec, t.last_reply(), t.tls()};
  const bool in_step =
      !ec || ec == errc::deferred || ec == errc::rejected || ec == errc::starttls_unavailable;
  if (in_step) co_await t.quit();
  t.close();
  co_return out;
}

}  // namespace corofetch::smtp::detail
