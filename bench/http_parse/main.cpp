// Response parsing throughput (MB/s and responses/s): corofetch's response_parser against raw
// llhttp 8.1.0 with empty callbacks, on the same bytes, fed the same way (16 KiB reads, as a
// socket would give them), alternating A B A B for several rounds; prints the medians and the
// median of the per-round ratios. Both sides count responses and body bytes, which must match.
#include <corofetch/http/response_parser.hpp>

#include <llhttp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace http = corofetch::http;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t read_size = 16 * 1024;

struct totals {
  std::size_t responses = 0;
  std::size_t body_bytes = 0;
};

// A head like nginx or a CDN sends for a page (about 400 bytes), then `body`.
std::string realistic_head(const std::string& framing) {
  return "HTTP/1.1 200 OK\r\n"
         "Server: nginx/1.22.1\r\n"
         "Date: Tue, 24 Nov 2026 21:00:00 GMT\r\n"
         "Content-Type: text/html; charset=utf-8\r\n" +
         framing +
         "Connection: keep-alive\r\n"
         "Last-Modified: Mon, 23 Nov 2026 10:00:00 GMT\r\n"
         "ETag: \"6560a1b2-2a3\"\r\n"
         "Cache-Control: public, max-age=3600\r\n"
         "Vary: Accept-Encoding\r\n"
         "X-Content-Type-Options: nosniff\r\n"
         "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n"
         "Accept-Ranges: bytes\r\n"
         "\r\n";
}

std::string sized_response(std::size_t body_size) {
  return realistic_head("Content-Length: " + std::to_string(body_size) + "\r\n") +
         std::string(body_size, 'x');
}

std::string chunked_response(std::size_t body_size, std::size_t chunk) {
  std::string r = realistic_head("Transfer-Encoding: chunked\r\n");
  char line[32];
  for (std::size_t done = 0; done < body_size; done += chunk) {
    const std::size_t n = std::min(chunk, body_size - done);
    std::snprintf(line, sizeof line, "%zx\r\n", n);
    r += line;
    r.append(n, 'y');
    r += "\r\n";
  }
  return r + "0\r\n\r\n";
}

// --- raw llhttp: empty callbacks, counting only what both sides must agree on ---------------
int raw_span(llhttp_t*, const char*, std::size_t) {
  return 0;
}
int raw_body(llhttp_t* p, const char*, std::size_t n) {
  static_cast<totals*>(p->data)->body_bytes += n;
  return 0;
}
int raw_complete(llhttp_t* p) {
  ++static_cast<totals*>(p->data)->responses;
  return 0;
}

totals run_raw(std::string_view stream) {
  llhttp_settings_t settings;
  llhttp_settings_init(&settings);
  settings.on_status = &raw_span;
  settings.on_header_field = &raw_span;
  settings.on_header_value = &raw_span;
  settings.on_body = &raw_body;
  settings.on_message_complete = &raw_complete;
  llhttp_t parser;
  llhttp_init(&parser, HTTP_RESPONSE, &settings);
  totals t;
  parser.data = &t;
  for (std::size_t at = 0; at < stream.size(); at += read_size) {
    const std::string_view piece = stream.substr(at, read_size);
    if (llhttp_execute(&parser, piece.data(), piece.size()) != HPE_OK) std::abort();
  }
  return t;
}

