// cf-load: an HTTP/1.1 and HTTP/2 load generator with wrk's flags and layout, wrk2's corrected
// latency, h2load's streams, and HdrHistogram interval logs that add up across machines.
//
//   cf-load -c 100 -t 2 -d 30s http://127.0.0.1:8080/           closed loop, like wrk
//   cf-load -c 100 -t 2 -d 30s -R 20000 --latency URL           open loop, like wrk2
//   cf-load -c 64 --pipeline 16 -d 10s URL                      pipelined
//   cf-load -c 10 -m 10 --http2 https://127.0.0.1:8443/         HTTP/2, 10 streams each
//   cf-load -c 10 -m 10 --http2-prior-knowledge URL             h2c, like h2load
//   cf-load --targets targets.txt -c 8 -n 100000 --json         vegeta's targets file
//   cf-load -R 5000 -d 60s --hdr-log run-a.hlog URL             on each machine, then
//   cf-load merge run-a.hlog run-b.hlog                         one exact report of all
//
// Exit status: see exit_codes below (--help prints them). The network options, --version, the
// usage errors and --json's error document are every tool's (examples/common).
#include "common/cli.hpp"
#include "common/exit_codes.hpp"
#include "common/json.hpp"
#include "common/network.hpp"
#include "common/run.hpp"

#include <corofetch/http/syntax.hpp>
#include <corofetch/load/error.hpp>
#include <corofetch/load/generator.hpp>
#include <corofetch/load/hdr_log.hpp>
#include <corofetch/version.hpp>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <pthread.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

namespace {

namespace load = corofetch::load;
namespace tool = corofetch::tool;
using json = nlohmann::json;

const std::string tool_name = "cf-load";

constexpr int exit_failed = 1;
constexpr std::array<tool::exit_code_row, 5> exit_codes{{
    {tool::exit_ok, "the run completed (its report says how the target answered)"},
    {exit_failed, "the target cannot be reached, or a file cannot be read or written"},
    {tool::exit_usage, "bad usage (one line on stderr)"},
    {tool::exit_internal, "internal error (a bug: please report it)"},
    {tool::exit_interrupted, "interrupted by SIGINT or SIGTERM (the report so far is printed)"},
}};

// wrk's time arguments: "10", "10s", "500ms", "2m", "1h" (a bare number is seconds).
std::optional<std::chrono::nanoseconds> parse_duration(const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::string unit = text.substr(used);
  double scale = 1e9;
  if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "m") {
    scale = 60e9;
  } else if (unit == "h") {
    scale = 3600e9;
  } else if (!unit.empty() && unit != "s") {
    return std::nullopt;
  }
  if (!(value >= 0) || !std::isfinite(value)) return std::nullopt;
  return std::chrono::nanoseconds(std::llround(value * scale));
}

// wrk's units: times in us/ms/s/m, counts in k/M/G, bytes in KB/MB/GB (binary).
std::string format_time_us(double us) {
  if (us < 1000) return fmt::format("{:.2f}us", us);
  if (us < 1e6) return fmt::format("{:.2f}ms", us / 1e3);
  if (us < 60e6) return fmt::format("{:.2f}s", us / 1e6);
  return fmt::format("{:.2f}m", us / 60e6);
}

std::string format_count(double n) {
  if (n < 1000) return fmt::format("{:.2f}", n);
  if (n < 1e6) return fmt::format("{:.2f}k", n / 1e3);
  if (n < 1e9) return fmt::format("{:.2f}M", n / 1e6);
  return fmt::format("{:.2f}G", n / 1e9);
}

std::string format_bytes(double n) {
  if (n < 1024) return fmt::format("{:.2f}B", n);
  if (n < 1024.0 * 1024) return fmt::format("{:.2f}KB", n / 1024);
  if (n < 1024.0 * 1024 * 1024) return fmt::format("{:.2f}MB", n / (1024.0 * 1024));
  return fmt::format("{:.2f}GB", n / (1024.0 * 1024 * 1024));
}

