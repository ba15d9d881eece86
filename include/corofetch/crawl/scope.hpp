#pragma once

#include <corofetch/crawl/error.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::crawl {

/// Which URLs a crawl may follow, from its seeds.
enum class scope_kind : std::uint8_t {
  host,    ///< on a seed's host (scheme and port may differ)
  domain,  ///< under a seed's registrable domain (the Public Suffix List's eTLD+1)
  prefix,  ///< starting with a seed's prefix (see scope_options::prefixes)
  any,     ///< anywhere (the regular expressions still apply)
};

/// A crawl's scope.
struct scope_options {
  scope_kind kind = scope_kind::host;
  /// For scope_kind::prefix: canonical URL prefixes. Empty: each seed up to the last '/' of its
  /// path ("http://h/docs/a.html" gives "http://h/docs/"), as wget --no-parent.
  std::vector<std::string> prefixes;
  /// ECMAScript regular expressions searched in the canonical URL: when any is given, a URL
  /// must match one of them.
  std::vector<std::string> include;
  /// ECMAScript regular expressions: a URL matching any of them is out.
  std::vector<std::string> exclude;
};

/// Why a URL is in or out of scope.
enum class scope_verdict : std::uint8_t {
  in_scope,
  other_host,      ///< scope host: not on a seed's host
  other_domain,    ///< scope domain: not under a seed's registrable domain
  outside_prefix,  ///< scope prefix: under no prefix
  not_included,    ///< matches none of the include expressions
  excluded,        ///< matches an exclude expression
  not_http,        ///< neither http nor https
};

/// A short name for a verdict: "in scope", "other host", "excluded", ...
[[nodiscard]] std::string_view to_string(scope_verdict verdict) noexcept;

/// The scope decision of a crawl. Immutable after make() but for add_seed(); cheap to query
/// for host, domain and prefix (a hash lookup or a few compares), a regular expression search
/// per expression otherwise. Movable; const members may be called from several threads.
class scope {
 public:
  /// Builds the scope of `seeds` (canonical http or https URLs). Errors:
  /// errc::invalid_options for a regular expression that does not compile (`detail` gets the
  /// expression and the reason) or a prefix that is not an absolute URL.
  static result<scope> make(const scope_options& options, std::span<const url::url> seeds,
                            std::string* detail = nullptr);
  scope(scope&&) noexcept;
  scope& operator=(scope&&) noexcept;
  ~scope();

  /// Decides for `u`: the kind's test first, then exclude, then include.
  [[nodiscard]] scope_verdict check(const url::url& u) const;
  /// Widens the scope by one more seed (its host, domain or prefix).
  void add_seed(const url::url& seed);

 private:
  struct impl;
  explicit scope(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace corofetch::crawl
