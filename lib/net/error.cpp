#include <corofetch/detail/error_category.hpp>
#include <corofetch/net/error.hpp>

namespace corofetch::net {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::ipv4_invalid:
      return "invalid IPv4 address";
    case errc::ipv4_leading_zero:
      return "IPv4 address part with a leading zero";
    case errc::ipv6_invalid:
      return "invalid IPv6 address";
    case errc::ipv6_zone_unsupported:
      return "IPv6 zone index not supported";
    case errc::address_invalid:
      return "invalid IP address";
    case errc::prefix_length_invalid:
      return "invalid prefix length or netmask";
    case errc::prefix_length_out_of_range:
      return "prefix length out of range";
    case errc::netmask_non_contiguous:
      return "netmask is not contiguous";
    case errc::netmask_family_mismatch:
      return "netmask family differs from the address family";
    case errc::no_endpoints:
      return "no endpoint to connect to";
    case errc::connect_timeout:
      return "connect timed out";
    case errc::tls_context_failed:
      return "TLS context set-up failed";
    case errc::tls_handshake_timeout:
      return "TLS handshake timed out";
    case errc::tls_handshake_failed:
      return "TLS handshake failed";
    case errc::tls_certificate_untrusted:
      return "TLS certificate not trusted";
    case errc::tls_certificate_expired:
      return "TLS certificate expired or not yet valid";
    case errc::tls_certificate_invalid:
      return "TLS certificate invalid";
    case errc::tls_hostname_mismatch:
      return "TLS certificate does not match the host name";
    case errc::tls_stream_truncated:
      return "TLS stream truncated (no close_notify)";
    case errc::tls_protocol_error:
      return "TLS protocol error";
    case errc::stream_not_open:
      return "stream not open";
    case errc::stream_timeout:
      return "stream deadline passed";
  }
  return "unknown corofetch.net error";
}

const detail::module_category category{"corofetch.net", &describe};

}  // namespace

const std::error_category& net_category() noexcept {
  return category;
}

}  // namespace corofetch::net
