#include <corofetch/url/url.hpp>

#include <fmt/core.h>

int main() {
  auto u = corofetch::url::parse("http://user:password@www.cyber.co.kr:80/dir/");
  if (!u) {
    fmt::print(stderr, "{}\n", u.error().message());  // e.g. "port out of range"
    return 1;
  }
  fmt::print("{}\n", u->hostname());                        // www.cyber.co.kr
  fmt::print("{}\n", u->effective_port().value_or(0));      // 80
  fmt::print("{}\n", u->path_and_query());                  // /dir/ (the HTTP request target)
  fmt::print("{}\n", corofetch::url::local_file_name(*u));  // index.html (the default document)
  auto image = corofetch::url::parse("../img/a.png", *u);
  if (image) fmt::print("{}\n", image->href());  // http://user:password@www.cyber.co.kr/img/a.png
}