// wrk's "+/- Stdev": the share of values within one standard deviation of the mean.
double within_stdev(const load::histogram& h) {
  if (h.empty()) return 0;
  const double lo = h.mean() - h.stdev();
  const double hi = h.mean() + h.stdev();
  std::uint64_t n = 0;
  for (const auto& b : h.non_empty_buckets()) {
    const double mid = static_cast<double>(h.median_equivalent(b.lowest));
    if (mid >= lo && mid <= hi) n += b.count;
  }
  return 100.0 * static_cast<double>(n) / static_cast<double>(h.total_count());
}

json latency_json(const load::histogram& h) {
  return {{"mean", h.mean()},
          {"stdev", h.stdev()},
          {"min", h.min()},
          {"p50", h.value_at_percentile(50)},
          {"p75", h.value_at_percentile(75)},
          {"p90", h.value_at_percentile(90)},
          {"p99", h.value_at_percentile(99)},
          {"p999", h.value_at_percentile(99.9)},
          {"p9999", h.value_at_percentile(99.99)},
          {"max", h.max()},
          {"count", h.total_count()}};
}

// What both a run and a merge of logs report.
struct summary {
  std::string title;  // "Running 10s test @ URL" or "Merged 3 logs"
  std::string setup;  // "  2 threads and 10 connections"
  double seconds = 0;
  const load::stats* total = nullptr;
  double target_rate = 0;
  std::vector<std::string> warnings;
  json extra = json::object();
};

json to_json(const summary& s) {
  const load::stats& t = *s.total;
  json status = json::object();
  for (const auto& [code, n] : t.status) status[std::to_string(code)] = n;
  json errors = json::object();
  for (std::size_t k = 0; k < load::error_kinds; ++k) {
    errors[std::string(load::to_string(static_cast<load::error_kind>(k)))] = t.errors[k];
  }
  const double rate = s.seconds > 0 ? static_cast<double>(t.requests) / s.seconds : 0;
  json j = {{"requests", t.requests},
            {"duration_s", s.seconds},
            {"requests_per_sec", rate},
            {"bytes_read", t.bytes_read},
            {"bytes_per_sec", s.seconds > 0 ? static_cast<double>(t.bytes_read) / s.seconds : 0},
            {"latency_us", latency_json(t.latency)},
            {"uncorrected_latency_us", latency_json(t.uncorrected_latency)},
            {"status", status},
            {"errors", errors},
            {"target_rate", s.target_rate},
            {"achieved_rate", rate},
            {"max_schedule_lag_us",
             std::chrono::duration_cast<std::chrono::microseconds>(t.max_schedule_lag).count()},
            {"in_flight_at_end", t.in_flight_at_end},
            {"connects", t.connects},
            {"http2_connects", t.http2_connects},
            {"warnings", s.warnings}};
  j.update(s.extra);
  return j;
}

