#include <corofetch/detail/error_category.hpp>
#include <corofetch/dns/error.hpp>

#include <ares.h>

namespace corofetch::dns {
namespace {

// Codes that stand for a c-ares status keep c-ares' own words (ares_strerror).
const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::nxdomain:
      return ares_strerror(ARES_ENOTFOUND);
    case errc::nodata:
      return ares_strerror(ARES_ENODATA);
    case errc::servfail:
      return ares_strerror(ARES_ESERVFAIL);
    case errc::refused:
      return ares_strerror(ARES_EREFUSED);
    case errc::timeout:
      return ares_strerror(ARES_ETIMEOUT);
    case errc::bad_name:
      return ares_strerror(ARES_EBADNAME);
    case errc::malformed_answer:
      return ares_strerror(ARES_EBADRESP);
    case errc::connection_refused:
      return ares_strerror(ARES_ECONNREFUSED);
    case errc::cancelled:
      return ares_strerror(ARES_ECANCELLED);
    case errc::format_error:
      return ares_strerror(ARES_EFORMERR);
    case errc::not_implemented:
      return ares_strerror(ARES_ENOTIMP);
    case errc::bad_family:
      return ares_strerror(ARES_EBADFAMILY);
    case errc::bad_options:
      return "Invalid resolver options (server list, search domains)";
    case errc::out_of_memory:
      return ares_strerror(ARES_ENOMEM);
    case errc::unsupported_type:
      return "Record type not supported by this resolver";
    case errc::other:
      return "Other DNS resolution failure";
    case errc::lame_delegation:
      return "No name server of the zone answered with authority (lame delegation)";
    case errc::resolution_loop:
      return "CNAME chain loops back on itself";
    case errc::query_limit:
      return "Iterative resolution exceeded its query or depth limit";
  }
  return "Unknown DNS error";
}

const detail::module_category category{"corofetch.dns", &describe};

}  // namespace

const std::error_category& dns_category() noexcept {
  return category;
}

bool is_transient(std::error_code ec) noexcept {
  return ec == errc::timeout || ec == errc::servfail || ec == errc::refused ||
         ec == errc::connection_refused || ec == errc::malformed_answer;
}

bool is_negative(std::error_code ec) noexcept {
  return ec == errc::nxdomain || ec == errc::nodata;
}

}  // namespace corofetch::dns
