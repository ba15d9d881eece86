#pragma once
// What the consumer's checks share. The consumer uses corofetch the way a user's program does,
// through the installed headers and the package's target, and checks results a user would see.

#include <string>
#include <string_view>

namespace consumer {

/// The site's page: a title, a stylesheet, a hyperlink and three images.
inline constexpr std::string_view index_html =
    "<!doctype html><html><head><title>Consumer page</title>"
    "<link rel=stylesheet href=/style.css></head><body>"
    "<a href=about.html>about</a>"
    "<img src=img/a.png alt=a><img src=img/b.png alt=b><img src=/img/c.png alt=c>"
    "</body></html>";

/// The site's robots.txt (RFC 9309).
inline constexpr std::string_view robots_txt =
    "User-agent: *\nDisallow: /private/\nAllow: /private/open\n"
    "Sitemap: http://gallery.test/sitemap.xml\n";

/// Counts a failed check, printed on stderr with `what`, unless `ok`.
void expect(bool ok, std::string_view what);
/// The number of failed checks so far.
int failures();

/// url, net, http, html and crawl: parsers and builders, no I/O.
void check_parsers();
/// dns, client, page and load against a loopback site server started here; `work_dir` receives
/// the hosts file the resolver reads.
void check_network(const std::string& work_dir);
/// css, file, ftp, smtp, redis and nntp: parsers, and a file written in `work_dir` read back
/// through a file: URL.
void check_protocols(const std::string& work_dir);

}  // namespace consumer