void print_text(const summary& s, bool detailed) {
  const load::stats& t = *s.total;
  std::string out;
  if (!s.title.empty()) out = s.title + "\n" + s.setup + "\n";
  out += "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n";
  out += fmt::format("    Latency   {:>8} {:>8} {:>8} {:>8.2f}%\n",
                     format_time_us(t.latency.mean()), format_time_us(t.latency.stdev()),
                     format_time_us(static_cast<double>(t.latency.max())), within_stdev(t.latency));
  if (!t.thread_rate.empty()) {
    out += fmt::format("    Req/Sec   {:>8} {:>8} {:>8} {:>8.2f}%\n",
                       format_count(t.thread_rate.mean()), format_count(t.thread_rate.stdev()),
                       format_count(static_cast<double>(t.thread_rate.max())),
                       within_stdev(t.thread_rate));
  }
  if (detailed) {
    out += "  Latency Distribution (HdrHistogram - Recorded Latency)\n";
    for (double p : {50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 99.999, 100.0}) {
      out += fmt::format(" {:>7.3f}%  {:>8}\n", p,
                         format_time_us(static_cast<double>(t.latency.value_at_percentile(p))));
    }
    out += "\n  Detailed Percentile spectrum:\n";
    out += load::format_percentile_spectrum(t.latency, 1000.0);
    out += "----------------------------------------------------------\n";
  }
  out += fmt::format("  {} requests in {:.2f}s, {} read\n", t.requests, s.seconds,
                     format_bytes(static_cast<double>(t.bytes_read)));
  std::uint64_t error_total = 0;
  for (auto e : t.errors) error_total += e;
  if (error_total > 0) {
    out += fmt::format(
        "  Socket errors: connect {}, read {}, write {}, timeout {}, tls {}, protocol {}\n",
        t.errors[0], t.errors[2], t.errors[3], t.errors[4], t.errors[1], t.errors[5]);
  }
  std::uint64_t non_2xx_3xx = 0;
  for (const auto& [code, n] : t.status) {
    if (code < 200 || code >= 400) non_2xx_3xx += n;
  }
  if (non_2xx_3xx > 0) out += fmt::format("  Non-2xx or 3xx responses: {}\n", non_2xx_3xx);
  if (t.in_flight_at_end > 0) {
    out += fmt::format("  Requests in flight at the end: {}\n", t.in_flight_at_end);
  }
  if (t.http2_connects > 0) {
    out += fmt::format("  HTTP/2 on {} of {} connections opened\n", t.http2_connects, t.connects);
  }
  const double rate = s.seconds > 0 ? static_cast<double>(t.requests) / s.seconds : 0;
  out += fmt::format("Requests/sec: {:>10.2f}\n", rate);
  out +=
      fmt::format("Transfer/sec: {:>10}\n",
                  format_bytes(s.seconds > 0 ? static_cast<double>(t.bytes_read) / s.seconds : 0));
  if (s.target_rate > 0) {
    out += fmt::format(
        "Target rate: {:.2f}/s, achieved {:.2f}/s; largest schedule lag {}\n", s.target_rate, rate,
        format_time_us(std::chrono::duration<double, std::micro>(t.max_schedule_lag).count()));
  }
  std::fputs(out.c_str(), stdout);
  for (const auto& w : s.warnings) std::fprintf(stderr, "cf-load: warning: %s\n", w.c_str());
}

// The tool's own saturation: a rate it did not reach and why.
std::vector<std::string> saturation_warnings(const load::report& r) {
  std::vector<std::string> out;
  const auto& o = r.used;
  if (r.target_rate > 0 && r.achieved_rate < 0.95 * r.target_rate) {
    out.push_back(fmt::format("achieved {:.0f} requests/s of the {:.0f} asked", r.achieved_rate,
                              r.target_rate));
    // Little's law: requests in flight = rate x latency.
    const double needed =
        r.target_rate * r.total.uncorrected_latency.mean() / 1e6 / static_cast<double>(o.pipeline);
    if (needed > static_cast<double>(o.connections)) {
      out.push_back(fmt::format(
          "{} connections cannot carry {:.0f} requests/s at a mean latency of {}: about {:.0f} "
          "are needed (-c)",
          o.connections, r.target_rate, format_time_us(r.total.uncorrected_latency.mean()),
          std::ceil(needed)));
    }
  }
  return out;
}

// Status, errors and bytes in a comment line of the HDR log, so that merge adds them up too
// (HdrHistogram readers skip comments).
constexpr std::string_view summary_tag = "[corofetch-summary ";

