// cf-page: a page and its requisites, as a browser's first visit loads them. The document comes
// through the client (DNS cache, keep-alive pool, redirects followed); what its HTML names
// (images; with --requisites all also stylesheets, scripts, fonts, icons, frames, and what the
// CSS names through url() and @import) is fetched concurrently, --concurrency in all and
// --per-host to one host. Prints one line per resource and a summary; on a terminal, a live
// progress bar and a waterfall on stderr; --json, --har FILE and --save DIR for the rest.
//
//   cf-page http://127.0.0.1:8080/
//   cf-page --requisites all --resolve site.test:8080:127.0.0.1 --save copy --convert-links
//   http://site.test:8080/ cf-page --json --har page.har --cacert ca.pem https://127.0.0.1:8443/
//
// Exit status: see exit_codes below (--help prints them). The network options, --version, the
// usage errors and --json's error document are every tool's (examples/common).
#include "common/cli.hpp"
#include "common/exit_codes.hpp"
#include "common/format.hpp"
#include "common/json.hpp"
#include "common/network.hpp"
#include "common/run.hpp"

#include <corofetch/client/client.hpp>
#include <corofetch/http/syntax.hpp>
#include <corofetch/page/har.hpp>
#include <corofetch/page/loader.hpp>
#include <corofetch/page/save.hpp>
#include <corofetch/page/waterfall.hpp>
#include <corofetch/version.hpp>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace client = corofetch::client;
namespace page = corofetch::page;
namespace tool = corofetch::tool;
using json = nlohmann::json;

const std::string tool_name = "cf-page";

constexpr int exit_some_failed = 1;
constexpr int exit_page_failed = 2;  // the same as bad usage, as before the tools shared codes
constexpr std::array<tool::exit_code_row, 4> exit_codes{{
    {tool::exit_ok, "the page and every requisite came with a 2xx status"},
    {exit_some_failed,
     "some requisite did not, a limit left some out, or the HTML could not be looked into"},
    {exit_page_failed, "the page itself did not come, or bad usage (one line on stderr)"},
    {tool::exit_internal, "internal error (a bug: please report it)"},
}};

struct cli {
  std::string target;
  std::size_t concurrency = 32;
  std::size_t per_host = 6;
  std::string requisites = "images";
  bool same_host = false;
  std::size_t max_depth = 8;
  std::size_t max_requisites = 10'000;
  std::string save_dir;
  bool convert_links = false;
  std::string har_file;
  bool json = false;
  bool quiet = false;
  bool version = false;
  tool::network_options net;
  std::string srcset = "all";
  double pixel_ratio = 1.0;
};

double ms(std::chrono::nanoseconds d) {
  return tool::to_ms(d);
}

std::string human_bytes(double n) {
  return tool::human_size(static_cast<std::uint64_t>(std::max(n, 0.0)));
}

// What happened to a resource, in a few characters: its status, or the error.
std::string outcome(const page::resource& r) {
  if (r.error) return r.error_detail.empty() ? r.error.message() : r.error_detail;
  return std::to_string(r.status);
}

// Status classes in colour (SGR), when the stream is a terminal and NO_COLOR is unset
// (https://no-color.org).
bool colour_for(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(fd) != 0 && (no_color == nullptr || *no_color == '\0');
}

const char* status_colour(const page::resource& r) {
  if (r.error || r.status >= 500) return "\033[31m";
  if (r.status >= 400) return "\033[33m";
  if (r.status >= 300) return "\033[36m";
  return "\033[32m";
}

void print_line(const page::resource& r, bool colour) {
  const std::string status = r.error ? "ERR" : std::to_string(r.status);
  std::printf("%s%-4s%s %10s %9.1f ms  %-24s %s%s%s\n", colour ? status_colour(r) : "",
              status.c_str(), colour ? "\033[0m" : "",
              human_bytes(static_cast<double>(r.bytes)).c_str(), ms(r.finished - r.started),
              r.source.c_str(), r.url.c_str(), r.error ? "  " : "",
              r.error ? outcome(r).c_str() : "");
}

json timings_json(const client::timing& t) {
  return {{"queued_ms", ms(t.queued)}, {"dns_ms", ms(t.dns)},   {"connect_ms", ms(t.connect)},
          {"tls_ms", ms(t.tls)},       {"sent_ms", ms(t.sent)}, {"first_byte_ms", ms(t.first_byte)},
          {"done_ms", ms(t.done)}};
}

