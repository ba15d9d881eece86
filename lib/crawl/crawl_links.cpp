// The links of a fetched URL and their verdicts: an HTML page's hyperlinks and frames (the
// html module's extract_references: base href, rel=nofollow, meta robots), a redirect's
// Location, a sitemap's URLs; then nofollow, the scope, the depth and a robots.txt already
// known decide which are followed.
#include "crawl/crawl_run.hpp"

#include <corofetch/http/syntax.hpp>

#include <algorithm>
#include <cctype>

namespace corofetch::crawl::detail {
namespace {

// The media type of a Content-Type value: before ';', trimmed, lowercased (RFC 9110 8.3.1).
void media_type(std::string_view value, std::string& out) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  out.assign(value);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
}

bool is_html(std::string_view type) {
  return type == "text/html" || type == "application/xhtml+xml";
}

bool is_http(const url::url& u) {
  return u.scheme() == "http" || u.scheme() == "https";
}

void read_redirect(crawl_page& page, const url::url& base) {
  const auto location = page.response.fields.find("Location");
  if (!location) return;
  auto target = url::parse(*location, base);
  if (!target || !is_http(*target)) return;
  crawl_link& link = page.links.emplace_back();
  link.location = std::move(*target);
  link.redirect = true;
}

void read_html(run_state& s, crawl_page& page, const url::url& base) {
  auto found = html::extract_references(page.response.body, base, s.references);
  if (!found) {
    page.error = found.error();
    page.error_detail = "HTML: " + found.error().message();
    return;
  }
  page.html = true;
  page.noindex = found->noindex;
  page.nofollow = found->nofollow;
  page.links.reserve(found->items.size());
  for (html::reference& r : found->items) {
    if (r.inline_data) continue;
    crawl_link& link = page.links.emplace_back();
    link.location = std::move(r.location);
    link.kind = r.kind;
    link.nofollow = r.nofollow;
  }
}

void read_sitemap(run_state& s, crawl_page& page, const url::url& target) {
  std::string detail;
  auto found = parse_any_sitemap(page.response.body, target, s.options.sitemap, &detail);
  if (!found) {
    page.error = found.error();
    page.error_detail = "sitemap: " + (detail.empty() ? found.error().message() : detail);
    return;
  }
  page.links.reserve(found->entries.size());
  for (sitemap_entry& e : found->entries) {
    crawl_link& link = page.links.emplace_back();
    link.location = std::move(e.loc);
    link.sitemap = found->kind == sitemap_kind::index;
  }
}

// The robots.txt outcome of the last origin asked about: most links of a page share the
// page's origin, so most lookups cost three compares and no allocation.
struct robots_memo {
  const url::url* last = nullptr;
  std::shared_ptr<const robots_outcome> outcome;

  const robots_outcome* find(run_state& s, const url::url& u) {
    const bool same = last != nullptr && last->scheme() == u.scheme() &&
                      last->hostname() == u.hostname() && last->port() == u.port();
    if (!same) {
      outcome = s.robots.lookup(robots_origin(u), clock_type::now());
      last = &u;
    }
    return outcome.get();
  }
};

link_verdict judge(run_state& s, const crawl_page& page, crawl_link& link, robots_memo& memo) {
  if (link.sitemap) return link_verdict::follow;  // an index's sitemaps, wherever they are
  const bool from_page = page.purpose == fetch_purpose::page && !link.redirect;
  if (from_page && (link.nofollow || page.nofollow)) return link_verdict::nofollow;
  link.scope = s.scope.check(link.location);
  if (link.scope != scope_verdict::in_scope) return link_verdict::out_of_scope;
  const std::uint32_t depth = page.purpose == fetch_purpose::sitemap ? 0
                              : link.redirect                        ? page.depth
                                                                     : page.depth + 1;
  if (s.options.max_depth && depth > *s.options.max_depth) return link_verdict::too_deep;
  if (s.options.obey_robots) {
    const robots_outcome* outcome = memo.find(s, link.location);
    if (outcome != nullptr && !outcome->allowed(link.location.path_and_query())) {
      return link_verdict::robots_disallowed;
    }
  }
  return link_verdict::follow;
}

}  // namespace

void read_links(run_state& s, worker& w, const url::url& target) {
  crawl_page& page = w.page;
  media_type(page.response.fields.find("Content-Type").value_or(""), page.content_type);
  w.base = target;
  if (!page.response.url.empty() && page.response.url != target.href()) {
    if (auto final_url = url::parse(page.response.url)) w.base = std::move(*final_url);
  }
  if (page.error) return;
  const int status = page.response.status;
  if (status >= 300 && status < 400) {
    read_redirect(page, *w.base);
  } else if (status >= 200 && status < 300) {
    if (page.purpose == fetch_purpose::sitemap) {
      read_sitemap(s, page, *w.base);
    } else if (is_html(page.content_type)) {
      read_html(s, page, *w.base);
    }
  }
  robots_memo memo;
  for (crawl_link& link : page.links) link.verdict = judge(s, page, link, memo);
}

std::string robots_refusal(const robots_outcome& outcome, std::string_view path_and_query) {
  if (outcome.status == robots_status::disallow_all) {
    if (outcome.http_status == 0) return "robots.txt unreachable";
    return "robots.txt unreachable: HTTP " + std::to_string(outcome.http_status);
  }
  const robots_rule* rule = outcome.rules.match(path_and_query);
  if (rule == nullptr) return "disallowed by robots.txt";
  std::string out = "Disallow: " + std::string(rule->pattern());
  if (rule->line() != 0) out += " (line " + std::to_string(rule->line()) + ")";
  return out;
}

}  // namespace corofetch::crawl::detail