std::string log_summary(const load::report& r) {
  json status = json::object();
  for (const auto& [code, n] : r.total.status) status[std::to_string(code)] = n;
  json j = {{"requests", r.total.requests},
            {"bytes_read", r.total.bytes_read},
            {"status", status},
            {"errors", r.total.errors},
            {"threads", r.used.threads},
            {"connections", r.used.connections},
            {"target_rate", r.target_rate},
            {"in_flight_at_end", r.total.in_flight_at_end}};
  return std::string(summary_tag) + j.dump() + "]";
}

struct cli {
  std::size_t connections = 10;
  std::size_t threads = 2;
  std::string duration = "10s";
  double rate = 0;
  std::uint64_t requests = 0;
  std::size_t pipeline = 1;
  bool latency = false;
  bool json_out = false;
  std::string hdr_log;
  std::string targets_file;
  std::string method;
  std::string body;
  std::string warmup = "0";
  std::string timeout = "10s";
  tool::network_options net;
  std::string url;
  std::size_t duration_given = 0;  ///< -d was on the command line
  bool version = false;
};

// The network options cf-load honours. No proxy: it drives its own connections. No -m for the
// time (--timeout, wrk's, says it): -m is h2load's streams per connection. No guard: a load
// test is aimed at a server of one's own, often on the local network.
constexpr unsigned network_flags =
    tool::all_network_options & ~tool::opt_proxy & ~tool::opt_max_time & ~tool::opt_address_guard;

// -H, -X and --body over every target (one URL, or the file's).
int build_targets(const cli& c, const tool::header_settings& headers,
                  std::vector<load::target>& out) {
  if (!c.targets_file.empty()) {
    load::targets_error where;
    auto loaded = load::load_targets_file(c.targets_file, &where);
    if (!loaded) {
      return tool::usage_error(
          tool_name,
          where.line > 0 ? fmt::format("{}:{}: {}", c.targets_file, where.line, where.message)
                         : where.message,
          c.json_out);
    }
    out = std::move(*loaded);
  } else {
    if (c.url.empty()) {
      return tool::usage_error(tool_name, "a URL or --targets FILE is needed", c.json_out);
    }
    load::target t;
    t.url = c.url;
    if (!c.body.empty()) t.method = "POST";
    out.push_back(std::move(t));
  }
  for (auto& t : out) {
    if (!c.method.empty()) t.method = c.method;
    if (!c.body.empty()) t.body = c.body;
    // "-H 'Name:'" removes the targets file's field; -H and -A add theirs.
    for (const std::string& name : headers.removed) {
      std::erase_if(t.headers,
                    [&](const auto& h) { return corofetch::http::iequals(h.first, name); });
    }
    for (const auto f : headers.fields) t.headers.emplace_back(f.name, f.value);
  }
  return 0;
}

int build_options(const cli& c, const tool::header_settings& headers, load::options& o) {
  o.connections = c.connections;
  o.threads = c.threads;
  o.rate = c.rate;
  o.requests = c.requests;
  o.pipeline = c.pipeline;
  o.http_version = c.net.http_version;
  const auto duration = parse_duration(c.duration);
  const auto warmup = parse_duration(c.warmup);
  const auto timeout = parse_duration(c.timeout);
  const auto usage = [&](const std::string& problem) {
    return tool::usage_error(tool_name, problem, c.json_out);
  };
  if (!duration) return usage("-d wants a time such as 10s, 500ms or 2m: " + c.duration);
  if (!warmup) return usage("--warmup wants a time: " + c.warmup);
  if (!timeout || timeout->count() == 0) return usage("--timeout wants a time: " + c.timeout);
  o.duration = *duration;
  o.warmup = *warmup;
  o.timeout = std::chrono::ceil<std::chrono::milliseconds>(*timeout);
  if (c.net.connect_timeout > 0) o.connect_timeout = tool::seconds_to_ms(c.net.connect_timeout);
  o.tls.insecure_skip_verify = c.net.insecure;
  o.tls.ca_file = c.net.cacert;
  if (auto problem = tool::check_addresses(c.net)) return usage(*problem);
  o.dns_servers = c.net.dns_servers;
  if (auto problem = tool::parse_resolves(c.net, o.resolve_overrides)) return usage(*problem);
  if (headers.drop_user_agent) o.user_agent.clear();
  return 0;
}

