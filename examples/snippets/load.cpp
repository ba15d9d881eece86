#include <corofetch/load/generator.hpp>

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <string>

int main(int argc, char** argv) {
  namespace load = corofetch::load;
  load::options opts;
  opts.connections = 8;
  opts.threads = 2;
  opts.rate = 2000;  // open loop: latency counts from each request's intended send time
  opts.duration = std::chrono::seconds(2);
  load::target index;
  index.url = argc > 1 ? argv[1] : "http://127.0.0.1:8080/index.html";

  std::string why;
  auto generator = load::generator::create(opts, {index}, &why);
  if (!generator) {
    fmt::print(stderr, "{}\n", why);  // e.g. "Connection refused: 127.0.0.1:8080: ..."
    return 1;
  }
  const load::report r = (*generator)->run();
  const auto ok = r.total.status.find(200);  // responses by status code
  const std::uint64_t answered_ok = ok == r.total.status.end() ? 0 : ok->second;
  const auto& latency = r.total.latency;  // microseconds, an HDR histogram
  fmt::print("{} responses, {} with status 200\n", r.total.requests, answered_ok);
  fmt::print("{:.0f} requests/s, p50 {} us, p99 {} us, max {} us\n", r.achieved_rate,
             latency.value_at_percentile(50), latency.value_at_percentile(99), latency.max());
  return r.total.requests > 0 ? 0 : 1;
}