json resource_json(const page::resource& r) {
  json j = {{"url", r.url},
            {"kind", std::string(page::to_string(r.kind))},
            {"source", r.source},
            {"depth", r.depth},
            {"status", r.status},
            {"bytes", r.bytes},
            {"wire_bytes", r.wire_bytes},
            {"content_type", r.content_type},
            {"final_url", r.final_url},
            {"redirects", r.redirects},
            {"reused", r.reused},
            {"queued_ms", ms(r.queued)},
            {"started_ms", ms(r.started)},
            {"finished_ms", ms(r.finished)},
            {"timings", timings_json(r.timing)}};
  if (r.parent != page::resource::no_parent) j["parent"] = r.parent;
  if (r.error) j["error"] = outcome(r);
  return j;
}

json page_json(const page::page_result& p, const client::pool_stats& stats) {
  json images = json::array();
  for (const auto& r : p.images) images.push_back(resource_json(r));
  json skipped = json::array();
  for (const auto& s : p.skipped) {
    skipped.push_back({{"reference", s.reference}, {"source", s.source}, {"reason", s.reason}});
  }
  json j = {{"document", resource_json(p.document)},
            {"title", p.title},
            {"images", images},
            {"inline_images", p.inline_images},
            {"skipped", skipped},
            {"failed", p.failed()},
            {"truncated", p.truncated},
            {"dropped", p.dropped},
            {"bytes", p.bytes()},
            {"total_ms", ms(p.total)},
            {"max_in_flight", p.max_in_flight},
            {"lowered_concurrency", p.lowered_concurrency},
            {"connections", stats.connections_opened}};
  if (p.extraction_error) j["extraction_error"] = p.extraction_error.message();
  return j;
}

// -H and -A on every request, the page's and the requisites': the loader's extra fields,
// where an empty value removes a field the loader or the client would send ("-H 'Name:'").
std::optional<std::string> apply_headers(const tool::header_settings& h, page::load_options& lo) {
  if (h.empty_values) {
    return std::string("cf-page cannot send a field with an empty value (-H 'Name;')");
  }
  for (const auto f : h.fields) lo.extra_fields.set(f.name, f.value);
  for (const std::string& name : h.removed) {
    if (corofetch::http::iequals(name, "Accept-Encoding")) {
      lo.document.decode_content = false;
      lo.images.decode_content = false;
    } else {
      lo.extra_fields.set(name, "");
    }
  }
  return std::nullopt;
}

std::optional<std::string> prepare(const cli& c, client::client_options& o,
                                   page::load_options& lo) {
  tool::header_settings headers;
  if (auto problem = tool::parse_headers(c.net, headers)) return problem;
  client::fetch_options fetch;
  if (auto problem = tool::apply_network_options(c.net, headers, o, fetch)) return problem;
  if (c.concurrency == 0) return std::string("--concurrency must be at least 1");
  if (c.per_host == 0) return std::string("--per-host must be at least 1");
  if (c.max_depth == 0) return std::string("--max-depth must be at least 1");
  if (c.requisites == "all") {
    lo.requisites = page::requisites::all;
  } else if (c.requisites != "images") {
    return "invalid --requisites '" + c.requisites + "': expected images or all";
  }
  if (c.convert_links && c.save_dir.empty()) return std::string("--convert-links needs --save");
  // The pool holds the connections the loader's limits ask for.
  o.pool.max_per_host = std::max(o.pool.max_per_host, c.per_host);
  o.pool.max_total = std::max(o.pool.max_total, c.concurrency);
  lo.concurrency = c.concurrency;
  lo.per_host = c.per_host;
  lo.same_host = c.same_host;
  lo.max_depth = c.max_depth;
  lo.max_resources = c.max_requisites;
  lo.keep_bodies = !c.save_dir.empty();
  lo.document.timeouts = fetch.timeouts;  // -m and --connect-timeout bound each fetch
  lo.images.timeouts = fetch.timeouts;
  if (c.srcset == "browser") {
    lo.extract.srcset = corofetch::html::srcset_policy::browser_choice;
    lo.extract.device_pixel_ratio = c.pixel_ratio;
  } else if (c.srcset != "all") {
    return "invalid --srcset '" + c.srcset + "': expected all or browser";
  }
  if (!(c.pixel_ratio > 0)) return std::string("--dpr must be positive");
  return apply_headers(headers, lo);
}