// Ctrl-C and SIGTERM, taken by a thread of their own (sigwait) so that stop() runs outside a
// signal handler; SIGUSR1 ends that thread once the run is over.
class signal_stopper {
 public:
  explicit signal_stopper(load::generator& g) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // the worker threads inherit the mask
    thread_ = std::thread([set, &g, this] {
      int sig = 0;
      sigwait(&set, &sig);
      if (sig != SIGUSR1) {
        interrupted_ = true;
        g.stop();
      }
    });
  }
  ~signal_stopper() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }
  signal_stopper(const signal_stopper&) = delete;
  signal_stopper& operator=(const signal_stopper&) = delete;
  [[nodiscard]] bool interrupted() const { return interrupted_; }

 private:
  std::thread thread_;
  std::atomic<bool> interrupted_{false};
};

double epoch_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

int run(const cli& c) {
  tool::header_settings headers;
  if (auto problem = tool::parse_headers(c.net, headers)) {
    return tool::usage_error(tool_name, *problem, c.json_out);
  }
  load::options o;
  if (int rc = build_options(c, headers, o); rc != 0) return rc;
  std::vector<load::target> targets;
  if (int rc = build_targets(c, headers, targets); rc != 0) return rc;
  std::FILE* log_file = nullptr;
  if (!c.hdr_log.empty()) {
    log_file = std::fopen(c.hdr_log.c_str(), "w");
    if (log_file == nullptr) {
      return tool::fail(tool_name, fmt::format("{}: {}", c.hdr_log, std::strerror(errno)),
                        exit_failed, c.json_out);
    }
  }
  std::string detail;
  auto made = load::generator::create(o, targets, &detail);
  if (!made) {
    if (log_file != nullptr) std::fclose(log_file);
    const std::string message = detail.empty() ? made.error().message() : detail;
    if (made.error() == load::errc::invalid_options ||
        made.error() == load::errc::invalid_targets) {
      return tool::usage_error(tool_name, message, c.json_out);
    }
    return tool::fail(tool_name, message, exit_failed, c.json_out);
  }
  load::generator& g = **made;
  const std::string url = c.url.empty() ? targets.front().url : c.url;
  if (!c.json_out) {
    const bool bare = std::isdigit(static_cast<unsigned char>(c.duration.back())) != 0;
    const std::string what = o.requests > 0 && c.duration_given == 0
                                 ? fmt::format("{} requests", o.requests)
                                 : c.duration + (bare ? "s" : "");
    std::printf("Running %s test @ %s\n  %zu threads and %zu connections\n", what.c_str(),
                url.c_str(), o.threads, o.connections);
    std::fflush(stdout);
  }
  load::hdr_log_writer log(log_file);
  if (log_file != nullptr) {
    (void)log.write_comment(fmt::format("[cf-load {} {}]", corofetch::version_string, url));
    (void)log.write_header(epoch_seconds() + std::chrono::duration<double>(o.warmup).count());
  }
  const bool live = isatty(STDERR_FILENO) != 0 && !c.json_out;
  std::uint64_t seen = 0;
  std::uint64_t errors = 0;
  const auto on_interval = [&](const load::interval& i) {
    const double start = std::chrono::duration<double>(i.start).count();
    const double length = std::chrono::duration<double>(i.length).count();
    if (log_file != nullptr) {
      (void)log.write_interval(start, length, i.latency);
      (void)log.write_interval(start, length, i.uncorrected_latency, "uncorrected");
      std::fflush(log_file);
    }
    seen += i.requests;
    errors += i.errors;
    if (live) {
      std::fprintf(stderr, "\r  %5.0fs  %10.0f req/s  %llu errors  p99 %s     ", start + length,
                   length > 0 ? static_cast<double>(i.requests) / length : 0,
                   static_cast<unsigned long long>(errors),
                   format_time_us(static_cast<double>(i.latency.value_at_percentile(99))).c_str());
    }
  };
  load::report r;
  bool interrupted = false;
  {
    signal_stopper signals(g);
    r = g.run(on_interval);
    interrupted = signals.interrupted();
  }
  if (live) std::fputs("\r\033[K", stderr);
  if (log_file != nullptr) {
    (void)log.write_comment(log_summary(r));
    std::fclose(log_file);
  }
  summary s;
  s.seconds = std::chrono::duration<double>(r.duration).count();
  s.total = &r.total;
  s.target_rate = r.target_rate;
  s.warnings = saturation_warnings(r);
  s.extra = {{"threads", o.threads},
             {"connections", o.connections},
             {"pipeline", o.pipeline},
             {"warmup_requests", r.total.warmup_requests},
             {"interrupted", interrupted}};
  const int code = interrupted ? tool::exit_interrupted : tool::exit_ok;
  if (c.json_out) {
    json j = to_json(s);
    j["exit_code"] = code;
    if (interrupted) j["error"] = tool::error_json("interrupted: the report so far", code);
    if (!tool::print_json(j)) return tool::exit_write_error;
  } else {
    print_text(s, c.latency);
  }
  return code;
}