// --- corofetch: what a client loop does with each read ---------------------------------------
totals run_corofetch(http::response_parser& parser, std::string_view stream) {
  totals t;
  parser.reset(http::method::get);
  for (std::size_t at = 0; at < stream.size(); at += read_size) {
    std::string_view piece = stream.substr(at, read_size);
    while (!piece.empty()) {
      auto n = parser.parse(piece);
      if (!n) std::abort();
      for (std::string_view b : parser.body_pieces()) t.body_bytes += b.size();
      piece.remove_prefix(*n);
      if (parser.complete()) {
        ++t.responses;
        parser.expect(http::method::get);
      }
    }
  }
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct workload {
  const char* name;
  std::string one;
  std::string stream;
  std::size_t count;
};

workload make_workload(const char* name, std::string one, std::size_t target_bytes) {
  workload w{name, std::move(one), {}, 0};
  w.count = std::max<std::size_t>(1, target_bytes / w.one.size());
  w.stream.reserve(w.count * w.one.size());
  for (std::size_t i = 0; i < w.count; ++i) w.stream += w.one;
  return w;
}

template <class F>
double seconds_of(F&& f, totals& out) {
  const auto t0 = clock_type::now();
  out = f();
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Enough repeats for a side to take about 50 ms per round, so the clock's resolution and the
// cost of a call do not dominate.
int calibrate(const workload& w) {
  totals t;
  const double once = std::max(1e-7, seconds_of([&] { return run_raw(w.stream); }, t));
  return std::clamp(static_cast<int>(0.05 / once), 1, 100000);
}

bool bench(const workload& w, int rounds) {
  http::response_parser parser;
  const int repeats = calibrate(w);
  std::vector<double> ours_mbs, raw_mbs, ours_rps, raw_rps, ratio;
  for (int r = 0; r < rounds; ++r) {
    double ours_s = 0, raw_s = 0;
    totals ours{}, raw{};
    // Alternate which side goes first, so neither always runs on a warmer cache.
    for (int side = 0; side < 2; ++side) {
      const bool ours_now = (side == 0) == (r % 2 == 0);
      for (int i = 0; i < repeats; ++i) {
        totals t;
        if (ours_now) {
          ours_s += seconds_of([&] { return run_corofetch(parser, w.stream); }, t);
          ours = t;
        } else {
          raw_s += seconds_of([&] { return run_raw(w.stream); }, t);
          raw = t;
        }
      }
    }
    if (ours.responses != raw.responses || ours.body_bytes != raw.body_bytes ||
        ours.responses != w.count) {
      std::fprintf(stderr, "%s: mismatch: corofetch %zu responses %zu body bytes, llhttp %zu %zu\n",
                   w.name, ours.responses, ours.body_bytes, raw.responses, raw.body_bytes);
      return false;
    }
    const double bytes = static_cast<double>(w.stream.size()) * repeats;
    const double n = static_cast<double>(w.count) * repeats;
    ours_mbs.push_back(bytes / ours_s / 1e6);
    raw_mbs.push_back(bytes / raw_s / 1e6);
    ours_rps.push_back(n / ours_s);
    raw_rps.push_back(n / raw_s);
    ratio.push_back(raw_s / ours_s);
  }
  std::printf("%-22s %7zu B  %10.0f %10.0f  %12.0f %12.0f  %6.3f (min %.3f max %.3f)\n", w.name,
              w.one.size(), median(ours_mbs), median(raw_mbs), median(ours_rps), median(raw_rps),
              median(ratio), *std::min_element(ratio.begin(), ratio.end()),
              *std::max_element(ratio.begin(), ratio.end()));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 9;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::max(5, std::atoi(argv[i + 1]));
  }
  const std::size_t stream_bytes = 8 * 1024 * 1024;
  const std::vector<workload> workloads{
      make_workload("small head+body", sized_response(180), stream_bytes),
      make_workload("large body (1 MiB)", sized_response(1024 * 1024), stream_bytes),
      make_workload("chunked 64K/4K", chunked_response(64 * 1024, 4096), stream_bytes),
      make_workload("chunked 8K/512", chunked_response(8 * 1024, 512), stream_bytes),
  };
  std::printf(
      "llhttp %d.%d.%d, %d rounds alternating, reads of %zu bytes; ratio = corofetch "
      "throughput / raw llhttp (median of rounds)\n",
      LLHTTP_VERSION_MAJOR, LLHTTP_VERSION_MINOR, LLHTTP_VERSION_PATCH, rounds, read_size);
  std::printf("%-22s %9s  %10s %10s  %12s %12s  %s\n", "workload", "response", "cf MB/s",
              "raw MB/s", "cf resp/s", "raw resp/s", "ratio");
  for (int i = 1; i + 1 < argc; ++i) {
    // --profile K / --profile-raw K: one side only on workload K, for perf record and stat.
    const bool raw_only = std::strcmp(argv[i], "--profile-raw") == 0;
    if (raw_only || std::strcmp(argv[i], "--profile") == 0) {
      const workload& w = workloads.at(static_cast<std::size_t>(std::atoi(argv[i + 1])));
      http::response_parser parser;
      std::size_t n = 0;
      const char* env = std::getenv("CF_BENCH_ITERATIONS");
      const int iterations = env != nullptr ? std::atoi(env) : 500;
      for (int k = 0; k < iterations; ++k) {
        n += raw_only ? run_raw(w.stream).responses : run_corofetch(parser, w.stream).responses;
      }
      std::printf("%zu responses\n", n);
      return 0;
    }
  }
  bool ok = true;
  for (const workload& w : workloads) ok = bench(w, rounds) && ok;
  return ok ? 0 : 1;
}
