#include <corofetch/detail/error_category.hpp>
#include <corofetch/nntp/error.hpp>

namespace corofetch::nntp {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::not_a_news_url:
      return "not a news: URL";
    case errc::invalid_argument:
      return "invalid newsgroup or message-id";
    case errc::no_server:
      return "no news server given (--nntp-server HOST:PORT)";
    case errc::invalid_server:
      return "invalid news server (HOST[:PORT])";
    case errc::service_unavailable:
      return "news service not available";
    case errc::no_such_group:
      return "no such newsgroup";
    case errc::no_such_article:
      return "no such article";
    case errc::authentication_required:
      return "news server requires authentication, not supported";
    case errc::reply_timeout:
      return "NNTP server reply timed out";
    case errc::malformed_reply:
      return "malformed NNTP reply";
    case errc::reply_too_long:
      return "NNTP reply line too long";
    case errc::response_too_large:
      return "NNTP response larger than the limit";
    case errc::connection_closed:
      return "NNTP server closed the connection";
    case errc::unexpected_reply:
      return "unexpected NNTP reply";
  }
  return "unknown corofetch.nntp error";
}

const detail::module_category category{"corofetch.nntp", &describe};

}  // namespace

const std::error_category& nntp_category() noexcept {
  return category;
}

}  // namespace corofetch::nntp
