#include "common/exit_codes.hpp"

#include <corofetch/client/error.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/http/error.hpp>
#include <corofetch/net/error.hpp>
#include <corofetch/url/error.hpp>

#include <asio/error.hpp>

#include <string_view>

namespace corofetch::tool {

namespace {

int client_exit_code(client::errc e) {
  using client::errc;
  switch (e) {
    case errc::too_many_redirects:
    case errc::redirect_loop:
      return exit_too_many_redirects;
    case errc::proxy_connect_failed:
    case errc::invalid_proxy:
      return exit_proxy_resolve;
    case errc::sink_failed:
      return exit_write_error;
    case errc::body_too_large:
      return exit_file_too_large;
    case errc::unsupported_scheme:
      return exit_unsupported_protocol;
    default:
      return client::is_timeout(e) ? exit_timeout : exit_unsupported_protocol;
  }
}

int net_exit_code(std::error_code ec) {
  if (ec == net::errc::tls_certificate_untrusted || ec == net::errc::tls_certificate_expired ||
      ec == net::errc::tls_certificate_invalid || ec == net::errc::tls_hostname_mismatch) {
    return exit_tls_certificate;
  }
  if (ec == net::errc::connect_timeout || ec == net::errc::tls_handshake_timeout) {
    return exit_timeout;
  }
  if (ec == net::errc::tls_context_failed) return exit_ca_file;
  if (ec == net::errc::tls_stream_truncated || ec == net::errc::tls_protocol_error) {
    return exit_recv_error;
  }
  if (ec == net::errc::tls_handshake_failed) return exit_tls_connect;
  return exit_connect;
}

int http_exit_code(std::error_code ec) {
  if (ec == http::errc::empty_response) return exit_empty_reply;
  if (ec == http::errc::truncated) return exit_partial_file;
  if (ec == http::errc::decoded_too_large) return exit_bad_content_encoding;
  if (ec == http::errc::unsupported_scheme || ec == http::errc::url_without_host) {
    return exit_bad_url;
  }
  return exit_weird_reply;
}

}  // namespace

int exit_code_for(std::error_code ec) {
  if (!ec) return exit_ok;
  if (ec.category() == client::client_category()) {
    return client_exit_code(static_cast<client::errc>(ec.value()));
  }
  if (ec.category() == dns::dns_category()) return exit_resolve;
  if (ec.category() == net::net_category()) return net_exit_code(ec);
  if (ec.category() == http::http_category()) return http_exit_code(ec);
  if (ec.category() == url::url_category()) return exit_bad_url;
  if (ec == asio::error::connection_refused || ec == asio::error::host_unreachable ||
      ec == asio::error::network_unreachable || ec == asio::error::address_family_not_supported) {
    return exit_connect;
  }
  if (ec == asio::error::connection_reset || ec == asio::error::eof ||
      ec == asio::error::broken_pipe) {
    return exit_recv_error;
  }
  if (ec == asio::error::timed_out) return exit_timeout;
  return exit_unsupported_protocol;
}

std::string exit_codes_help() {
  constexpr std::string_view text =
      "Exit codes (curl's):\n"
      "  0   success\n"
      "  1   unsupported protocol, or another failure\n"
      "  2   bad usage (one line on stderr)\n"
      "  3   malformed URL\n"
      "  5   proxy failed\n"
      "  6   could not resolve the host\n"
      "  7   could not connect\n"
      "  8   the reply is not HTTP\n"
      "  18  partial body: the connection ended early\n"
      "  22  HTTP status >= 400 with -f\n"
      "  23  writing the output failed (or binary output to a terminal refused)\n"
      "  26  reading a file to send failed\n"
      "  28  timeout\n"
      "  33  resume (-C) refused: the server does not do byte ranges\n"
      "  35  TLS handshake failed\n"
      "  47  too many redirects, or a redirect loop\n"
      "  52  empty reply from the server\n"
      "  56  receiving failed (connection reset)\n"
      "  60  the server's certificate is not trusted\n"
      "  61  bad content encoding\n"
      "  63  body over the size limit\n"
      "  70  internal error (a bug: please report it)\n"
      "  77  the CA file (--cacert) could not be read\n";
  return std::string(text);
}

}  // namespace corofetch::tool
