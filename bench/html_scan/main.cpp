// Nanoseconds per page for extract_references with the crawler's kinds (hyperlinks and frames):
// the link scanner against gumbo's full parse and tree walk (reference_options::scan = false),
// the baseline, over the same pages in one process. Rounds alternate the order (scanner first,
// then parse first, ...) and the median of the per-round ratios is reported.
//
// Page sets: the crawl benchmark's generated pages (bench/crawl/run.sh: about 1.5 KB, a title, a
// heading, a paragraph and four links in a list), and a larger realistic page from the test data
// (tests/unit/html/pages/front_page.html, 13 KB), or any files given with --page.
#include <corofetch/html/references.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
namespace html = corofetch::html;

// bench/crawl/run.sh's page i of n.
std::string crawl_page(std::size_t i, std::size_t n) {
  std::string filler = "<p>";
  for (int k = 0; k < 12; ++k)
    filler += "A paragraph of text about nothing in particular, as pages have. ";
  filler += "</p>\n";
  std::string links;
  for (const std::size_t j : {(i + 1) % n, (i * 7 + 3) % n, (i * 13 + 5) % n, (i * 31 + 11) % n}) {
    links += "<li><a href=\"/p/" + std::to_string(j) + ".html\">page " + std::to_string(j) +
             "</a></li>\n";
  }
  return "<!doctype html><html><head><title>Page " + std::to_string(i) +
         "</title></head><body>\n<h1>Page " + std::to_string(i) + "</h1>\n" + filler + "<ul>\n" +
         links + "</ul>\n</body></html>\n";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "html_scan_bench: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct page_set {
  std::string name;
  std::vector<std::string> pages;
  std::size_t passes = 1;  // over the set, per timing
};

// Extracts every page `passes` times; returns ns per page and the links found (kept, so that
// nothing is optimised away).
double time_set(const page_set& set, bool scan, std::size_t& links) {
  const auto base = corofetch::url::parse("http://127.0.0.1:8080/p/0.html").value();
  html::reference_options options;
  options.kinds = html::reference_kinds::crawl();
  options.scan = scan;
  const auto start = clock_type::now();
  for (std::size_t pass = 0; pass < set.passes; ++pass) {
    for (const std::string& page : set.pages) {
      const auto r = html::extract_references(page, base, options);
      if (r) links += r->items.size();
    }
  }
  const std::chrono::duration<double, std::nano> took = clock_type::now() - start;
  return took.count() / static_cast<double>(set.pages.size() * set.passes);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// How the scanner fared on the set: pages scanned and fallen back.
void report_paths(const page_set& set) {
  const auto before = html::extraction_statistics();
  std::size_t links = 0;
  (void)time_set(set, true, links);
  const auto after = html::extraction_statistics();
  const auto pages = static_cast<double>(set.pages.size() * set.passes);
  std::printf(
      "%s: %zu pages, %.0f bytes a page; scanned %.0f%%, fell back %.0f%%\n", set.name.c_str(),
      set.pages.size(),
      [&] {
        double bytes = 0;
        for (const auto& p : set.pages) bytes += static_cast<double>(p.size());
        return bytes / static_cast<double>(set.pages.size());
      }(),
      100.0 * static_cast<double>(after.scanned - before.scanned) / pages,
      100.0 * static_cast<double>(after.fell_back - before.fell_back) / pages);
  std::map<std::string_view, std::size_t> reasons;
  const auto base = corofetch::url::parse("http://127.0.0.1:8080/p/0.html").value();
  html::reference_options options;
  options.kinds = html::reference_kinds::crawl();
  for (const std::string& page : set.pages) {
    const auto r = html::extract_references(page, base, options);
    if (r && r->path == html::extraction_path::fell_back) ++reasons[r->fallback_reason];
  }
  for (const auto& [reason, n] : reasons) {
    std::printf("  fell back for %.*s: %zu pages\n", static_cast<int>(reason.size()), reason.data(),
                n);
  }
}

// --profile: the scanner alone, for a profiler.
void profile_set(const page_set& set, int rounds) {
  std::size_t links = 0;
  double ns = 0;
  for (int r = 0; r < rounds; ++r) ns += time_set(set, true, links);
  std::printf("%s: scanner %.0f ns/page (%zu links)\n", set.name.c_str(), ns / rounds, links);
}

void run_set(const page_set& set, int rounds) {
  report_paths(set);
  std::vector<double> parse_ns, scan_ns, ratios;
  std::size_t links_parse = 0, links_scan = 0;
  for (int r = 0; r < rounds; ++r) {
    double p = 0, s = 0;
    if (r % 2 == 0) {
      s = time_set(set, true, links_scan);
      p = time_set(set, false, links_parse);
    } else {
      p = time_set(set, false, links_parse);
      s = time_set(set, true, links_scan);
    }
    parse_ns.push_back(p);
    scan_ns.push_back(s);
    ratios.push_back(p / s);
  }
  if (links_parse != links_scan) {
    std::fprintf(stderr, "html_scan_bench: the paths found different links (%zu, %zu)\n",
                 links_parse, links_scan);
    std::exit(1);
  }
  std::printf(
      "  full parse %10.0f ns/page\n  scanner    %10.0f ns/page\n  ratio      %10.1fx "
      "(median of %d rounds)\n",
      median(parse_ns), median(scan_ns), median(ratios), rounds);
}

int usage() {
  std::fprintf(stderr,
               "usage: html_scan_bench [--pages N] [--rounds R] [--page FILE]... [--profile]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 10000;
  int rounds = 7;
  std::vector<std::string> files;
  bool profile = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--profile") {
      profile = true;
    } else if (i + 1 < argc && arg == "--pages") {
      count = std::strtoul(argv[++i], nullptr, 10);
    } else if (i + 1 < argc && arg == "--rounds") {
      rounds = std::atoi(argv[++i]);
    } else if (i + 1 < argc && arg == "--page") {
      files.emplace_back(argv[++i]);
    } else {
      return usage();
    }
  }
  if (count == 0 || rounds <= 0) return usage();
  if (files.empty()) files.emplace_back(CF_SOURCE_DIR "/tests/unit/html/pages/front_page.html");

  page_set crawl{"crawl benchmark pages", {}, 1};
  for (std::size_t i = 0; i < count; ++i) crawl.pages.push_back(crawl_page(i, count));
  const auto run = profile ? profile_set : run_set;
  run(crawl, rounds);
  for (const std::string& f : files) {
    page_set one{f, {read_file(f)}, 0};
    one.passes =
        std::max<std::size_t>(1, (count * 1500) / std::max<std::size_t>(1, one.pages[0].size()));
    run(one, rounds);
  }
  return 0;
}
