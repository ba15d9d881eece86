// A program that uses corofetch as a dependency: tests/install builds it against the installed
// package, the build tree's export, add_subdirectory() and pkg-config, then runs it. It uses
// every module (url, net, http, html, crawl here; dns, client, page, load in network.cpp; css,
// file, ftp, smtp, redis, nntp in protocols.cpp) and checks what each gives; it prints one line
// and exits 0 when every check passed.
#include "checks.hpp"

#include <corofetch/crawl/robots.hpp>
#include <corofetch/html/references.hpp>
#include <corofetch/http/request.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/net/address.hpp>
#include <corofetch/net/cidr.hpp>
#include <corofetch/net/classify.hpp>
#include <corofetch/url/url.hpp>
#include <corofetch/version.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <exception>

namespace consumer {
namespace {

int failed_checks = 0;

void check_url() {
  const auto u = corofetch::url::parse("http://user:pw@www.cyber.co.kr:80/dir/");
  expect(u && u->hostname() == "www.cyber.co.kr" && u->effective_port() == 80 &&
             u->path_and_query() == "/dir/" && corofetch::url::local_file_name(*u) == "index.html",
         "url: parts of http://user:pw@www.cyber.co.kr:80/dir/");
  if (!u) return;
  const auto image = corofetch::url::parse("../img/a.png", *u);
  expect(image && image->href() == "http://user:pw@www.cyber.co.kr/img/a.png",
         "url: ../img/a.png against it");
}

void check_net() {
  const auto loopback = corofetch::net::parse_address("127.0.0.1");
  expect(loopback && corofetch::net::classify(*loopback) == corofetch::net::address_class::loopback,
         "net: 127.0.0.1 is a loopback address");
  const auto block = corofetch::net::parse_cidr("192.168.1.7/24");
  expect(block && block->network().to_string() == "192.168.1.0" && block->broadcast() &&
             block->broadcast()->to_string() == "192.168.1.255",
         "net: 192.168.1.7/24's network and broadcast addresses");
}

void check_http() {
  const auto u = corofetch::url::parse("http://user:pw@www.cyber.co.kr:80/dir/");
  if (!u) return;
  const auto request = corofetch::http::make_request(corofetch::http::method{}, *u);
  expect(request.has_value(), "http: a GET request for the URL");
  if (!request) return;
  const auto bytes = corofetch::http::serialize(*request);
  expect(bytes && bytes->starts_with("GET /dir/ HTTP/1.1\r\nHost: www.cyber.co.kr\r\n") &&
             bytes->find("\r\nAuthorization: Basic dXNlcjpwdw==\r\n") != std::string::npos &&
             bytes->ends_with("\r\n\r\n"),
         "http: the serialized request line, Host and Basic credentials");
}

void check_html() {
  const auto base = corofetch::url::parse("http://gallery.test/");
  if (!base) return;
  const auto found = corofetch::html::extract_references(index_html, *base);
  expect(found.has_value(), "html: the page's references");
  if (!found) return;
  const auto count = [&](corofetch::html::reference_kind kind) {
    return std::count_if(found->items.begin(), found->items.end(),
                         [&](const corofetch::html::reference& r) { return r.kind == kind; });
  };
  expect(found->title == "Consumer page" && count(corofetch::html::reference_kind::image) == 3 &&
             count(corofetch::html::reference_kind::stylesheet) == 1 &&
             count(corofetch::html::reference_kind::hyperlink) == 1 &&
             found->items.front().location.href() == "http://gallery.test/style.css",
         "html: title, 3 images, a stylesheet and a hyperlink");
}

void check_robots() {
  const auto robots = corofetch::crawl::robots::parse(robots_txt);
  const auto rules = robots.rules_for("corofetch/0.1");
  expect(!rules.allowed("/private/x") && rules.allowed("/private/open") && rules.allowed("/") &&
             robots.sitemaps().size() == 1,
         "crawl: robots.txt rules and sitemap");
}

}  // namespace

void expect(bool ok, std::string_view what) {
  if (ok) return;
  ++failed_checks;
  fmt::print(stderr, "consumer: check failed: {}\n", what);
}

int failures() {
  return failed_checks;
}

void check_parsers() {
  check_url();
  check_net();
  check_http();
  check_html();
  check_robots();
}

}  // namespace consumer

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: consumer WORK_DIR\n");
    return 2;
  }
  try {
    consumer::check_parsers();
    consumer::check_network(argv[1]);
    consumer::check_protocols(argv[1]);
  } catch (const std::exception& e) {
    fmt::print(stderr, "consumer: {}\n", e.what());
    return 1;
  }
  if (consumer::failures() != 0) return 1;
  fmt::print(
      "corofetch {}: url net http html crawl dns client page load css file ftp smtp redis nntp "
      "ok\n",
      corofetch::version_string);
  return 0;
}