std::size_t terminal_width() {
  winsize w{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  return 80;
}

// The live progress line on stderr: done of known, bytes, rate, in flight.
struct progress {
  bool on = false;
  bool colour = false;
  std::size_t known = 0;
  std::size_t started = 0;
  std::size_t done = 0;
  std::size_t failed = 0;
  std::uint64_t bytes = 0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  void draw() const {
    if (!on) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = seconds > 0 ? static_cast<double>(bytes) / seconds : 0;
    char tail[160];
    std::snprintf(
        tail, sizeof tail, " %zu/%zu done%s%s, %s, %s/s, %zu in flight", done, known,
        failed > 0 ? (colour ? ", \033[31m" : ", ") : "",
        failed > 0 ? (std::to_string(failed) + " failed" + (colour ? "\033[0m" : "")).c_str() : "",
        human_bytes(static_cast<double>(bytes)).c_str(), human_bytes(rate).c_str(), started - done);
    const std::size_t width = terminal_width();
    const std::size_t bar = width > 70 ? 30 : 10;
    const std::size_t filled = known == 0 ? 0 : bar * done / known;
    std::string line = "\r[" + std::string(filled, '#') + std::string(bar - filled, '-') + "]";
    line += tail;
    std::fprintf(stderr, "%s\033[K", line.c_str());
    std::fflush(stderr);
  }
};

void print_table(const cli& c, const page::page_result& p, const client::pool_stats& stats) {
  const bool colour = colour_for(STDOUT_FILENO);
  std::printf("page %s \"%s\"\n", c.target.c_str(), p.title.c_str());
  print_line(p.document, colour);
  for (const auto& r : p.images) print_line(r, colour);
  std::printf(
      "%zu requisites (%zu inline, %zu skipped): %zu ok, %zu failed; %s in %.1f ms, %zu at once "
      "at most, %llu connections\n",
      p.images.size(), p.inline_images, p.skipped.size(), p.images.size() - p.failed(), p.failed(),
      human_bytes(static_cast<double>(p.bytes())).c_str(), ms(p.total), p.max_in_flight,
      static_cast<unsigned long long>(stats.connections_opened));
}

// What is wrong with a loaded page, on stderr; the exit status.
int verdict(const cli& c, const page::page_result& p) {
  if (!p.document.ok()) {
    tool::print_error(tool_name, "the page itself failed: " + outcome(p.document));
    return exit_page_failed;
  }
  int code = p.failed() == 0 ? tool::exit_ok : exit_some_failed;
  if (p.extraction_error) {
    std::fprintf(stderr, "cf-page: the page loaded, but no requisite was taken: %s\n",
                 p.extraction_error.message().c_str());
    code = exit_some_failed;
  }
  if (p.truncated) {
    std::fprintf(stderr,
                 "cf-page: limit reached: %zu requisites not fetched (--max-requisites %zu)\n",
                 p.dropped, c.max_requisites);
    code = exit_some_failed;
  }
  if (p.lowered_concurrency != 0) {  // a note, not a failure: nothing was lost
    std::fprintf(stderr,
                 "cf-page: out of file descriptors (ulimit -n): went on at %zu fetches at once\n",
                 p.lowered_concurrency);
  }
  return code;
}

// --json's document: the page, its requisites and the summary; when the exit status is not 0,
// also "error" saying why, as every tool's --json does.
json json_report(const page::page_result& p, const client::pool_stats& stats, int code) {
  json j = page_json(p, stats);
  j["exit_code"] = code;
  if (!p.document.ok()) {
    const std::string message = "the page itself failed: " + outcome(p.document);
    j["error"] = p.document.error ? tool::error_json(p.document.error, message, code)
                                  : tool::error_json(message, code);
  } else if (code != tool::exit_ok) {
    j["error"] = tool::error_json(
        fmt::format("{} of {} requisites failed{}{}", p.failed(), p.images.size(),
                    p.extraction_error ? "; the HTML could not be looked into" : "",
                    p.truncated ? "; --max-requisites left some out" : ""),
        code);
  }
  return j;
}

int run(const cli& c) {
  client::client_options options;
  page::load_options load;
  if (auto problem = prepare(c, options, load))
    return tool::usage_error(tool_name, *problem, c.json);

  progress bar;
  bar.on = !c.quiet && !c.json && isatty(STDERR_FILENO) != 0;
  bar.colour = bar.on && colour_for(STDERR_FILENO);
  load.on_queued = [&](const page::resource&) { ++bar.known; };
  load.on_started = [&](const page::resource&) { ++bar.started; };
  load.on_resource = [&](const page::resource& r) {
    ++bar.done;
    bar.bytes += r.bytes;
    if (!r.ok()) ++bar.failed;
    bar.draw();
  };

  asio::io_context io(1);
  std::optional<corofetch::result<page::page_result>> loaded;
  client::pool_stats stats;
  const auto wall_start = std::chrono::system_clock::now();
  const int ran = tool::run_coroutine(
      io, tool_name,
      [&]() -> asio::awaitable<int> {
        client::client fetcher(io.get_executor(), options);
        page::loader loader(fetcher, load);
        // The bar also moves while nothing ends (the rate, a slow first byte).
        asio::steady_timer tick(io);
        std::function<void()> redraw = [&] {
          tick.expires_after(std::chrono::milliseconds(100));
          tick.async_wait([&](std::error_code ec) {
            if (ec || loaded) return;
            bar.draw();
            redraw();
          });
        };
        if (bar.on) redraw();
        auto result = co_await loader.async_load(c.target);
        loaded.emplace(std::move(result));
        tick.cancel();
        stats = fetcher.stats();
        fetcher.close_idle();
        co_return tool::exit_ok;
      },
      c.json);
  if (bar.on) std::fprintf(stderr, "\r\033[K");
  if (ran != tool::exit_ok) return ran;  // a crash, already reported
  if (!loaded || !*loaded) {
    const std::error_code ec = loaded ? loaded->error() : std::error_code();
    return tool::fail(tool_name, "cannot load '" + c.target + "': " + ec.message(),
                      exit_page_failed, c.json);
  }
  const page::page_result& p = **loaded;

  if (!c.har_file.empty()) {
    std::ofstream har(c.har_file);
    har << page::to_har(p, {"cf-page", corofetch::version_string, wall_start}) << '\n';
    if (!har) {
      return tool::fail(tool_name, "cannot write '" + c.har_file + "'", exit_page_failed, c.json);
    }
  }
  if (!c.save_dir.empty()) {
    if (auto ec = page::save(p, c.save_dir, {c.convert_links})) {
      return tool::fail(tool_name, "cannot save into '" + c.save_dir + "': " + ec.message(),
                        exit_page_failed, c.json);
    }
  }
  if (!c.json && !c.quiet) print_table(c, p, stats);
  if (bar.on) {
    std::fprintf(stderr, "%s", page::render_waterfall(p, {terminal_width(), bar.colour}).c_str());
  }
  const int code = verdict(c, p);
  if (c.json && !tool::print_json(json_report(p, stats, code))) return tool::exit_write_error;
  return code;
}

void add_options(CLI::App& app, cli& c) {
  app.add_option("--concurrency", c.concurrency,
                 "Requisite fetches at once, all hosts (default 32)");
  app.add_option("--per-host", c.per_host, "Requisite fetches at once to one host (default 6)");
  app.add_option("--requisites", c.requisites,
                 "images (default), or all: also stylesheets, scripts, fonts, icons, frames and "
                 "what CSS names (url(), @import)");
  app.add_flag("--same-host", c.same_host, "Only requisites on the page's host (wget -p's way)");
  app.add_option("--max-depth", c.max_depth,
                 "How deep references are followed: 1 the page's, 2 its CSS's, ... (default 8)");
  app.add_option("--max-requisites", c.max_requisites,
                 "At most this many requisites; more is reported, exit 1 (default 10000)");
  app.add_option("--save", c.save_dir,
                 "Write the page and its requisites under DIR (wget -p layout)");
  app.add_flag("--convert-links", c.convert_links,
               "With --save: point the saved HTML and CSS at the saved files (wget -k)");
  app.add_option("--har", c.har_file, "Write an HTTP Archive (HAR 1.2) of the load to FILE");
  app.add_flag("--json", c.json,
               "One JSON document on stdout: every resource, its timing, the summary (and the "
               "error on failure)");
  app.add_flag("-q,--quiet", c.quiet, "No progress and no table; only the exit status");
  app.add_option("--srcset", c.srcset,
                 "all: every srcset candidate (default); browser: the one a browser picks");
  app.add_option("--dpr", c.pixel_ratio, "Device pixel ratio for --srcset browser (default 1)");
  tool::add_network_options(app, c.net);
  app.add_option("url", c.target, "http:// or https:// URL of the page")->required();
  tool::add_common_flags(app, c.version, tool::exit_codes_table(exit_codes));
}

int run_main(int argc, char** argv) {
  cli c;
  CLI::App app{"cf-page: a page and its requisites, fetched concurrently (like wget -p)"};
  add_options(app, c);
  if (auto stop = tool::parse_command_line(app, tool_name, c.version, argc, argv)) return *stop;
  return run(c);
}

}  // namespace

int main(int argc, char** argv) {
  return tool::guarded_main(
      tool_name, [&] { return run_main(argc, argv); }, tool::wants_json(argc, argv));
}
