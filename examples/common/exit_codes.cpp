#include "common/exit_codes.hpp"

#include <corofetch/client/error.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/http/error.hpp>
#include <corofetch/net/error.hpp>
#include <corofetch/url/error.hpp>

#include <asio/error.hpp>

#include <fmt/format.h>

#include <array>
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
  // curl's 61: "Unrecognized transfer encoding", also bad compressed data.
  if (ec == http::errc::decoded_too_large || ec == http::errc::unsupported_transfer_coding ||
      ec == http::errc::unsupported_coding || ec == http::errc::corrupt_coding ||
      ec == http::errc::truncated_coding) {
    return exit_bad_content_encoding;
  }
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

std::string exit_codes_table(std::span<const exit_code_row> rows, const std::string& heading) {
  std::string out = heading;
  for (const exit_code_row& row : rows) {
    out += fmt::format("\n  {:<3} {}", row.code, row.meaning);
  }
  return out + "\n";
}

std::string exit_codes_help() {
  static constexpr std::array<exit_code_row, 23> rows{{
      {exit_ok, "success"},
      {exit_unsupported_protocol, "unsupported protocol, or another failure"},
      {exit_usage, "bad usage (one line on stderr)"},
      {exit_bad_url, "malformed URL"},
      {exit_proxy_resolve, "proxy failed"},
      {exit_resolve, "could not resolve the host"},
      {exit_connect, "could not connect"},
      {exit_weird_reply, "the reply is not HTTP"},
      {exit_partial_file, "partial body: the connection ended early"},
      {exit_http_error, "HTTP status >= 400 with -f"},
      {exit_write_error, "writing the output failed (or binary output to a terminal refused)"},
      {exit_read_error, "reading a file to send failed"},
      {exit_timeout, "timeout"},
      {exit_range_error, "resume (-C) refused: the server does not do byte ranges"},
      {exit_tls_connect, "TLS handshake failed"},
      {exit_too_many_redirects, "too many redirects, or a redirect loop"},
      {exit_empty_reply, "empty reply from the server"},
      {exit_recv_error, "receiving failed (connection reset)"},
      {exit_tls_certificate, "the server's certificate is not trusted"},
      {exit_bad_content_encoding, "bad content encoding"},
      {exit_file_too_large, "body over the size limit"},
      {exit_internal, "internal error (a bug: please report it)"},
      {exit_ca_file, "the CA file (--cacert) could not be read"},
  }};
  return exit_codes_table(rows, "Exit codes (curl's):");
}

}  // namespace corofetch::tool
