// cf-crawl: a polite web crawler over corofetch::crawl::crawler. robots.txt is fetched and
// obeyed per origin (RFC 9309), each host gets at most --per-host requests at once and
// --delay between two starts, links are followed within the scope and the depth; every URL
// that ends is one line on stdout, one JSON object in --jsonl, and a request and a response
// record in --warc (WARC 1.1). --state FILE keeps the frontier on disk: a crawl killed in
// the middle goes on where it stopped when run again with the same flags. --redis URL --job
// NAME shares the frontier instead: any number of cf-crawl workers, on any machines, crawl one
// job together through one Redis (politeness holds across them all; the URLs a dead worker
// leased are crawled by the others once their --lease expires), each writing its own outputs;
// --status prints the job's state and --reset removes it.
//
//   cf-crawl http://127.0.0.1:8080/
//   cf-crawl --depth 2 --jsonl pages.jsonl --warc site.warc.gz http://127.0.0.1:8080/
//   cf-crawl --resolve site.test:8080:127.0.0.1 --per-host 8 --delay 0 --state crawl.state
//            --jsonl pages.jsonl http://site.test:8080/
//   cf-crawl --redis redis://10.0.0.5:6379/0 --job site --jsonl worker1.jsonl http://site.test/
//   cf-crawl --redis redis://10.0.0.5:6379/0 --job site --status
//
// Exit status: see exit_codes below (--help prints them). The network options, --version, the
// usage errors and --json's error document are every tool's (examples/common).
#include <corofetch/client/client.hpp>
#include <corofetch/client/error.hpp>
#include <corofetch/crawl/crawler.hpp>
#include <corofetch/crawl/error.hpp>
#include <corofetch/crawl/redis_frontier.hpp>
#include <corofetch/crawl/warc.hpp>
#include <corofetch/redis/client.hpp>
#include <corofetch/redis/endpoint.hpp>
#include <corofetch/url/error.hpp>
#include <corofetch/version.hpp>

#include "common/cli.hpp"
#include "common/exit_codes.hpp"
#include "common/format.hpp"
#include "common/json.hpp"
#include "common/network.hpp"
#include "common/run.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

namespace client = corofetch::client;
namespace crawl = corofetch::crawl;
namespace redis = corofetch::redis;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace tool = corofetch::tool;

const std::string tool_name = "cf-crawl";

constexpr int exit_ok = tool::exit_ok;
constexpr int exit_failed = 1;
constexpr int exit_usage = tool::exit_usage;
constexpr int exit_interrupted = tool::exit_interrupted;
constexpr std::array<tool::exit_code_row, 5> exit_codes{{
    {exit_ok,
     "the crawl ended and every URL fetched answered below 400; also after --status, --reset"},
    {exit_failed,
     "some URLs failed (no response, or a 4xx or 5xx status), or the crawl could not go on (a "
     "state file or an output that cannot be written, Redis unreachable)"},
    {exit_usage, "bad usage (one line on stderr)"},
    {tool::exit_internal, "internal error (a bug: please report it)"},
    {exit_interrupted, "interrupted (SIGINT or SIGTERM stops gracefully, a second one at once)"},
}};

// --json: a failure is also one JSON document on stdout (set once, from the command line).
bool json_errors = false;

int fail(const std::string& message, int code = exit_usage) {
  return tool::fail(tool_name, message, code, json_errors);
}

int usage(const std::string& message) {
  return tool::usage_error(tool_name, message, json_errors);
}

struct cli {
  std::vector<std::string> seeds;
  std::string scope = "host";
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::optional<std::uint32_t> depth;
  std::optional<std::uint64_t> max_pages;
  std::size_t per_host = 2;
  double delay = 0.5;
  std::size_t concurrency = 256;
  std::uint16_t retries = 2;
  bool no_robots = false;
  bool sitemaps = false;
  std::vector<std::string> sitemap_urls;
  std::string jsonl;
  bool report_skipped = false;
  std::string warc;
  std::string state;
  std::string redis;  // the shared frontier's Redis; empty: the embedded frontier
  std::string job = "default";
  unsigned lease = 60;
  bool status = false;
  bool reset = false;
  tool::network_options net;
  bool json = false;
  bool quiet = false;
  bool version = false;
};

// The network options cf-crawl honours: all but -H (the crawler writes its requests itself).
constexpr unsigned network_flags = tool::all_network_options & ~tool::opt_header;

double ms(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double seconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double>(d).count();
}

std::chrono::milliseconds from_seconds(double s) {
  return std::chrono::milliseconds(std::llround(s * 1000));
}

// What went wrong with a URL, in words: the client's detail when it has one.
std::string error_text(const crawl::crawl_page& p) {
  return p.error_detail.empty() ? p.error.message() : p.error_detail;
}

