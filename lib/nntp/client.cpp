#include <corofetch/net/connect.hpp>
#include <corofetch/nntp/client.hpp>

#include "textproto/dot_block.hpp"
#include "textproto/line_session.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include <fmt/format.h>
#include <asio/this_coro.hpp>

namespace corofetch::nntp {
namespace {

using asio::ip::tcp;

// An NNTP status line (RFC 3977 3.2): three digits, then a space and text, or nothing.
struct status {
  int code = 0;
  std::string text;
};

result<status> parse_status(std::string_view line) {
  if (line.size() < 3 || (line.size() > 3 && line[3] != ' ')) return errc::malformed_reply;
  int code = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return errc::malformed_reply;
    code = code * 10 + (line[i] - '0');
  }
  if (code < 100 || code > 599) return errc::malformed_reply;
  return status{code, std::string(line.size() > 4 ? line.substr(4) : std::string_view{})};
}

// "count low high group" (RFC 3977 6.1.1.2); more words after the group are allowed.
bool parse_group_reply(std::string_view text, group_listing& g) {
  std::array<std::uint64_t*, 3> numbers{&g.count, &g.low, &g.high};
  for (auto* n : numbers) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) return false;
    const auto word = text.substr(0, space);
    auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), *n);
    if (ec != std::errc{} || ptr != word.data() + word.size()) return false;
    text.remove_prefix(space + 1);
  }
  g.name = std::string(text.substr(0, text.find(' ')));
  return !g.name.empty();
}

std::error_code refusal(const status& s) noexcept {
  switch (s.code) {
    case 400:
    case 502:
      return errc::service_unavailable;
    case 411:
      return errc::no_such_group;
    case 423:
    case 430:
      return errc::no_such_article;
    case 480:
      return errc::authentication_required;
    default:
      return errc::unexpected_reply;
  }
}

class session {
 public:
  session(net::stream stream, const news_options& options)
      : lines_(std::move(stream),
               {errc::reply_timeout, errc::connection_closed, errc::reply_too_long}),
        options_(options) {}

  asio::awaitable<result<status>> read_status();
  asio::awaitable<result<status>> command(std::string line);
  asio::awaitable<result<std::string>> read_block();
  asio::awaitable<std::error_code> greeting();
  asio::awaitable<result<group_listing>> list_group(const std::string& name);
  asio::awaitable<result<news_article>> fetch_article(const std::string& message_id);
  asio::awaitable<void> quit();

  [[nodiscard]] const std::string& last_reply() const noexcept { return last_reply_; }
  void close() noexcept { lines_.close(); }

 private:
  asio::awaitable<std::error_code> read_overview(group_listing& g);

  textproto::line_session lines_;
  const news_options& options_;
  std::string last_reply_;
};

asio::awaitable<result<status>> session::read_status() {
  auto line = co_await lines_.read_line();
  if (!line) co_return line.error();
  if (options_.log) options_.log("< " + *line);
  last_reply_ = *line;
  co_return parse_status(*line);
}

asio::awaitable<result<status>> session::command(std::string line) {
  if (options_.log) options_.log("> " + line);
  lines_.expires_after(options_.reply_timeout);
  line.append("\r\n");
  if (auto ec = co_await lines_.write(std::move(line)); ec) co_return ec;
  co_return co_await read_status();
}

asio::awaitable<result<std::string>> session::read_block() {
  co_return co_await textproto::read_dot_block(lines_, options_.max_bytes,
                                               errc::response_too_large);
}

// RFC 3977 5.1: 200 (posting allowed) or 201; then MODE READER (5.3), whose refusal by a
// reader-only server is harmless.
asio::awaitable<std::error_code> session::greeting() {
  lines_.expires_after(options_.reply_timeout);
  auto s = co_await read_status();
  if (!s) co_return s.error();
  if (s->code != 200 && s->code != 201) co_return errc::service_unavailable;
  // Arguments of co_await calls are named: g++ 12 can destroy their temporaries twice.
  std::string mode_line = "MODE READER";
  auto mode = co_await command(std::move(mode_line));
  if (!mode) co_return mode.error();
  if (mode->code == 400 || mode->code == 502) co_return errc::service_unavailable;
  co_return std::error_code{};
}

