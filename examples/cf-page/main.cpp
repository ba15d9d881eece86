// cf-page: a page and all its images, as a browser's first visit loads them. The document comes
// through the client (DNS cache, keep-alive pool, redirects followed); the images its HTML
// names are fetched concurrently, --concurrency in all and --per-host to one host. Prints one
// line per resource and a summary; --json, --har FILE and --save DIR for the rest.
//
//   cf-page http://127.0.0.1:8080/
//   cf-page --resolve gallery.test:8080:127.0.0.1 --save site --har page.har
//   http://gallery.test:8080/ cf-page --json --concurrency 4 --cacert ca.pem
//   https://127.0.0.1:8443/
//
// Exit status: 0 when the page and every image came with a 2xx status, 1 when some image did
// not, 2 when the page itself did not (or on bad usage).
#include <corofetch/client/client.hpp>
#include <corofetch/page/loader.hpp>
#include <corofetch/page/save.hpp>
#include <corofetch/version.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace client = corofetch::client;
namespace page = corofetch::page;
using json = nlohmann::json;

int fail(const std::string& message, int code = 2) {
  std::fprintf(stderr, "cf-page: %s\n", message.c_str());
  return code;
}

struct cli {
  std::string target;
  std::size_t concurrency = 32;
  std::size_t per_host = 6;
  std::string save_dir;
  std::string har_file;
  bool json = false;
  bool quiet = false;
  bool insecure = false;
  std::string cacert;
  std::vector<std::string> dns_servers;
  std::vector<std::string> resolves;
  double max_time = 0;
  std::string srcset = "all";
  double pixel_ratio = 1.0;
};

double ms(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::string human_bytes(std::uint64_t n) {
  char text[32];
  if (n < 1024) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(n));
  } else if (n < std::uint64_t{1024} * 1024) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(n) / (1024.0 * 1024));
  }
  return text;
}

// What happened to a resource, in a few characters: its status, or the error.
std::string outcome(const page::resource& r) {
  if (r.error) return r.error_detail.empty() ? r.error.message() : r.error_detail;
  return std::to_string(r.status);
}

void print_line(const page::resource& r) {
  std::printf("%-4s %10s %9.1f ms  %-22s %s%s%s\n",
              r.error ? "ERR" : std::to_string(r.status).c_str(), human_bytes(r.bytes).c_str(),
              ms(r.finished - r.started), r.source.c_str(), r.url.c_str(), r.error ? "  " : "",
              r.error ? outcome(r).c_str() : "");
}

json timings_json(const client::timing& t) {
  return {{"queued_ms", ms(t.queued)}, {"dns_ms", ms(t.dns)},   {"connect_ms", ms(t.connect)},
          {"tls_ms", ms(t.tls)},       {"sent_ms", ms(t.sent)}, {"first_byte_ms", ms(t.first_byte)},
          {"done_ms", ms(t.done)}};
}

json resource_json(const page::resource& r) {
  json j = {{"url", r.url},
            {"source", r.source},
            {"status", r.status},
            {"bytes", r.bytes},
            {"wire_bytes", r.wire_bytes},
            {"content_type", r.content_type},
            {"final_url", r.final_url},
            {"redirects", r.redirects},
            {"reused", r.reused},
            {"started_ms", ms(r.started)},
            {"finished_ms", ms(r.finished)},
            {"timings", timings_json(r.timing)}};
  if (r.error) j["error"] = outcome(r);
  return j;
}

json page_json(const page::page_result& p, const client::pool_stats& stats) {
  json images = json::array();
  for (const auto& r : p.images) images.push_back(resource_json(r));
  json skipped = json::array();
  for (const auto& s : p.skipped) {
    skipped.push_back({{"reference", s.reference},
                       {"source", std::string(corofetch::html::to_string(s.source))},
                       {"reason", std::string(corofetch::html::to_string(s.reason))}});
  }
  return {{"document", resource_json(p.document)},
          {"title", p.title},
          {"images", images},
          {"inline_images", p.inline_images},
          {"skipped", skipped},
          {"failed", p.failed()},
          {"bytes", p.bytes()},
          {"total_ms", ms(p.total)},
          {"max_in_flight", p.max_in_flight},
          {"connections", stats.connections_opened}};
}