// Adds up the logs of several runs (machines driving one target at the same time): their
// histograms by counts, their summary comments by sums, the time from the first interval's
// start to the last one's end.
int merge(const std::vector<std::string>& files, bool json_out, bool detailed) {
  const auto failed = [&](const std::string& message) {
    return tool::fail(tool_name, message, exit_failed, json_out);
  };
  load::stats total;
  double first = std::numeric_limits<double>::infinity();
  double last = -first;
  std::size_t intervals = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return failed(fmt::format("{}: {}", file, std::strerror(errno)));
    std::stringstream text;
    text << in.rdbuf();
    const std::string content = text.str();
    std::size_t line = 0;
    auto read = load::read_hdr_log(content, &line);
    if (!read) return failed(fmt::format("{}:{}: {}", file, line, read.error().message()));
    for (const auto& i : *read) {
      load::histogram& into = i.tag.empty() ? total.latency : total.uncorrected_latency;
      if (!i.tag.empty() && i.tag != "uncorrected") continue;
      if (auto ec = into.add(i.hist); ec) {
        return failed(fmt::format("{}:{}: {}", file, i.line, ec.message()));
      }
      first = std::min(first, i.start);
      last = std::max(last, i.start + i.length);
      if (i.tag.empty()) ++intervals;
    }
    std::istringstream lines(content);
    for (std::string l; std::getline(lines, l);) {
      if (!l.starts_with("#") || l.find(summary_tag) != 1) continue;
      const auto j = json::parse(
          l.substr(1 + summary_tag.size(), l.size() - 2 - summary_tag.size()), nullptr, false);
      if (j.is_discarded()) return failed(fmt::format("{}: unreadable summary comment", file));
      total.bytes_read += j.value("bytes_read", std::uint64_t{0});
      total.in_flight_at_end += j.value("in_flight_at_end", std::uint64_t{0});
      for (const auto& [code, n] : j.at("status").items()) {
        total.status[std::stoi(code)] += n.get<std::uint64_t>();
      }
      const auto& errors = j.at("errors");
      for (std::size_t k = 0; k < load::error_kinds && k < errors.size(); ++k) {
        total.errors[k] += errors[k].get<std::uint64_t>();
      }
    }
  }
  total.requests = total.latency.total_count();
  summary s;
  s.title = fmt::format("Merged {} logs, {} intervals", files.size(), intervals);
  s.setup = fmt::format("  from {:.3f} to {:.3f} (seconds since the epoch)", first, last);
  s.seconds = intervals > 0 ? last - first : 0;
  s.total = &total;
  s.extra = {{"logs", files.size()}, {"intervals", intervals}};
  if (json_out) {
    json j = to_json(s);
    j["exit_code"] = tool::exit_ok;
    if (!tool::print_json(j)) return tool::exit_write_error;
  } else {
    print_text(s, detailed);
  }
  return tool::exit_ok;
}

