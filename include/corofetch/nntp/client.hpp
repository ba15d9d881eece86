#pragma once

#include <corofetch/dns/resolver.hpp>
#include <corofetch/nntp/error.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <asio/awaitable.hpp>

namespace corofetch::nntp {

/// What a news: URL names (RFC 5538 2.2): an article when the text holds '@' (a message-id,
/// with or without its angle brackets), otherwise a newsgroup. news://server[:port]/... names
/// its server too.
struct news_target {
  bool article = false;
  std::string name;    ///< the group, or the message-id with its angle brackets
  std::string server;  ///< "host:port" from the URL's authority; "" when it has none
};

/// Reads a news: (or nntp:) URL. Errors: not_a_news_url, invalid_argument.
[[nodiscard]] result<news_target> parse_news_url(const url::url& u);

/// One line of an OVER reply (RFC 3977 8.3.2, the overview format of 8.4): tab-separated
/// number, subject, from, date, message-id, references, bytes, lines.
struct overview {
  std::uint64_t number = 0;
  std::string subject;
  std::string from;
  std::string date;
  std::string message_id;
  std::string references;
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
};

/// Parses one overview line. Errors: errc::malformed_reply (fewer than 8 fields, or a number,
/// bytes or lines field that is not a number; RFC 3977 8.3.2 lets bytes and lines be empty).
[[nodiscard]] result<overview> parse_overview_line(std::string_view line);

/// A group and its latest articles.
struct group_listing {
  std::string name;
  std::uint64_t count = 0;  ///< the server's estimate (RFC 3977 6.1.1.2)
  std::uint64_t low = 0;
  std::uint64_t high = 0;
  std::vector<overview> articles;  ///< oldest first, at most news_options::latest
};

/// One article, head and body, as the server sent it (lines un-stuffed, each ending in CRLF).
struct news_article {
  std::uint64_t number = 0;  ///< 0 when fetched by message-id (RFC 3977 6.2.1.2)
  std::string message_id;
  std::string content;
};

using dialogue_log = std::function<void(std::string_view line)>;

struct news_options {
  /// "host:port" ("[::1]:1119") or "host" (port 119) of the server, when the URL names none.
  std::string server;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(15)};
  /// The bound of each reply, its data block included.
  std::chrono::milliseconds reply_timeout{std::chrono::seconds(30)};
  /// How many of the group's latest articles are listed.
  std::size_t latest = 20;
  /// The largest data block (an article, an overview) read.
  std::size_t max_bytes = std::size_t{16} << 20;
  /// Each command and status line: "> GROUP comp.x", "< 211 3 1 3 comp.x".
  dialogue_log log;
};

struct news_result {
  std::error_code error;     ///< none on success
  std::string server_reply;  ///< the last status line
  std::optional<group_listing> group;
  std::optional<news_article> article;
};

/// Reads a news: URL from an NNTP server (RFC 3977): a group's latest articles (GROUP, then
/// OVER on the last news_options::latest numbers, XOVER of RFC 2980 when OVER is unknown) or
/// one article (ARTICLE <message-id>). Sends MODE READER first (5.3; a refusal is ignored) and
/// QUIT last. Errors (news_result::error): parse_news_url()'s, no_server, invalid_server,
/// service_unavailable,
/// no_such_group, no_such_article, authentication_required, reply_timeout, malformed_reply,
/// response_too_large, connection_closed, unexpected_reply; dns, net and system errors.
/// Cancellation: the awaiting coroutine's cancellation slot closes the connection.
asio::awaitable<news_result> async_fetch(url::url u, dns::resolver& resolver,
                                         news_options options = {});

/// A listing as text, one article a line: "number<TAB>date<TAB>from<TAB>subject".
[[nodiscard]] std::string to_text(const group_listing& group);

}  // namespace corofetch::nntp