// --- options ------------------------------------------------------------------------------

// The User-Agent -A gives: the client sends it and the crawler picks robots.txt's group by it.
std::string user_agent(const cli& c) {
  tool::header_settings headers;
  if (tool::parse_headers(c.net, headers)) return {};
  const auto ua = headers.fields.find("User-Agent");
  return ua ? std::string(*ua) : std::string();
}

std::optional<std::string> client_settings(const cli& c, client::client_options& o) {
  tool::header_settings headers;
  if (auto problem = tool::parse_headers(c.net, headers)) return problem;
  client::fetch_options unused;  // the crawl's own fetch options take -m (crawl_settings)
  if (auto problem = tool::apply_network_options(c.net, headers, o, unused)) return problem;
  if (const std::string ua = user_agent(c); !ua.empty()) o.user_agent = ua;
  return std::nullopt;
}

std::optional<std::string> crawl_settings(const cli& c, crawl::crawl_options& o) {
  if (c.concurrency == 0) return std::string("--concurrency must be at least 1");
  if (c.per_host == 0) return std::string("--per-host must be at least 1");
  if (!(c.delay >= 0) || c.delay > 86400) return std::string("--delay must be 0 to 86400 seconds");
  if (c.max_pages && *c.max_pages == 0) return std::string("--max-pages must be at least 1");
  o.concurrency = c.concurrency;
  o.politeness.per_host = c.per_host;
  o.politeness.delay = from_seconds(c.delay);
  o.retry.max_retries = c.retries;
  if (c.scope == "domain") {
    o.scope.kind = crawl::scope_kind::domain;
  } else if (c.scope == "prefix") {
    o.scope.kind = crawl::scope_kind::prefix;
  } else if (c.scope == "any") {
    o.scope.kind = crawl::scope_kind::any;
  } else {
    o.scope.kind = crawl::scope_kind::host;
  }
  o.scope.include = c.include;
  o.scope.exclude = c.exclude;
  o.max_depth = c.depth;
  o.max_pages = c.max_pages;
  o.user_agent = user_agent(c);
  o.obey_robots = !c.no_robots;
  o.use_sitemaps = c.sitemaps;
  o.sitemaps = c.sitemap_urls;
  o.report_skipped = c.report_skipped;
  // robots.txt fetches are archived too, as crawlers' WARCs hold them.
  o.report_robots = !c.warc.empty();
  if (c.net.max_time > 0) o.fetch.timeouts.total = tool::seconds_to_ms(c.net.max_time);
  if (c.net.connect_timeout > 0) {
    o.fetch.timeouts.connect = tool::seconds_to_ms(c.net.connect_timeout);
  }
  o.state_file = c.state;
  return std::nullopt;
}

// A usage error (exit 2) from the crawler: a seed, a regular expression or a scope it refused.
bool is_usage_error(std::error_code ec) {
  return ec == crawl::errc::invalid_options || ec.category() == corofetch::url::url_category();
}

// --- JSONL --------------------------------------------------------------------------------

// One JSON object per line, each written with one write(2) as the URL ends, before the crawler
// records the URL as finished in its state file: a SIGKILL loses no line of a finished URL.
// When a crawl resumes, the lines already written are read first (a torn last line is cut
// off), and a URL reported again (it was in flight at the kill, and is fetched again) does not
// get a second line.
class jsonl_output {
 public:
  // Opens `path`: afresh, or (resume) keeping its lines. Throws std::runtime_error.
  jsonl_output(const std::string& path, bool resume) : path_(path) {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
    if (resume) {
      read_written();
      flags |= O_APPEND;
    } else {
      flags |= O_TRUNC;
    }
    fd_ = ::open(path.c_str(), flags, 0644);
    if (fd_ < 0) throw std::runtime_error(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  ~jsonl_output() {
    if (fd_ >= 0) ::close(fd_);
  }
  jsonl_output(const jsonl_output&) = delete;
  jsonl_output& operator=(const jsonl_output&) = delete;

  // Writes `line` unless a line for `key` was written by the run this one resumes.
  void write(const std::string& key, const json& line) {
    if (!written_.empty() && written_.contains(key)) return;
    std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace);
    text += '\n';
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error(fmt::format("write {}: {}", path_, std::strerror(errno)));
      done += static_cast<std::size_t>(n);
    }
  }

  // The key of a line: its URL, and whether it reports a skip.
  static std::string key_of(std::string_view url, bool skipped) {
    return std::string(skipped ? "s " : "f ") + std::string(url);
  }