int run_main(int argc, char** argv) {
  CLI::App app(
      "cf-load: an HTTP/1.1 and HTTP/2 load generator (wrk's flags, wrk2's corrected latency, "
      "h2load's streams, HdrHistogram logs that merge); HTTP/1.1 unless --http2 or "
      "--http2-prior-knowledge");
  cli c;
  c.net.http_version =
      corofetch::client::http_version_choice::http1_1;  // wrk's; --http2 asks for more
  app.add_option("-c,--connections", c.connections, "Connections to keep open, in all")
      ->capture_default_str();
  app.add_option("-t,--threads", c.threads, "Threads, one event loop each")->capture_default_str();
  auto* duration = app.add_option("-d,--duration", c.duration, "Duration: 10s, 500ms, 2m, 1h")
                       ->capture_default_str();
  app.add_option("-R,--rate", c.rate,
                 "Open loop at this total rate (requests/s), latency corrected for coordinated "
                 "omission; default: closed loop");
  app.add_option("-n,--requests", c.requests, "Send this many requests, then stop");
  auto* pipeline = app.add_option("--pipeline", c.pipeline,
                                  "Requests in flight per connection (HTTP/1.1 pipelining)")
                       ->capture_default_str();
  app.add_option("-m,--max-concurrent-streams", c.pipeline,
                 "HTTP/2 streams in flight per connection (h2load's -m); over HTTP/1.1 the same "
                 "as --pipeline")
      ->excludes(pipeline);
  app.add_flag("--latency", c.latency, "Print the detailed latency distribution (wrk2's)");
  app.add_flag("--json", c.json_out,
               "One JSON document on stdout instead of the text report (the error on failure)");
  app.add_option("--hdr-log", c.hdr_log,
                 "Write the corrected latency (us) as an HdrHistogram interval log, one interval "
                 "a second");
  app.add_option("--targets", c.targets_file, "vegeta's targets file: METHOD URL, headers, @body");
  app.add_option("-X,--method", c.method, "Method of every request");
  app.add_option("--body", c.body, "Body of every request (the method defaults to POST)");
  app.add_option("--warmup", c.warmup, "Warm-up time left out of the statistics")
      ->capture_default_str();
  app.add_option("--timeout", c.timeout, "A request not answered by then is a timeout (wrk's)")
      ->capture_default_str();
  tool::add_network_options(app, c.net, network_flags);
  app.add_option("url", c.url, "The URL to load");

  std::vector<std::string> logs;
  bool merge_json = false;
  bool merge_latency = false;
  auto* merge_cmd = app.add_subcommand("merge", "One report from the HDR logs of several runs");
  merge_cmd->add_option("logs", logs, "Logs written with --hdr-log")->required();
  merge_cmd->add_flag("--json", merge_json, "One JSON document on stdout");
  merge_cmd->add_flag("--latency", merge_latency, "Print the detailed latency distribution");
  tool::add_common_flags(app, c.version, tool::exit_codes_table(exit_codes));

  if (auto stop = tool::parse_command_line(app, tool_name, c.version, argc, argv)) return *stop;
  if (merge_cmd->parsed()) return merge(logs, merge_json, merge_latency);
  c.duration_given = duration->count();
  if (c.requests > 0 && c.duration_given == 0) c.duration = "0";
  return run(c);
}

}  // namespace

int main(int argc, char** argv) {
  return tool::guarded_main(
      tool_name, [&] { return run_main(argc, argv); }, tool::wants_json(argc, argv));
}
