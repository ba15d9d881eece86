// A crawl's scope: hosts, registrable domains (libpsl) or URL prefixes from the seeds, then
// the include and exclude expressions over the canonical URL.
#include <corofetch/crawl/scope.hpp>

#include <corofetch/url/public_suffix.hpp>

#include <functional>
#include <regex>
#include <unordered_set>

namespace corofetch::crawl {
namespace {

bool is_http(const url::url& u) {
  return u.scheme() == "http" || u.scheme() == "https";
}

// Where a seed's prefix ends: after the last '/' of its path.
std::string directory_of(const url::url& u) {
  const std::string_view href = u.href_without_fragment();
  const std::size_t path_end = href.size() - u.search().size();
  const std::size_t slash = href.rfind('/', path_end == 0 ? 0 : path_end - 1);
  return std::string(href.substr(0, slash + 1));
}

}  // namespace

std::string_view to_string(scope_verdict verdict) noexcept {
  switch (verdict) {
    case scope_verdict::in_scope:
      return "in scope";
    case scope_verdict::other_host:
      return "other host";
    case scope_verdict::other_domain:
      return "other domain";
    case scope_verdict::outside_prefix:
      return "outside prefix";
    case scope_verdict::not_included:
      return "not included";
    case scope_verdict::excluded:
      return "excluded";
    case scope_verdict::not_http:
      return "not http";
  }
  return "unknown";
}

namespace {
struct name_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
using name_set = std::unordered_set<std::string, name_hash, std::equal_to<>>;
}  // namespace

struct scope::impl {
  scope_kind kind = scope_kind::host;
  name_set hosts;    // scope host; scope domain for hosts without a registrable domain
  name_set domains;  // scope domain
  std::vector<std::string> prefixes;  // scope prefix
  bool prefixes_from_seeds = true;
  std::vector<std::regex> include;
  std::vector<std::regex> exclude;

  [[nodiscard]] scope_verdict kind_verdict(const url::url& u) const {
    switch (kind) {
      case scope_kind::host:
        return hosts.contains(u.hostname()) ? scope_verdict::in_scope : scope_verdict::other_host;
      case scope_kind::domain: {
        const std::string domain = url::registrable_domain(u.hostname());
        const bool in = domain.empty() ? hosts.contains(u.hostname()) : domains.contains(domain);
        return in ? scope_verdict::in_scope : scope_verdict::other_domain;
      }
      case scope_kind::prefix: {
        const std::string_view href = u.href_without_fragment();
        for (const std::string& p : prefixes) {
          if (href.starts_with(p)) return scope_verdict::in_scope;
        }
        return scope_verdict::outside_prefix;
      }
      case scope_kind::any:
        break;
    }
    return scope_verdict::in_scope;
  }
};

namespace {

std::error_code compile(const std::vector<std::string>& patterns, std::vector<std::regex>& out,
                        std::string* detail) {
  for (const std::string& p : patterns) {
    try {
      out.emplace_back(p, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      if (detail != nullptr) *detail = "bad regular expression \"" + p + "\": " + e.what();
      return errc::invalid_options;
    }
  }
  return {};
}

}  // namespace

result<scope> scope::make(const scope_options& options, std::span<const url::url> seeds,
                          std::string* detail) {
  auto state = std::make_unique<impl>();
  state->kind = options.kind;
  if (const std::error_code ec = compile(options.include, state->include, detail)) return ec;
  if (const std::error_code ec = compile(options.exclude, state->exclude, detail)) return ec;
  for (const std::string& p : options.prefixes) {
    auto u = url::parse(p);
    if (!u || !is_http(*u)) {
      if (detail != nullptr) *detail = "bad scope prefix \"" + p + "\"";
      return errc::invalid_options;
    }
    // The prefix as canonical text, so that it compares with canonical URLs; parsing adds a
    // '/' to a bare origin ("http://h" becomes "http://h/").
    state->prefixes.emplace_back(u->href_without_fragment());
  }
  state->prefixes_from_seeds = options.prefixes.empty();
  scope s(std::move(state));
  for (const url::url& seed : seeds) s.add_seed(seed);
  return s;
}

scope::scope(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
scope::scope(scope&&) noexcept = default;
scope& scope::operator=(scope&&) noexcept = default;
scope::~scope() = default;

void scope::add_seed(const url::url& seed) {
  impl_->hosts.emplace(seed.hostname());
  if (impl_->kind == scope_kind::domain) {
    std::string domain = url::registrable_domain(seed.hostname());
    if (!domain.empty()) impl_->domains.insert(std::move(domain));
  }
  if (impl_->kind == scope_kind::prefix && impl_->prefixes_from_seeds) {
    impl_->prefixes.push_back(directory_of(seed));
  }
}

scope_verdict scope::check(const url::url& u) const {
  if (!is_http(u)) return scope_verdict::not_http;
  const scope_verdict v = impl_->kind_verdict(u);
  if (v != scope_verdict::in_scope) return v;
  if (impl_->exclude.empty() && impl_->include.empty()) return v;
  const std::string_view href = u.href_without_fragment();
  const auto matches = [&](const std::regex& re) {
    return std::regex_search(href.begin(), href.end(), re);
  };
  for (const std::regex& re : impl_->exclude) {
    if (matches(re)) return scope_verdict::excluded;
  }
  if (impl_->include.empty()) return v;
  for (const std::regex& re : impl_->include) {
    if (matches(re)) return v;
  }
  return scope_verdict::not_included;
}

}  // namespace corofetch::crawl