 private:
  void read_written() {
    std::error_code ec;
    if (!fs::exists(path_, ec)) return;
    std::FILE* in = std::fopen(path_.c_str(), "rb");
    if (in == nullptr) throw std::runtime_error(fmt::format("{}: {}", path_, std::strerror(errno)));
    std::string text;
    char buffer[65536];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, in)) > 0;) text.append(buffer, n);
    std::fclose(in);
    const std::size_t complete = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
    if (complete < text.size()) fs::resize_file(path_, complete);  // a line torn by a kill
    std::size_t from = 0;
    while (from < complete) {
      const std::size_t end = text.find('\n', from);
      const json line =
          json::parse(text.begin() + static_cast<std::ptrdiff_t>(from),
                      text.begin() + static_cast<std::ptrdiff_t>(end), nullptr, false);
      from = end + 1;
      if (!line.is_object() || !line.contains("url") || !line["url"].is_string()) continue;
      written_.insert(key_of(line["url"].get<std::string>(), line.contains("skipped")));
    }
  }

  std::string path_;
  int fd_ = -1;
  std::unordered_set<std::string> written_;
};

json page_line(const crawl::crawl_page& p) {
  std::size_t followed = 0;
  for (const auto& link : p.links) followed += link.verdict == crawl::link_verdict::follow;
  json j = {{"url", p.url},
            {"final_url", std::string(p.final_url())},
            {"status", p.status() == 0 ? json() : json(p.status())},
            {"depth", p.depth},
            {"referrer", p.referrer.empty() ? json() : json(p.referrer)},
            {"content_type", p.content_type.empty() ? json() : json(p.content_type)},
            {"bytes", p.response.body_bytes},
            {"links", p.links.size()},
            {"followed", followed},
            {"ms", std::round(ms(p.elapsed) * 1000) / 1000},
            {"error", p.error ? json(error_text(p)) : json()}};
  if (p.attempts > 1) j["attempts"] = p.attempts;
  if (p.purpose == crawl::fetch_purpose::sitemap) j["kind"] = "sitemap";
  if (p.noindex) j["noindex"] = true;
  return j;
}

json skip_line(const crawl::crawl_page& p) {
  return {{"url", p.url},
          {"depth", p.depth},
          {"referrer", p.referrer.empty() ? json() : json(p.referrer)},
          {"skipped", std::string(crawl::to_string(p.skipped))},
          {"reason", p.skip_detail}};
}

// --- WARC ---------------------------------------------------------------------------------

