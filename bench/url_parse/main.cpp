// URLs parsed per second by corofetch, curl's URL API (curl_url_set) and uriparser
// (uriParseSingleUriA) over the same list, in one process: rounds alternate the order
// (A B C, then C B A, ...) and the median of the per-round ratios is reported.
//
// Work per URL: corofetch parses to a normalized href with offsets; curl_url_set parses and
// normalizes into its handle (reused, as a crawler would); uriparser only splits the URL into
// ranges (it does not normalize, lowercase, resolve IPv4 forms or percent-encode). Each reads
// the host length afterwards so no parse can be optimized away.
#include <corofetch/url/url.hpp>

#include <curl/curl.h>
#include <uriparser/Uri.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "url_list.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct totals {
  std::size_t ok = 0;
  std::size_t host_bytes = 0;
};

totals run_corofetch(const std::vector<std::string>& urls) {
  totals t;
  for (const auto& s : urls) {
    auto u = corofetch::url::parse(s);
    if (u) {
      ++t.ok;
      t.host_bytes += u.value().hostname().size();
    }
  }
  return t;
}

totals run_curl(const std::vector<std::string>& urls, CURLU* handle) {
  totals t;
  for (const auto& s : urls) {
    if (curl_url_set(handle, CURLUPART_URL, s.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
      ++t.ok;
      // Reading a part copies it out of the handle; the length is all that is kept.
      char* host = nullptr;
      if (curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        t.host_bytes += std::strlen(host);
        curl_free(host);
      }
    }
  }
  return t;
}

totals run_uriparser(const std::vector<std::string>& urls) {
  totals t;
  for (const auto& s : urls) {
    UriUriA uri;
    const char* error = nullptr;
    if (uriParseSingleUriA(&uri, s.c_str(), &error) == URI_SUCCESS) {
      ++t.ok;
      t.host_bytes += static_cast<std::size_t>(uri.hostText.afterLast - uri.hostText.first);
      uriFreeUriMembersA(&uri);
    }
  }
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int usage() {
  std::fprintf(stderr,
               "usage: url_parse_bench [--urls N] [--passes P] [--rounds R] [--dump]\n"
               "                       [--only corofetch|curl_url|uriparser]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 5000;
  int passes = 20;
  int rounds = 7;
  bool dump = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dump") {
      dump = true;
    } else if (i + 1 < argc && arg == "--only") {
      only = argv[++i];
    } else if (i + 1 < argc && arg == "--urls") {
      count = std::strtoul(argv[++i], nullptr, 10);
    } else if (i + 1 < argc && arg == "--passes") {
      passes = std::atoi(argv[++i]);
    } else if (i + 1 < argc && arg == "--rounds") {
      rounds = std::atoi(argv[++i]);
    } else {
      return usage();
    }
  }
  if (count == 0 || passes <= 0 || rounds <= 0) return usage();
  const std::vector<std::string> urls = make_url_list(count, 20261124);
  if (dump) {
    for (const auto& u : urls) std::printf("%s\n", u.c_str());
    return 0;
  }
  std::size_t bytes = 0;
  for (const auto& u : urls) bytes += u.size();

  CURLU* handle = curl_url();
  struct contender {
    const char* name;
    std::function<totals()> run;
    std::vector<double> rates;
    totals last;
  };
  std::vector<contender> contenders = {
      {"corofetch", [&] { return run_corofetch(urls); }, {}, {}},
      {"curl_url", [&] { return run_curl(urls, handle); }, {}, {}},
      {"uriparser", [&] { return run_uriparser(urls); }, {}, {}},
  };
  std::printf("%zu URLs (%.1f bytes on average), %d passes per measurement, %d rounds\n",
              urls.size(), static_cast<double>(bytes) / static_cast<double>(urls.size()), passes,
              rounds);
  if (!only.empty()) {
    // One parser alone, for instruction counts: valgrind --tool=callgrind ... --only NAME
    for (auto& c : contenders) {
      if (only != c.name) continue;
      for (int p = 0; p < passes; ++p) c.last = c.run();
      std::printf("%s: %zu of %zu parsed\n", c.name, c.last.ok, urls.size());
      curl_url_cleanup(handle);
      return 0;
    }
    curl_url_cleanup(handle);
    return usage();
  }
  for (auto& c : contenders) c.last = c.run();  // warm-up, and the success counts
  for (int round = 0; round < rounds; ++round) {
    std::printf("round %d:", round + 1);
    for (std::size_t k = 0; k < contenders.size(); ++k) {
      auto& c = contenders[round % 2 == 0 ? k : contenders.size() - 1 - k];
      const auto start = clock_type::now();
      for (int p = 0; p < passes; ++p) c.last = c.run();
      const std::chrono::duration<double> elapsed = clock_type::now() - start;
      const double rate = static_cast<double>(urls.size()) * passes / elapsed.count();
      c.rates.push_back(rate);
      std::printf("  %s %.2fM/s", c.name, rate / 1e6);
    }
    std::printf("\n");
  }
  curl_url_cleanup(handle);

  std::vector<double> vs_curl;
  std::vector<double> vs_uriparser;
  for (int r = 0; r < rounds; ++r) {
    const auto i = static_cast<std::size_t>(r);
    vs_curl.push_back(contenders[0].rates[i] / contenders[1].rates[i]);
    vs_uriparser.push_back(contenders[0].rates[i] / contenders[2].rates[i]);
  }
  for (const auto& c : contenders) {
    std::printf("%-10s median %8.0f URLs/s  (%zu of %zu parsed, %zu host bytes)\n", c.name,
                median(c.rates), c.last.ok, urls.size(), c.last.host_bytes);
  }
  std::printf("median ratio corofetch/curl_url:  %.2fx\n", median(vs_curl));
  std::printf("median ratio corofetch/uriparser: %.2fx\n", median(vs_uriparser));
  return 0;
}
