#pragma once
// Host parsing (URL Standard 3.5 "host parsing"), used by the parser in parser.cpp.

#include <corofetch/url/url.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace corofetch::url::detail {

/// Parses `input` (the raw host of a URL, not yet percent-decoded) and appends its serialization
/// to `out`: a lowercase ASCII domain, dotted-decimal IPv4, bracketed compressed IPv6, or for a
/// non-special URL an opaque host. On error `out` may hold a partial host; the caller discards it.
std::error_code parse_host(std::string_view input, bool special, std::string& out, host_kind& kind);

/// UTS 46 ToASCII of a non-ASCII domain (URL Standard "domain to ASCII" with beStrict false),
/// appended to `out`. Implemented in idna.cpp over libidn2.
std::error_code domain_to_ascii(std::string_view utf8, std::string& out);

}  // namespace corofetch::url::detail
