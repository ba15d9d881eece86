#include "support/crawl/generated_site.hpp"

#include <deque>

namespace corofetch::test {
namespace {

constexpr std::size_t npos = std::string::npos;

std::string page_path(std::size_t i) {
  return "/p/" + std::to_string(i) + ".html";
}

// The pages page i links to (through its hrefs, once resolved).
std::vector<std::size_t> page_links(std::size_t i, std::size_t n) {
  return {(i + 1) % n, (i * 7 + 3) % n, (i * 13 + 5) % n};
}

// The number between `prefix` and `suffix` in `path` ("/p/12.html"); npos when there is none.
std::size_t number_in(const std::string& path, const std::string& prefix,
                      const std::string& suffix) {
  if (path.size() <= prefix.size() + suffix.size() || path.rfind(prefix, 0) != 0 ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return npos;
  }
  const std::string digits =
      path.substr(prefix.size(), path.size() - suffix.size() - prefix.size());
  if (digits.find_first_not_of("0123456789") != npos || digits.size() > 9) return npos;
  return std::stoul(digits);
}

crawl_server::reply not_found(const std::string& path) {
  crawl_server::reply r;
  r.status = 404;
  r.content_type = "text/plain";
  r.body = "not found: " + path;
  return r;
}

}  // namespace

std::string generated_site::page_html(std::size_t i, const std::string& authority) const {
  const auto links = page_links(i, pages);
  const std::string n = std::to_string(i);
  std::string h = "<!doctype html><html><head><title>page " + n + "</title>";
  if (is_meta_nofollow(i)) h += "<meta name=robots content=nofollow>";
  if (is_noindex(i)) h += "<meta name=\"robots\" content=\"noindex\">";
  h += "</head><body><h1>Page " + n + "</h1>\n";
  h += "<a href=\"/p/" + std::to_string(links[0]) + ".html\">next</a>\n";
  h += "<a href=\"" + std::to_string(links[1]) + ".html#section\">seven</a>\n";
  h += "<a href=\"../p/./" + std::to_string(links[2]) + ".html\">thirteen</a>\n";
  h += "<a href=\"/p/" + std::to_string(links[0]) + ".html#again\">next again</a>\n";
  if (i % 10 == 0) h += "<a href=\"/r/" + std::to_string((i * 3) % pages) + "\">moved</a>\n";
  if (i % 17 == 0) h += "<a href=\"/missing/" + n + "\">gone</a>\n";
  if (i % 23 == 0) h += "<a href=\"/files/" + n + ".bin\">file</a>\n";
  if (i % 29 == 0) h += "<a href=\"/private/" + n + ".html\">private</a>\n";
  if (i % 31 == 0) h += "<a rel=\"nofollow\" href=\"/nofollow/" + n + ".html\">ad</a>\n";
  if (i % 37 == 0) h += "<a href=\"http://elsewhere.test/" + n + "\">out</a>\n";
  if (i % 41 == 0) h += "<a href=\"mailto:someone@example.com\">mail</a>\n";
  // Page i of the next host name, on the same port ("//b.test:PORT/p/i.html").
  const std::string host = authority.substr(0, authority.find(':'));
  const std::string port = authority.find(':') == npos ? "" : authority.substr(authority.find(':'));
  for (std::size_t k = 0; hosts.size() > 1 && k < hosts.size(); ++k) {
    if (hosts[k] != host) continue;
    h += "<a href=\"//" + hosts[(k + 1) % hosts.size()] + port + "/p/" + n + ".html\">x</a>\n";
    break;
  }
  h += "</body></html>\n";
  return h;
}

crawl_server::reply generated_site::answer(const crawl_server::request& r) const {
  crawl_server::reply out;
  out.delay = delay;
  const std::string& path = r.path;
  if (path == "/robots.txt") {
    out.content_type = "text/plain";
    out.body = robots;
    return out;
  }
  if (const std::size_t i = number_in(path, "/p/", ".html"); i != npos && i < pages) {
    out.content_type = "text/html; charset=utf-8";
    out.body = page_html(i, r.authority);
    return out;
  }
  if (const std::size_t i = number_in(path, "/r/", ""); i != npos && i < pages) {
    out.status = 301;
    out.content_type = "text/html";
    out.fields.emplace_back("Location", page_path(i));
    return out;
  }
  if (const std::size_t i = number_in(path, "/files/", ".bin"); i != npos && i < pages) {
    out.content_type = "application/octet-stream";
    out.body = "<a href=\"/p/999999.html\">not a link: this is no HTML</a>";
    return out;
  }
  if (const std::size_t i = number_in(path, "/private/", ".html"); i != npos && i < pages) {
    out.body = "<a href=\"/p/999998.html\">secret</a>";
    return out;
  }
  return not_found(path);
}

std::set<std::string> generated_site::expected_paths() const {
  std::set<std::string> out;
  if (robots_obeyed) out.insert("/robots.txt");
  std::vector<bool> seen(pages, false);
  std::deque<std::size_t> queue{0};
  seen[0] = true;
  while (!queue.empty()) {
    const std::size_t i = queue.front();
    queue.pop_front();
    out.insert(page_path(i));
    if (is_meta_nofollow(i)) continue;
    std::vector<std::size_t> next = page_links(i, pages);
    if (i % 10 == 0) {
      out.insert("/r/" + std::to_string((i * 3) % pages));
      next.push_back((i * 3) % pages);
    }
    if (i % 17 == 0) out.insert("/missing/" + std::to_string(i));
    if (i % 23 == 0) out.insert("/files/" + std::to_string(i) + ".bin");
    if (i % 29 == 0 && !robots_obeyed) {
      out.insert("/private/" + std::to_string(i) + ".html");
      out.insert("/p/999998.html");  // the private pages' link, to a missing page
    }
    for (const std::size_t j : next) {
      if (!seen[j]) {
        seen[j] = true;
        queue.push_back(j);
      }
    }
  }
  return out;
}

}  // namespace corofetch::test
