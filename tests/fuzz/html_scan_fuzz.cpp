// libFuzzer target for the link scanner: any bytes give, with the scanner on, exactly what gumbo's
// full parse gives (extract_references with reference_options::scan off), under the crawler's
// options and a few others the scanner covers (one kind, robots name, noscript, data: URLs,
// tight bounds); and the path is "scanned" or "fell back" with a reason, never "parsed". Aborts
// otherwise, printing both results.
#include "../unit/html/scan_fingerprint.hpp"

#include <corofetch/html/references.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

// gumbo 0.10 leaks on some malformed input: a duplicate attribute's name when, as parse_html
// runs it, it records no errors (add_duplicate_attr_error returns before freeing it), and a few
// bytes on other broken markup these tests generate by the thousand. The full parse compared
// against leaks there; the scanner does not. LeakSanitizer reads this hook.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgumbo.so\n";
}

namespace {

namespace html = corofetch::html;

const corofetch::url::url& document_url() {
  static const auto u = corofetch::url::parse("https://fuzz.example/dir/page.html?q#f");
  return u.value();
}

void compare(std::string_view input, html::reference_options options) {
  options.scan = false;
  const auto parsed = html::extract_references(input, document_url(), options);
  options.scan = true;
  const auto scanned = html::extract_references(input, document_url(), options);
  const std::string a = scan_test::outcome(parsed);
  const std::string b = scan_test::outcome(scanned);
  if (a != b) {
    std::fprintf(stderr,
                 "html_scan_fuzz: the scanner differs from the full parse\n--- parse\n%s\n"
                 "--- scanner\n%s\n",
                 a.c_str(), b.c_str());
    std::abort();
  }
  if (scanned &&
      (scanned->path == html::extraction_path::parsed ||
       (scanned->path == html::extraction_path::fell_back) == scanned->fallback_reason.empty())) {
    std::fprintf(stderr, "html_scan_fuzz: path %.*s without its reason\n",
                 static_cast<int>(to_string(scanned->path).size()),
                 to_string(scanned->path).data());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  html::reference_options crawl;
  crawl.kinds = html::reference_kinds::crawl();
  compare(input, crawl);

  html::reference_options links = crawl;
  links.kinds = {html::reference_kind::hyperlink};
  links.robots_name = "fuzzbot";
  links.include_noscript = true;
  links.data_urls = html::data_url_policy::report;
  compare(input, links);

  html::reference_options tight = crawl;
  tight.kinds = {html::reference_kind::frame};
  tight.max_references = 2;
  tight.max_skipped = 1;
  tight.max_nesting_depth = 16;
  compare(input, tight);
  return 0;
}
