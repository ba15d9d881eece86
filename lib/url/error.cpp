#include <corofetch/detail/error_category.hpp>
#include <corofetch/url/error.hpp>

namespace corofetch::url {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::missing_scheme_non_relative_url:
      return "URL has no scheme and there is no base URL to resolve it against";
    case errc::invalid_scheme:
      return "URL scheme contains a character outside A-Z a-z 0-9 + - .";
    case errc::host_missing:
      return "URL has an empty host where one is required";
    case errc::host_invalid_code_point:
      return "URL host contains a forbidden code point (space, #, %, /, :, <, >, ?, @, [, \\, ], "
             "^ or |)";
    case errc::domain_invalid_code_point:
      return "URL host contains a forbidden code point after percent-decoding or IDNA mapping";
    case errc::domain_to_ascii:
      return "URL host is not a valid internationalized domain name (UTS 46 ToASCII failed)";
    case errc::port_invalid:
      return "URL port contains a character that is not a digit";
    case errc::port_out_of_range:
      return "URL port is greater than 65535";
    case errc::ipv4_too_many_parts:
      return "URL host looks like an IPv4 address but has more than four parts";
    case errc::ipv4_non_numeric_part:
      return "URL host ends in a number but a part of it is not a valid IPv4 number";
    case errc::ipv4_out_of_range_part:
      return "URL host is an IPv4 address with a part out of range (e.g. 256)";
    case errc::ipv6_unclosed:
      return "URL host starts with '[' but has no closing ']'";
    case errc::ipv6_invalid:
      return "URL host is not a valid IPv6 address";
    case errc::ipv4_in_ipv6_invalid:
      return "URL host is an IPv6 address with an invalid embedded IPv4 address";
    case errc::input_too_long:
      return "URL is too long (its serialization would exceed 4 GiB)";
  }
  return "unknown URL error";
}

const detail::module_category category("corofetch.url", &describe);

}  // namespace

const std::error_category& url_category() noexcept {
  return category;
}

}  // namespace corofetch::url
