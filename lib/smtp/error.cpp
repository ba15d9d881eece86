#include <corofetch/detail/error_category.hpp>
#include <corofetch/smtp/error.hpp>

namespace corofetch::smtp {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::not_a_mailto_url:
      return "not a mailto: URL";
    case errc::no_recipient:
      return "the mailto: URL names no recipient";
    case errc::invalid_address:
      return "invalid mail address";
    case errc::multiple_domains:
      return "recipients in several domains (one delivery per domain)";
    case errc::null_mx:
      return "the domain accepts no mail (null MX, RFC 7505)";
    case errc::rejected:
      return "the mail server rejected the message (5xx)";
    case errc::deferred:
      return "the mail server deferred the message (4xx)";
    case errc::all_exchangers_failed:
      return "no mail exchanger accepted the message";
    case errc::reply_timeout:
      return "SMTP server reply timed out";
    case errc::malformed_reply:
      return "malformed SMTP reply";
    case errc::reply_too_long:
      return "SMTP reply too long";
    case errc::connection_closed:
      return "SMTP server closed the connection";
    case errc::unexpected_reply:
      return "unexpected SMTP reply";
    case errc::starttls_failed:
      return "STARTTLS failed";
    case errc::starttls_unavailable:
      return "TLS required but the server does not offer STARTTLS";
    case errc::invalid_header:
      return "a mailto: header field holds CR, LF or NUL";
    case errc::no_body:
      return "the mailto: URL has no body to send";
  }
  return "unknown corofetch.smtp error";
}

const detail::module_category category{"corofetch.smtp", &describe};

}  // namespace

const std::error_category& smtp_category() noexcept {
  return category;
}

}  // namespace corofetch::smtp