asio::awaitable<std::error_code> session::read_overview(group_listing& g) {
  const std::uint64_t first =
      std::max(g.low, g.high >= options_.latest ? g.high - options_.latest + 1 : 0);
  const std::string range = fmt::format("{}-{}", first, g.high);
  std::string over = "OVER " + range;
  auto s = co_await command(std::move(over));
  if (!s) co_return s.error();
  if (s->code == 500) {  // RFC 2980 2.8: XOVER, OVER before RFC 3977
    std::string xover = "XOVER " + range;
    s = co_await command(std::move(xover));
  }
  if (!s) co_return s.error();
  if (s->code == 420 || s->code == 423) co_return std::error_code{};  // no article in range
  if (s->code != 224) co_return refusal(*s);
  auto block = co_await read_block();
  if (!block) co_return block.error();
  std::string_view rest = *block;
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    auto o = parse_overview_line(rest.substr(0, end));
    if (!o) co_return o.error();
    g.articles.push_back(std::move(*o));
    rest.remove_prefix(end + 2);
  }
  co_return std::error_code{};
}

// RFC 3977 6.1.1: "211 count low high group".
asio::awaitable<result<group_listing>> session::list_group(const std::string& name) {
  std::string group_line = "GROUP " + name;
  auto s = co_await command(std::move(group_line));
  if (!s) co_return s.error();
  if (s->code != 211) co_return refusal(*s);
  group_listing g;
  if (!parse_group_reply(s->text, g)) co_return errc::malformed_reply;
  if (g.count > 0 && g.high >= g.low) {
    if (auto ec = co_await read_overview(g); ec) co_return ec;
  }
  co_return g;
}

// RFC 3977 6.2.1: "220 n <message-id>" and the article as a data block.
asio::awaitable<result<news_article>> session::fetch_article(const std::string& message_id) {
  std::string article_line = "ARTICLE " + message_id;
  auto s = co_await command(std::move(article_line));
  if (!s) co_return s.error();
  if (s->code != 220) co_return refusal(*s);
  news_article a;
  const auto space = s->text.find(' ');
  std::string_view number = std::string_view(s->text).substr(0, space);
  std::from_chars(number.data(), number.data() + number.size(), a.number);
  a.message_id = space == std::string::npos ? message_id : s->text.substr(space + 1);
  a.message_id = a.message_id.substr(0, a.message_id.find(' '));
  auto block = co_await read_block();
  if (!block) co_return block.error();
  a.content = std::move(*block);
  co_return a;
}

asio::awaitable<void> session::quit() {
  std::string quit_line = "QUIT";
  auto s = co_await command(std::move(quit_line));
  (void)s;  // the answer is in hand; 205 or a dropped line change nothing
}

asio::awaitable<result<net::stream>> connect_to(dns::resolver& resolver, const std::string& server,
                                                const news_options& options) {
  // HOST[:PORT] read by the URL parser: IPv6 brackets, a port's range, forbidden characters.
  auto authority = url::parse("news://" + server);
  if (!authority || authority->hostname().empty() || !authority->pathname().empty() ||
      authority->has_credentials() || authority->query() || authority->fragment()) {
    co_return errc::invalid_server;
  }
  std::string host(authority->hostname());
  const std::uint16_t port = authority->port().value_or(119);
  auto resolved = co_await resolver.async_resolve(std::move(host), port);
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

}  // namespace

asio::awaitable<news_result> async_fetch(url::url u, dns::resolver& resolver,
                                         news_options options) {
  news_result out;
  auto target = parse_news_url(u);
  if (!target) {
    out.error = target.error();
    co_return out;
  }
  const std::string server = target->server.empty() ? options.server : target->server;
  if (server.empty()) {
    out.error = errc::no_server;
    co_return out;
  }
  auto stream = co_await connect_to(resolver, server, options);
  if (!stream) {
    out.error = stream.error();
    co_return out;
  }
  session s(std::move(*stream), options);
  std::error_code ec = co_await s.greeting();
  if (!ec && target->article) {
    auto a = co_await s.fetch_article(target->name);
    if (a) out.article = std::move(*a);
    ec = a.error();
  } else if (!ec) {
    auto g = co_await s.list_group(target->name);
    if (g) out.group = std::move(*g);
    ec = g.error();
  }
  out.error = ec;
  out.server_reply = s.last_reply();
  const bool in_step = !ec || (ec.category() == nntp_category() && ec != errc::reply_timeout &&
                               ec != errc::connection_closed && ec != errc::reply_too_long &&
                               ec != errc::response_too_large);
  if (in_step) co_await s.quit();
  s.close();
  co_return out;
}

}  // namespace corofetch::nntp