// ISO 8601 with milliseconds, UTC, for HAR's startedDateTime.
std::string iso_time(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", date, static_cast<long long>(millis));
  return out;
}

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): one page, one entry per resource.
// A phase that did not happen is -1; "connect" includes "ssl", as the format says. Resources
// without a response carry status 0 and "_error" (custom fields start with '_').
json har_json(const page::page_result& p, std::chrono::system_clock::time_point started) {
  const auto phase = [](std::chrono::nanoseconds d) { return d.count() > 0 ? ms(d) : -1.0; };
  json entries = json::array();
  const auto entry = [&](const page::resource& r) {
    json headers = json::array();
    for (const auto f : r.fields) {
      headers.push_back({{"name", std::string(f.name)}, {"value", std::string(f.value)}});
    }
    const client::timing& t = r.timing;
    json e = {{"pageref", "page_1"},
              {"startedDateTime",
               iso_time(started + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                      r.started))},
              {"time", ms(r.finished - r.started)},
              {"request",
               {{"method", "GET"},
                {"url", r.url},
                {"httpVersion", "HTTP/1.1"},
                {"cookies", json::array()},
                {"headers", json::array()},
                {"queryString", json::array()},
                {"headersSize", -1},
                {"bodySize", 0}}},
              {"response",
               {{"status", r.status},
                {"statusText", ""},
                {"httpVersion", "HTTP/1.1"},
                {"cookies", json::array()},
                {"headers", headers},
                {"content", {{"size", r.bytes}, {"mimeType", r.content_type}}},
                {"redirectURL", ""},
                {"headersSize", -1},
                {"bodySize", r.wire_bytes}}},
              {"cache", json::object()},
              {"timings",
               {{"blocked", phase(t.queued)},
                {"dns", phase(t.dns)},
                {"connect", t.connect.count() + t.tls.count() > 0 ? ms(t.connect + t.tls) : -1.0},
                {"ssl", phase(t.tls)},
                {"send", ms(t.sent)},
                {"wait", ms(t.first_byte)},
                {"receive", ms(t.done)}}}};
    if (r.error) e["_error"] = outcome(r);
    entries.push_back(std::move(e));
  };
  entry(p.document);
  for (const auto& r : p.images) entry(r);
  return {{"log",
           {{"version", "1.2"},
            {"creator", {{"name", "cf-page"}, {"version", corofetch::version_string}}},
            {"pages",
             json::array({{{"startedDateTime", iso_time(started)},
                           {"id", "page_1"},
                           {"title", p.title},
                           {"pageTimings", {{"onContentLoad", -1}, {"onLoad", ms(p.total)}}}}})},
            {"entries", entries}}}};
}

std::optional<std::string> prepare(const cli& c, client::client_options& o,
                                   page::load_options& lo) {
  o.tls.ca_file = c.cacert;
  o.tls.insecure_skip_verify = c.insecure;
  o.resolver.servers = c.dns_servers;
  for (const std::string& r : c.resolves) {
    auto ov = client::parse_resolve_override(r);
    if (!ov) return "invalid --resolve '" + r + "': expected HOST:PORT:ADDR with a port 0-65535";
    o.resolve_overrides.push_back(std::move(*ov));
  }
  if (c.concurrency == 0) return std::string("--concurrency must be at least 1");
  if (c.per_host == 0) return std::string("--per-host must be at least 1");
  // The pool holds the connections the loader's limits ask for.
  o.pool.max_per_host = std::max(o.pool.max_per_host, c.per_host);
  o.pool.max_total = std::max(o.pool.max_total, c.concurrency);
  lo.concurrency = c.concurrency;
  lo.per_host = c.per_host;
  lo.keep_bodies = !c.save_dir.empty();
  for (auto* f : {&lo.document, &lo.images}) {
    f->timeouts = o.timeouts;
    if (c.max_time > 0) {
      f->timeouts.total = std::chrono::milliseconds(static_cast<long long>(c.max_time * 1000));
    }
  }
  if (c.srcset == "browser") {
    lo.extract.srcset = corofetch::html::srcset_policy::browser_choice;
    lo.extract.device_pixel_ratio = c.pixel_ratio;
  } else if (c.srcset != "all") {
    return "invalid --srcset '" + c.srcset + "': expected all or browser";
  }
  if (!(c.pixel_ratio > 0)) return std::string("--dpr must be positive");
  return std::nullopt;
}