// The response head as a WARC record holds it. The client parses the head with llhttp and
// keeps its parts (version, status, reason, the fields in the order received), not the bytes
// that came: the head is written again from them, one "name: value" line per field line
// received. It differs from the wire only in the spacing around values; the body the client
// hands over is dechunked (and decoded when the client undid gzip or deflate), which the WARC
// writer states by fixing Content-Length and dropping the codings it no longer holds.
std::string response_head(const client::response& r) {
  std::string h = fmt::format("HTTP/{}.{} {} {}\r\n", r.version.major_version,
                              r.version.minor_version, r.status, r.reason);
  for (const auto f : r.fields) {
    h.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  h += "\r\n";
  return h;
}

// WARC-Truncated (WARC 1.1 5.15) for a response that came but whose body did not end well.
std::string_view truncation(std::error_code ec) {
  if (!ec || ec.category() != client::client_category()) return {};
  if (ec == client::errc::body_too_large) return "length";
  if (ec == client::errc::body_idle_timeout || ec == client::errc::total_timeout) return "time";
  return "disconnect";
}

class warc_output {
 public:
  warc_output(const std::string& path, bool resume, const cli& c, const std::string& ua) {
    crawl::warc_writer_options o;
    o.mode = resume ? crawl::warc_open_mode::append : crawl::warc_open_mode::truncate;
    o.info_fields = {{"robots", c.no_robots ? "ignore" : "classic"},
                     {"http-header-user-agent", ua},
                     {"description", "cf-crawl " + fmt::format("{}", fmt::join(c.seeds, " "))}};
    std::string detail;
    if (resume && std::filesystem::exists(path)) read_archived(path);
    auto opened = crawl::warc_writer::open(path, o, &detail);
    if (!opened) throw std::runtime_error(detail.empty() ? opened.error().message() : detail);
    writer_.emplace(std::move(*opened));
  }

  // Archives the exchange of a URL that got a response; nothing for one that did not, nor for
  // one the run this one resumes archived already (it was in flight at a kill and is fetched
  // again: the JSONL gets no second line for it either).
  void write(const crawl::crawl_page& p) {
    if (p.status() == 0 || p.request_head.empty()) return;
    if (!archived_.empty() && archived_.contains(p.url)) return;
    const client::response& r = p.response;
    head_ = response_head(r);
    address_.clear();
    if (r.connection_id != 0) address_ = r.remote.address().to_string();
    crawl::warc_exchange e;
    e.target_uri = p.url;
    e.ip_address = address_;
    e.date = p.fetched_at;
    e.request_head = p.request_head;
    e.response_head = head_;
    e.response_body = r.body;
    e.response_body_form = r.decoded ? crawl::body_form::decoded : crawl::body_form::dechunked;
    e.truncated = truncation(p.error);
    auto written = writer_->write_exchange(e);
    if (!written) {
      const std::string& detail = writer_->error_detail();
      throw std::runtime_error(detail.empty() ? written.error().message() : detail);
    }
  }

  void close() {
    if (writer_ && writer_->close()) throw std::runtime_error(writer_->error_detail());
  }

 private:
  // The URLs whose responses the file holds already. A file that cannot be read back (over
  // the reader's 1 GiB, or damaged) is still appended to, with a warning.
  void read_archived(const std::string& path) {
    std::string detail;
    auto records = crawl::read_warc_records(path, std::uint64_t{1} << 30, &detail);
    if (!records) {
      std::fprintf(stderr,
                   "cf-crawl: warning: %s: not read back (%s): a URL fetched again after the "
                   "resume may be archived twice\n",
                   path.c_str(),
                   detail.empty() ? records.error().message().c_str() : detail.c_str());
      return;
    }
    for (const crawl::warc_record& r : *records) {
      const auto uri = r.field("WARC-Target-URI");
      if (r.field("WARC-Type") == "response" && uri) archived_.emplace(*uri);
    }
  }

  std::optional<crawl::warc_writer> writer_;
  std::unordered_set<std::string> archived_;
  std::string head_;
  std::string address_;
};

// --- what the terminal shows ----------------------------------------------------------------

void print_page(const crawl::crawl_page& p) {
  if (p.skipped != crawl::skip_reason::none) {
    std::printf("skip %10s %10s  %s  (%s: %s)\n", "", "", p.url.c_str(),
                std::string(crawl::to_string(p.skipped)).c_str(), p.skip_detail.c_str());
    return;
  }
  const std::string status = p.status() == 0 ? std::string("ERR") : std::to_string(p.status());
  std::printf("%-4s %10s %8.1f ms  %s%s%s\n", status.c_str(),
              corofetch::tool::human_size(p.response.body_bytes).c_str(), ms(p.elapsed),
              p.url.c_str(), p.error ? "  " : "", p.error ? error_text(p).c_str() : "");
}

std::uint64_t ended(const crawl::crawl_progress& p) {
  return p.fetched + p.failed;
}

double rate(const crawl::crawl_progress& p) {
  const double s = seconds(p.elapsed);
  return s > 0 ? static_cast<double>(ended(p)) / s : 0;
}

// The live line: redrawn in place on stderr (a terminal) at most four times a second.
void draw_status(const crawl::crawl_progress& p) {
  fmt::print(stderr,
             "\r\033[K  {} pages  {} queued  {} in flight  {} hosts  {:.1f} pages/s  {} errors",
             ended(p), p.queued, p.in_flight, p.hosts, rate(p), p.failed + p.http_errors);
}

asio::awaitable<void> redraw_status(asio::steady_timer& timer, const crawl::crawler& crawler) {
  for (;;) {
    timer.expires_after(std::chrono::milliseconds(250));
    auto [ec] = co_await timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    draw_status(crawler.progress());
    std::fflush(stderr);
  }
}

struct outcome {
  std::optional<crawl::crawl_summary> summary;
  crawl::crawl_progress progress;
  std::error_code error;
  std::string error_detail;
  bool interrupted = false;
};

// The process's peak resident set, for the memory a crawl took.
long max_rss_kib() {
  rusage usage{};
  return ::getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0;
}

json summary_json(const outcome& o, int exit_code) {
  const crawl::crawl_progress& p = o.progress;
  json j = {{"pages", ended(p)},
            {"fetched", p.fetched},
            {"failed", p.failed},
            {"http_errors", p.http_errors},
            {"skipped", p.skipped},
            {"retries", p.retries},
            {"robots_fetches", p.robots_fetches},
            {"bytes", p.bytes},
            {"seconds", seconds(p.elapsed)},
            {"pages_per_sec", rate(p)},
            {"queued", p.queued},
            {"seen", p.seen},
            {"interrupted", o.interrupted},
            {"max_rss_kib", max_rss_kib()},
            {"exit_code", exit_code}};
  if (o.summary) {
    j["page_limit_reached"] = o.summary->page_limit_reached;
    j["resumed_pending"] = o.summary->resumed_pending;
    j["resumed_finished"] = o.summary->resumed_finished;
  }
  // Why the exit status is not 0, as every tool's --json says it.
  if (o.error) {
    j["error"] = tool::error_json(
        o.error, o.error_detail.empty() ? o.error.message() : o.error_detail, exit_code);
  } else if (exit_code == exit_failed) {
    j["error"] =
        tool::error_json(fmt::format("{} URLs failed (no response, or a 4xx or 5xx status)",
                                     p.failed + p.http_errors),
                         exit_code);
  } else if (exit_code == exit_interrupted) {
    j["error"] = tool::error_json(fmt::format("interrupted with {} queued", p.queued), exit_code);
  }
  return j;
}

void print_summary(const outcome& o) {
  const crawl::crawl_progress& p = o.progress;
  std::string line = fmt::format(
      "cf-crawl: {} pages ({} failed, {} HTTP errors, {} skipped), {} in {:.2f} s, {:.1f} pages/s",
      ended(p), p.failed, p.http_errors, p.skipped, corofetch::tool::human_size(p.bytes),
      seconds(p.elapsed), rate(p));
  if (o.summary && o.summary->resumed_finished > 0) {
    line += fmt::format("; resumed after {} URLs, {} queued again", o.summary->resumed_finished,
                        o.summary->resumed_pending);
  }
  if (o.summary && o.summary->page_limit_reached) line += "; --max-pages reached";
  if (o.interrupted) line += fmt::format("; interrupted with {} queued", p.queued);
  std::fprintf(stderr, "%s\n", line.c_str());
  if (ended(p) == 0 && p.skipped > 0) {
    std::fputs(
        "cf-crawl: no page was fetched: robots.txt disallows the seeds or could not be fetched "
        "(--report-skipped says which)\n",
        stderr);
  }
}

int exit_code(const outcome& o) {
  if (o.error) return is_usage_error(o.error) ? exit_usage : exit_failed;
  if (o.interrupted) return exit_interrupted;
  return o.progress.failed + o.progress.http_errors > 0 ? exit_failed : exit_ok;
}

// --- the shared frontier (--redis) ---------------------------------------------------------

// A failed call to Redis as one line: a bad --job is bad usage (exit 2); anything else (Redis
// unreachable, refusing AUTH, answering an error) means the tool could not run (exit 1).
int redis_failure(const cli& c, const redis::endpoint& where, std::error_code ec,
                  const std::string& detail) {
  if (ec == crawl::errc::invalid_options) {
    return fail(fmt::format("--job \"{}\": 1 to 64 letters, digits, '.', '_' or '-'", c.job));
  }
  std::string line = redis::to_string(where) + ": " + ec.message();
  if (!detail.empty()) line += ": " + detail;
  return fail(line, exit_failed);
}

json status_json(const cli& c, const redis::endpoint& where, const crawl::job_status& s) {
  json j = {{"job", c.job}, {"redis", redis::to_string(where)}, {"exists", s.exists}};
  if (!s.exists) return j;
  const crawl::frontier_stats& n = s.counters;
  j.update({{"queued", n.queued},
            {"delayed", n.delayed},
            {"leased", n.leased},
            {"hosts", n.hosts},
            {"hosts_met", s.hosts_met},
            {"seen", n.seen},
            {"fetched", n.fetched},
            {"failed", n.failed},
            {"skipped", n.skipped},
            {"expired_leases", s.expired},
            {"pages_per_sec", s.pages_per_second},
            {"per_host", s.politeness.per_host},
            {"delay_ms", s.politeness.delay.count()},
            {"lease_ms", s.lease.count()}});
  return j;
}

void print_status(const cli& c, const redis::endpoint& where, const crawl::job_status& s) {
  if (!s.exists) {
    std::printf("job %s: no such job in %s\n", c.job.c_str(), redis::to_string(where).c_str());
    return;
  }
  const crawl::frontier_stats& n = s.counters;
  fmt::print("job       {} in {}\n", c.job, redis::to_string(where));
  fmt::print("queued    {} ({} delayed for a retry)\n", n.queued, n.delayed);
  fmt::print("leased    {} ({} leases expired so far)\n", n.leased, s.expired);
  fmt::print("hosts     {} active, {} met\n", n.hosts, s.hosts_met);
  fmt::print("seen      {}\n", n.seen);
  fmt::print("fetched   {}\n", n.fetched);
  fmt::print("failed    {}\n", n.failed);
  fmt::print("skipped   {}\n", n.skipped);
  fmt::print("pages/s   {:.1f}\n", s.pages_per_second);
  fmt::print("limits    {} per host, {:.3f} s apart, leases of {:.0f} s\n", s.politeness.per_host,
             seconds(s.politeness.delay), seconds(s.lease));
}

// --status and --reset: one call to Redis, its answer on stdout.
asio::awaitable<int> job_command(const cli& c, redis::endpoint where) {
  redis::client_options ro;
  ro.server = where;
  const auto executor = co_await asio::this_coro::executor;
  redis::client rc(executor, ro);
  if (c.reset) {
    auto removed = co_await crawl::async_reset_job(rc, c.job);
    if (!removed) co_return redis_failure(c, where, removed.error(), rc.error_detail());
    if (c.json) {
      std::printf("%s\n", json({{"job", c.job}, {"removed_keys", *removed}}).dump().c_str());
    } else {
      std::printf("job %s: %llu keys removed\n", c.job.c_str(),
                  static_cast<unsigned long long>(*removed));
    }
    co_return exit_ok;
  }
  auto status = co_await crawl::async_job_status(rc, c.job);
  if (!status) co_return redis_failure(c, where, status.error(), rc.error_detail());
  if (c.json) {
    std::printf("%s\n", status_json(c, where, *status).dump().c_str());
  } else {
    print_status(c, where, *status);
  }
  co_return exit_ok;
}

// The job this worker joins. `existed`: the job was under way before (this worker may be one
// run again after a crash, whose outputs go on after what it wrote).
struct shared_frontier {
  std::unique_ptr<crawl::redis_frontier> frontier;
  bool existed = false;
};

asio::awaitable<int> join_job(const cli& c, redis::endpoint where,
                              const crawl::crawl_options& options, shared_frontier& out) {
  const auto executor = co_await asio::this_coro::executor;
  {
    redis::client_options ro;
    ro.server = where;
    redis::client rc(executor, ro);
    auto status = co_await crawl::async_job_status(rc, c.job);
    if (!status) co_return redis_failure(c, where, status.error(), rc.error_detail());
    out.existed = status->exists;
  }
  crawl::redis_frontier_options fo;
  fo.url = c.redis;
  fo.job = c.job;
  fo.lease = std::chrono::seconds(c.lease);
  fo.politeness = options.politeness;  // taken by the job's first worker only
  if (options.expected_urls != 0) fo.expected_urls = options.expected_urls;
  std::string detail;
  auto made = co_await crawl::redis_frontier::async_create(fo, &detail);
  if (!made) {
    if (made.error() == crawl::errc::invalid_options)
      co_return redis_failure(c, where, made.error(), {});
    co_return fail(detail.empty() ? made.error().message() : detail, exit_failed);
  }
  out.frontier = std::move(*made);
  co_return exit_ok;
}

// Sends the ends of leases the frontier still batches (a crawl stopped by --max-pages or a
// signal), so that their URLs need not wait for the leases to expire.
void flush_shared(asio::io_context& io, crawl::redis_frontier& f, outcome& o) {
  io.restart();
  std::error_code flushed;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { flushed = co_await f.async_flush(); },
      [&](const std::exception_ptr& e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  if (flushed && !o.error) {
    o.error = flushed;
    o.error_detail = "the last acknowledgements did not reach Redis: " + flushed.message();
  }
}

// --- the run -------------------------------------------------------------------------------

// What the flags ask for: a crawl from seeds, or --status or --reset of a --redis job (CLI11
// has checked which flags need or exclude which).
std::optional<std::string> mode_usage(const cli& c) {
  if (!c.redis.empty()) {
    auto parsed = redis::parse_url(c.redis);
    if (!parsed) return "--redis: " + parsed.error().message();
  }
  if ((c.status || c.reset) && !c.seeds.empty()) {
    return std::string(c.status ? "--status" : "--reset") + " takes no URL";
  }
  if (!c.status && !c.reset && c.seeds.empty()) return std::string("url is required");
  return std::nullopt;
}

// The crawler: over the job's frontier with a client of its own made here, or over the
// frontier and client it makes itself. Throws what the client throws (a bad --cacert).
void make_crawler(asio::io_context& io, client::client_options co,
                  const crawl::crawl_options& options, crawl::redis_frontier* shared,
                  std::optional<client::client>& http, std::optional<crawl::crawler>& crawler) {
  if (shared == nullptr) {
    crawler.emplace(io.get_executor(), std::move(co), options);
    return;
  }
  // The job's politeness (its first worker's) is the one that holds.
  co.pool.max_per_host = std::max(co.pool.max_per_host, shared->options().politeness.per_host);
  co.pool.max_total = std::max(co.pool.max_total, options.concurrency);
  http.emplace(io.get_executor(), std::move(co));
  crawler.emplace(*http, options, shared);
}

struct outputs {
  std::optional<jsonl_output> jsonl;
  std::optional<warc_output> warc;
  bool print = false;  // a line per URL on stdout
  bool live = false;   // the status line is on stderr
};

crawl::page_handler make_handler(outputs& out) {
  return [&out](crawl::crawl_page& p, crawl::crawl_control&) {
    if (p.purpose == crawl::fetch_purpose::robots) {
      if (out.warc) out.warc->write(p);
      return;
    }
    const bool skipped = p.skipped != crawl::skip_reason::none;
    if (!skipped && out.warc) out.warc->write(p);
    if (out.jsonl) {
      out.jsonl->write(jsonl_output::key_of(p.url, skipped), skipped ? skip_line(p) : page_line(p));
    }
    if (out.print) {
      if (out.live) std::fputs("\r\033[K", stderr);
      print_page(p);
    }
  };
}

// Runs the crawl to its end on one thread. SIGINT or SIGTERM stops it gracefully (the fetches
// in flight end and are reported); a second one cancels them.
outcome crawl_until_done(crawl::crawler& crawler, asio::io_context& io, const cli& c,
                         outputs& out) {
  outcome result;
  asio::cancellation_signal cancel;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  std::function<void()> wait_signal = [&] {
    signals.async_wait([&](std::error_code ec, int) {
      if (ec) return;
      if (!result.interrupted) {
        result.interrupted = true;
        crawler.stop();
      } else {
        cancel.emit(asio::cancellation_type::terminal);
      }
      wait_signal();
    });
  };
  wait_signal();
  asio::steady_timer status_timer(io);
  if (out.live) asio::co_spawn(io, redraw_status(status_timer, crawler), asio::detached);

  const auto finish = [&] {
    result.progress = crawler.progress();
    status_timer.cancel();
    signals.cancel();
    crawler.http_client().close_idle();
  };
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto r = co_await crawler.async_run(c.seeds, make_handler(out));
        if (r) {
          result.summary = *r;
        } else if (r.error() == asio::error::operation_aborted) {
          result.interrupted = true;  // cancelled by a second signal
        } else {
          result.error = r.error();
          result.error_detail = crawler.error_detail();
        }
        finish();
      },
      asio::bind_cancellation_slot(cancel.slot(), [&](const std::exception_ptr& e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          // The page handler threw: an output could not be written.
          result.error = std::make_error_code(std::errc::io_error);
          result.error_detail = x.what();
        }
        finish();
      }));
  io.run();
  if (out.live) std::fputs("\r\033[K", stderr);
  return result;
}

