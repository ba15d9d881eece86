#include <corofetch/url/public_suffix.hpp>

#include <libpsl.h>

namespace corofetch::url {
namespace {

const psl_ctx_t* public_suffix_list() {
  static const psl_ctx_t* const list = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  return list;
}

// The URL parser writes IPv4 hosts dotted-decimal and IPv6 ones in brackets; the list's "*"
// rule would otherwise make "0.1" of 127.0.0.1 a domain.
bool is_ip_address(std::string_view host) {
  return (!host.empty() && host.front() == '[') ||
         host.find_first_not_of("0123456789.") == std::string_view::npos;
}

}  // namespace

bool is_public_suffix(std::string_view host) {
  const psl_ctx_t* list = public_suffix_list();
  if (list == nullptr) return true;
  const std::string name(host);
  return psl_is_public_suffix2(list, name.c_str(), PSL_TYPE_ANY) != 0;
}

std::string registrable_domain(std::string_view host) {
  const psl_ctx_t* list = public_suffix_list();
  if (list == nullptr || host.empty() || is_ip_address(host)) return {};
  const std::string name(host);
  const char* domain = psl_registrable_domain(list, name.c_str());
  return domain == nullptr ? std::string() : std::string(domain);
}

}  // namespace corofetch::url
