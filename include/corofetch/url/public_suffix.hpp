#pragma once
// The Public Suffix List (https://publicsuffix.org/) through libpsl: which names are public
// suffixes ("co.uk", "github.io") and a host's registrable domain. Cookies use it to refuse a
// Domain that is a public suffix (RFC 6265 5.3 step 5), crawls to keep to one site. The list
// is the system's newest (libpsl's psl_latest: Debian's publicsuffix package), else the one
// built into libpsl, loaded once per process on first use.

#include <string>
#include <string_view>

namespace corofetch::url {

/// Whether `host` (an ASCII host as url::hostname gives it, without a trailing dot) is a
/// public suffix, ICANN or private section ("com", "co.uk", "github.io"). True for every name
/// when no list could be loaded: refusing is the safe side for cookies. Never fails.
[[nodiscard]] bool is_public_suffix(std::string_view host);

/// The registrable domain of `host`: its public suffix plus one label, "example.co.uk" for
/// "a.b.example.co.uk". "" for an IP address, a public suffix itself, or a name the list
/// cannot place. Never fails.
[[nodiscard]] std::string registrable_domain(std::string_view host);

}  // namespace corofetch::url