int run(const cli& c) {
  client::client_options client_options;
  crawl::crawl_options options;
  if (auto problem = client_settings(c, client_options)) return usage(*problem);
  if (auto problem = crawl_settings(c, options)) return usage(*problem);
  if (auto problem = mode_usage(c)) return usage(*problem);
  std::optional<redis::endpoint> where;
  if (!c.redis.empty()) where = *redis::parse_url(c.redis);

  asio::io_context io(1);
  if (c.status || c.reset) {
    return tool::run_coroutine(
        io, tool_name, [&] { return job_command(c, *where); }, c.json);
  }
  shared_frontier shared;
  if (where) {
    int joined = exit_failed;
    asio::co_spawn(io, join_job(c, *where, options, shared),
                   [&](const std::exception_ptr& e, int r) {
                     if (e) std::rethrow_exception(e);
                     joined = r;
                   });
    io.run();
    if (joined != exit_ok) return joined;
    io.restart();
  }

  // A state file that exists is a crawl resumed, and so is a Redis job under way: the outputs
  // go on after what an earlier run wrote.
  std::error_code ec;
  const bool resume =
      shared.frontier ? shared.existed : !c.state.empty() && fs::exists(c.state, ec);
  outputs out;
  out.print = !c.quiet && !c.json;
  out.live = !c.quiet && !c.json && isatty(STDERR_FILENO) != 0;
  try {
    if (!c.jsonl.empty()) out.jsonl.emplace(c.jsonl, resume);
    if (!c.warc.empty()) out.warc.emplace(c.warc, resume, c, client_options.user_agent);
  } catch (const std::exception& e) {
    return fail(e.what());
  }

  std::optional<client::client> http;  // the crawler's own with the embedded frontier
  std::optional<crawl::crawler> crawler;
  try {
    make_crawler(io, client_options, options, shared.frontier.get(), http, crawler);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  outcome o = crawl_until_done(*crawler, io, c, out);
  if (shared.frontier) flush_shared(io, *shared.frontier, o);
  if (out.warc) {
    try {
      out.warc->close();
    } catch (const std::exception& e) {
      if (!o.error) {
        o.error = std::make_error_code(std::errc::io_error);
        o.error_detail = e.what();
      }
    }
  }
  std::fflush(stdout);
  const int code = exit_code(o);
  if (o.error) {
    const std::string message = o.error_detail.empty() ? o.error.message() : o.error_detail;
    // Nothing was crawled: the one line (with --json, the one document) says why.
    if (code == exit_usage) return fail(message, code);
    tool::print_error(tool_name, message);
  }
  if (c.json) {
    if (!tool::print_json(summary_json(o, code))) return tool::exit_write_error;
  } else if (!c.quiet) {
    print_summary(o);
  }
  return code;
}

void add_options(CLI::App& app, cli& c) {
  app.add_option("--scope", c.scope,
                 "host: the seeds' hosts (default); domain: their registrable domains (public "
                 "suffix list); prefix: under each seed's directory; any: anywhere")
      ->check(CLI::IsMember({"host", "domain", "prefix", "any"}));
  app.add_option("--include", c.include, "Only URLs matching this ECMAScript RE (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--exclude", c.exclude, "No URL matching this ECMAScript RE (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--depth", c.depth, "Links followed from a seed at most (default: no limit)");
  app.add_option("--max-pages", c.max_pages,
                 "URLs fetched at most, earlier runs of --state included (default: no limit)");
  app.add_option("--per-host", c.per_host, "Requests in flight to one host at most (default 2)");
  app.add_option("--delay", c.delay,
                 "Seconds between two request starts to one host, at least (default 0.5); a "
                 "larger robots.txt Crawl-delay wins, up to 30 s");
  app.add_option("--concurrency", c.concurrency, "Requests in flight in all (default 256)");
  app.add_option("--retries", c.retries,
                 "Retries of a URL after a network error, 5xx or 429, with backoff (default 2)");
  app.add_flag("--no-robots", c.no_robots, "Neither fetch nor obey robots.txt");
  app.add_flag("--sitemaps", c.sitemaps, "Also crawl the URLs of the sitemaps robots.txt names");
  app.add_option("--sitemap", c.sitemap_urls, "A sitemap URL whose URLs are seeds (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--jsonl", c.jsonl, "Write one JSON object per URL ended to FILE");
  app.add_flag("--report-skipped", c.report_skipped,
               "Also report URLs not fetched (robots.txt disallows them, or out of scope), "
               "with the reason, on stdout and in --jsonl");
  app.add_option("--warc", c.warc,
                 "Write a WARC 1.1 file of every exchange (robots.txt too); a name ending in .gz "
                 "gets one gzip member per record");
  auto* state = app.add_option(
      "--state", c.state,
      "Keep the frontier and the seen URLs in FILE: run again with the same flags to "
      "resume a crawl that was stopped or killed (outputs are appended to)");
  auto* redis_url =
      app.add_option("--redis", c.redis,
                     "Share the frontier through Redis at redis://[[USER]:PASSWORD@]HOST[:PORT]"
                     "[/DB]: every cf-crawl with the same --redis and --job crawls one job, "
                     "politeness counted across all; each writes its own outputs (appended to "
                     "when the job was under way)");
  app.add_option("--job", c.job,
                 "The job's name with --redis: 1 to 64 letters, digits, '.', '_' or '-' "
                 "(default \"default\")")
      ->needs(redis_url);
  app.add_option("--lease", c.lease,
                 "Seconds a worker holds a URL without news before it goes back to the queue "
                 "(default 60; renewed while it works; the job's first worker sets it)")
      ->check(CLI::Range(1U, 86400U))
      ->needs(redis_url);
  auto* status = app.add_flag("--status", c.status,
                              "Print the --redis job's state (queued, delayed, leased, hosts, "
                              "seen, fetched, failed, skipped, pages/s; --json: one JSON "
                              "document) and exit")
                     ->needs(redis_url);
  app.add_flag("--reset", c.reset, "Remove the --redis job's keys, print how many, and exit")
      ->needs(redis_url)
      ->excludes(status);
  // -A's product token also picks the robots.txt group. A crawler follows URLs strangers
  // wrote: the private-address guard is on unless --allow-private says otherwise.
  c.net.refuse_private = true;
  tool::add_network_options(app, c.net, network_flags);
  app.add_flag("--json", c.json,
               "No line per URL; one JSON document on stdout at the end: the summary (and the "
               "error on failure)");
  app.add_flag("-q,--quiet", c.quiet, "No line per URL, no status line, no summary");
  state->excludes(redis_url);
  app.add_option("url", c.seeds, "Seed URLs (http:// or https://)");
}

}  // namespace

int main(int argc, char** argv) {
  json_errors = tool::wants_json(argc, argv);
  return tool::guarded_main(
      tool_name,
      [&] {
        cli c;
        CLI::App app{"cf-crawl: a polite web crawler (robots.txt, per-host limits, JSONL, WARC)"};
        add_options(app, c);
        tool::add_common_flags(app, c.version, tool::exit_codes_table(exit_codes));
        if (auto stop = tool::parse_command_line(app, tool_name, c.version, argc, argv)) {
          return *stop;
        }
        return run(c);
      },
      json_errors);
}