int run(const cli& c) {
  client::client_options options;
  page::load_options load;
  if (auto problem = prepare(c, options, load)) return fail(*problem);

  // Progress on a terminal: one line rewritten as resources end.
  const bool progress = !c.quiet && !c.json && isatty(STDERR_FILENO) != 0;
  std::size_t done = 0;
  load.on_resource = [&](const page::resource&) {
    ++done;
    if (progress) std::fprintf(stderr, "\r%zu resources done", done);
  };

  asio::io_context io(1);
  std::optional<corofetch::result<page::page_result>> loaded;
  client::pool_stats stats;
  std::exception_ptr crashed;
  const auto wall_start = std::chrono::system_clock::now();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        client::client fetcher(io.get_executor(), options);
        page::loader loader(fetcher, load);
        auto result = co_await loader.async_load(c.target);
        loaded.emplace(std::move(result));
        stats = fetcher.stats();
        fetcher.close_idle();
      },
      [&](const std::exception_ptr& e) { crashed = e; });
  try {
    io.run();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (progress) std::fprintf(stderr, "\r\033[K");
  if (crashed) {
    try {
      std::rethrow_exception(crashed);
    } catch (const std::exception& e) {
      return fail(e.what());
    }
  }
  if (!loaded || !*loaded) {
    const std::error_code ec = loaded ? loaded->error() : std::error_code();
    return fail("cannot load '" + c.target + "': " + ec.message());
  }
  const page::page_result& p = **loaded;

  if (!c.har_file.empty()) {
    std::ofstream har(c.har_file);
    har << har_json(p, wall_start).dump(2) << '\n';
    if (!har) return fail("cannot write '" + c.har_file + "'");
  }
  if (!c.save_dir.empty()) {
    if (auto ec = page::save(p, c.save_dir)) {
      return fail("cannot save into '" + c.save_dir + "': " + ec.message());
    }
  }
  if (c.json) {
    std::printf("%s\n", page_json(p, stats).dump().c_str());
  } else if (!c.quiet) {
    std::printf("page %s \"%s\"\n", c.target.c_str(), p.title.c_str());
    print_line(p.document);
    for (const auto& r : p.images) print_line(r);
    std::printf(
        "%zu images (%zu inline, %zu skipped): %zu ok, %zu failed; %s in %.1f ms, %zu at once "
        "at most, %llu connections\n",
        p.images.size(), p.inline_images, p.skipped.size(), p.images.size() - p.failed(),
        p.failed(), human_bytes(p.bytes()).c_str(), ms(p.total), p.max_in_flight,
        static_cast<unsigned long long>(stats.connections_opened));
  }
  if (!p.document.ok()) {
    std::fprintf(stderr, "cf-page: the page itself failed: %s\n", outcome(p.document).c_str());
    return 2;
  }
  return p.failed() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  cli c;
  CLI::App app{"cf-page: a page and all its images, fetched concurrently (like wget -p)"};
  app.set_version_flag("--version", corofetch::version_string);
  app.add_option("--concurrency", c.concurrency, "Image fetches at once, all hosts (default 32)");
  app.add_option("--per-host", c.per_host, "Image fetches at once to one host (default 6)");
  app.add_option("--save", c.save_dir, "Write the page and its images under DIR (wget -p layout)");
  app.add_option("--har", c.har_file, "Write an HTTP Archive (HAR 1.2) of the load to FILE");
  app.add_flag("--json", c.json, "One JSON object: every resource, its timing, the summary");
  app.add_flag("-q,--quiet", c.quiet, "No progress and no table; only the exit status");
  app.add_option("--srcset", c.srcset,
                 "all: every srcset candidate (default); browser: the one a browser picks");
  app.add_option("--dpr", c.pixel_ratio, "Device pixel ratio for --srcset browser (default 1)");
  app.add_option("-m,--max-time", c.max_time, "Bound on each fetch, in seconds");
  app.add_option("--cacert", c.cacert, "PEM file of trusted CAs instead of the system store");
  app.add_flag("-k,--insecure", c.insecure, "Do not verify servers' certificates");
  app.add_option("--dns-server", c.dns_servers, "DNS server ADDR[:PORT] (repeatable)");
  app.add_option("--resolve", c.resolves, "HOST:PORT:ADDR, bypassing DNS (repeatable)");
  app.add_option("url", c.target, "http:// or https:// URL of the page")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return run(c);
}
