// news: URLs (RFC 5538): a group's latest articles, or one article by its message-id, from the
// NNTP server --nntp-server names (RFC 3977).
#include "cf-fetch/schemes.hpp"

#include "common/exit_codes.hpp"
#include "common/network.hpp"

#include <corofetch/client/options.hpp>
#include <corofetch/nntp/client.hpp>

#include <charconv>

namespace cf_fetch {

namespace nntp = corofetch::nntp;
namespace tool = corofetch::tool;

namespace {

int nntp_exit_code(std::error_code ec) {
  using nntp::errc;
  if (ec.category() != nntp::nntp_category()) return tool::exit_code_for(ec);
  switch (static_cast<errc>(ec.value())) {
    case errc::no_such_group:
    case errc::no_such_article:
      return exit_remote_file_not_found;
    case errc::authentication_required:
      return exit_login_denied;
    case errc::reply_timeout:
      return tool::exit_timeout;
    case errc::no_server:
    case errc::invalid_server:
      return tool::exit_usage;
    case errc::not_a_news_url:
    case errc::invalid_argument:
      return tool::exit_bad_url;
    case errc::response_too_large:
      return tool::exit_file_too_large;
    case errc::connection_closed:
      return tool::exit_recv_error;
    default:  // a refused session, a malformed or unexpected reply
      return tool::exit_weird_reply;
  }
}

// --nntp-server HOST[:PORT] with the address --resolve gives for HOST and PORT, if any; the
// NNTP client checks the form itself.
std::string server_of(const scheme_job& job) {
  const std::string& given = job.ctx.opts.nntp_server;
  // "[v6]:port", "[v6]", "host:port" or "host"; anything else is left to the client to refuse.
  const std::size_t host_end = given.starts_with('[') ? given.find(']') + 1 : given.find(':');
  if (host_end == 0 ||
      given.find(':', host_end == std::string::npos ? 0 : host_end + 1) != std::string::npos) {
    return given;
  }
  const std::string host = given.substr(0, host_end);
  std::uint16_t port = 119;
  if (host_end < given.size()) {
    const char* end = given.data() + given.size();
    auto [ptr, ec] = std::from_chars(given.data() + host_end + 1, end, port);
    if (given[host_end] != ':' || ec != std::errc() || ptr != end) return given;
  }
  auto overridden = corofetch::client::override_endpoints(
      job.ctx.fetcher.options().resolve_overrides, host, port);
  if (!overridden || overridden->empty()) return given;
  const auto address = overridden->front().address();
  const std::string text = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return text + ":" + std::to_string(port);
}

nlohmann::json group_json(const nntp::group_listing& g) {
  nlohmann::json articles = nlohmann::json::array();
  for (const auto& a : g.articles) {
    articles.push_back({{"number", a.number},
                        {"subject", a.subject},
                        {"from", a.from},
                        {"date", a.date},
                        {"message_id", a.message_id},
                        {"bytes", a.bytes},
                        {"lines", a.lines}});
  }
  return {{"name", g.name},
          {"count", g.count},
          {"low", g.low},
          {"high", g.high},
          {"articles", articles}};
}

}  // namespace

asio::awaitable<scheme_result> fetch_news(const scheme_job& job) {
  const options& o = job.ctx.opts;
  nntp::news_options no;
  no.server = server_of(job);
  if (o.net.connect_timeout > 0) no.connect_timeout = tool::seconds_to_ms(o.net.connect_timeout);
  if (o.verbose) no.log = [](std::string_view line) { verbose_line(line); };
  auto n = co_await nntp::async_fetch(job.url, *job.ctx.resolver, no);
  scheme_result r;
  r.reply = n.server_reply;
  if (n.error) {
    r.error = n.error;
    r.exit_code = nntp_exit_code(n.error);
    r.message = n.error.message();
    if (n.error == nntp::errc::no_server) r.message += ": give --nntp-server HOST[:PORT]";
    if (!n.server_reply.empty()) r.message += ": " + n.server_reply;
    co_return r;
  }
  std::string text;
  if (n.group) {
    r.details["group"] = group_json(*n.group);
    text = nntp::to_text(*n.group);
  } else if (n.article) {
    r.details["article"] = {{"number", n.article->number}, {"message_id", n.article->message_id}};
    text = std::move(n.article->content);
  }
  if (auto ec = job.sink(text); ec) {
    r.exit_code = tool::exit_write_error;
    r.message = "writing the output failed: " + ec.message();
  }
  co_return r;
}

}  // namespace cf_fetch
