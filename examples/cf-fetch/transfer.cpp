#include "cf-fetch/transfer.hpp"

#include "cf-fetch/output.hpp"
#include "cf-fetch/verbose.hpp"
#include "common/exit_codes.hpp"
#include "common/format.hpp"
#include "common/json.hpp"

#include <corofetch/client/cookie_jar.hpp>
#include <corofetch/url/url.hpp>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>

namespace cf_fetch {

namespace client = corofetch::client;
namespace tool = corofetch::tool;
using clock = std::chrono::steady_clock;

namespace {

// curl's transient HTTP statuses (man curl, --retry).
bool transient_status(int status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

// Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date; nullopt when absent or bad.
std::optional<std::chrono::milliseconds> retry_after(const client::response& r) {
  const auto value = r.fields.find("Retry-After");
  if (!value) return std::nullopt;
  std::uint64_t seconds = 0;
  const char* end = value->data() + value->size();
  if (auto [p, ec] = std::from_chars(value->data(), end, seconds); ec == std::errc() && p == end) {
    return std::chrono::seconds(std::min<std::uint64_t>(seconds, std::uint64_t{24} * 3600));
  }
  auto date = client::parse_cookie_date(*value);
  if (!date) return std::nullopt;
  const auto left = *date - std::chrono::system_clock::now();
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(left));
}

// --retry's schedule: Retry-After when the server gives one, else --retry-delay, else 1 s
// doubling up to 10 minutes (curl's); never past --retry-max-time.
class retry_policy {
 public:
  explicit retry_policy(const options& o)
      : left_(o.retry),
        fixed_(o.retry_delay > 0 ? std::optional(tool::seconds_to_ms(o.retry_delay))
                                 : std::nullopt),
        max_time_(tool::seconds_to_ms(o.retry_max_time)),
        connrefused_(o.retry_connrefused) {}

  [[nodiscard]] int left() const { return left_; }
  [[nodiscard]] int used() const { return used_; }

  /// Why `ec`/`r` is worth another attempt ("" when it is not).
  [[nodiscard]] std::string transient(std::error_code ec, const client::response& r) const {
    if (ec) {
      if (tool::exit_code_for(ec) == tool::exit_timeout) return "timeout";
      if (connrefused_ && ec == asio::error::connection_refused) return "connection refused";
      return {};
    }
    return transient_status(r.status) ? "HTTP error" : "";
  }

  /// The wait before the next attempt, or nullopt when no attempt is left in count or time.
  [[nodiscard]] std::optional<std::chrono::milliseconds> next_delay(
      const client::response& r, clock::time_point started) const {
    if (left_ <= 0) return std::nullopt;
    const auto delay = retry_after(r).value_or(fixed_.value_or(backoff_));
    if (max_time_.count() > 0 && clock::now() + delay - started > max_time_) return std::nullopt;
    return delay;
  }

  void consume() {
    --left_;
    ++used_;
    if (!fixed_) backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(600'000));
  }

 private:
  int left_;
  int used_ = 0;
  std::optional<std::chrono::milliseconds> fixed_;
  std::chrono::milliseconds max_time_;
  bool connrefused_;
  std::chrono::milliseconds backoff_{1000};
};

// -O: the URL path's last segment, as it is (curl does not decode it).
std::string remote_file_name(const std::string& url) {
  auto parsed = corofetch::url::parse(url);
  if (!parsed) return {};
  const std::string_view path = parsed->pathname();
  return std::string(path.substr(path.rfind('/') + 1));
}

output_spec output_for(const options& o, std::size_t index) {
  if (index < o.outputs.size()) return o.outputs[index];
  output_spec s;
  s.remote_name = o.remote_name_all;
  return s;
}

// -C: the byte to resume at, from "-" (the file's size) or a number.
std::variant<std::uint64_t, std::string> resume_offset(const options& o, const std::string& file) {
  if (o.continue_at.empty()) return std::uint64_t{0};
  if (o.continue_at == "-") {
    std::error_code ec;
    const auto size = file.empty() ? 0 : std::filesystem::file_size(file, ec);
    return ec ? std::uint64_t{0} : std::uint64_t{size};
  }
  std::uint64_t n = 0;
  const char* end = o.continue_at.data() + o.continue_at.size();
  auto [p, ec] = std::from_chars(o.continue_at.data(), end, n);
  if (ec != std::errc() || p != end) return "-C takes a byte offset or '-'";
  return n;
}

void warn(const options& o, const std::string& message) {
  if (!o.silent) std::fprintf(stderr, "cf-fetch: warning: %s\n", message.c_str());
}

// The outcome's exit code and message once the last attempt is over.
void conclude(std::error_code ec, const output& out, std::uint64_t offset, transfer_outcome& t) {
  const client::response& r = t.response;
  if (ec == client::errc::sink_failed && out.refused_binary()) {
    t.exit_code = tool::exit_write_error;
    t.message =
        "Binary output can mess up your terminal. Use \"--output -\" to tell cf-fetch to output "
        "it to your terminal anyway, or consider \"--output <FILE>\" to save to a file.";
  } else if (ec == client::errc::sink_failed && !out.problem().empty()) {
    t.exit_code = tool::exit_write_error;
    t.message = out.problem();
  } else if (ec) {
    t.exit_code = tool::exit_code_for(ec);
    t.message = r.error_detail.empty() ? ec.message() : r.error_detail;
    if (t.exit_code == tool::exit_empty_reply) t.message = "Empty reply from server: " + t.message;
  } else if (offset > 0 && r.status / 100 == 2 && r.status != 206 &&
             r.fields.find("Content-Length") != std::to_string(offset)) {
    t.exit_code = tool::exit_range_error;
    t.message = "HTTP server doesn't seem to support byte ranges. Cannot resume.";
  } else if (out.failed_status()) {
    t.exit_code = tool::exit_http_error;
    t.message = "The requested URL returned error: " + std::to_string(r.status);
  }
}

}  // namespace

bool plan_output(const options& o, std::size_t index, transfer_outcome& t, output_spec& spec,
                 std::uint64_t& offset) {
  spec = output_for(o, index);
  t.output_file = spec.file;
  if (spec.remote_name) {
    t.output_file = remote_file_name(t.url);
    if (t.output_file.empty()) {
      t.exit_code = tool::exit_write_error;
      t.message = "Remote file name has no length!";
      return false;
    }
  }
  const auto resume = resume_offset(o, t.output_file);
  if (const auto* bad = std::get_if<std::string>(&resume)) {
    t.exit_code = tool::exit_usage;
    t.message = *bad;
    return false;
  }
  offset = std::get<std::uint64_t>(resume);
  return true;
}

output::settings output_settings(const run_context& ctx, const output_spec& spec,
                                 const std::string& file) {
  const options& o = ctx.opts;
  output::settings s;
  s.file = file;
  s.append = !o.continue_at.empty();
  s.include_head = o.include || o.head;
  s.fail_on_error = o.fail;
  s.refuse_binary_tty = ctx.stdout_is_terminal && file.empty() && !spec.explicit_stdout;
  s.discard_body = o.json && file.empty();
  return s;
}

asio::awaitable<transfer_outcome> run_transfer(const run_context& ctx, std::size_t index) {
  const options& o = ctx.opts;
  transfer_outcome t;
  t.report.response = &t.response;
  t.report.method = method_of(o, ctx.body);
  t.url = effective_url(o, ctx.body, index);
  output_spec spec;
  std::uint64_t offset = 0;
  if (!plan_output(o, index, t, spec, offset)) co_return t;

  retry_policy retry(o);
  const auto started = clock::now();
  verbose_log log(t.response);
  output::settings s = output_settings(ctx, spec, t.output_file);
  s.drop_body = [&](const client::response& r) {
    if (offset > 0 && r.status / 100 == 2 && r.status != 206) return true;
    return transient_status(r.status) && retry.next_delay(r, started).has_value();
  };
  if (o.verbose) s.on_head = [&](const client::response& r) { log.response_head(r); };
  output out(std::move(s), t.response);

  client::fetch_options fo = client::default_fetch_options(ctx.fetcher.options());
  fo.follow_redirects = o.follow;
  fo.max_redirects = o.max_redirects;
  fo.decode_content = o.compressed && !o.raw && !ctx.headers.drop_accept_encoding;
  fo.sink = &out;
  fo.on_request_head = [&](std::string_view head) {
    if (t.response.status != 0) (void)out.write_head(t.response);  // -i -L: each redirect's
    if (o.verbose) log.request_head(head);
  };
  fo.on_connection = [&](const client::connection_event& e) {
    if (e.what == client::connection_event::stage::connected) ++t.report.num_connects;
    if (o.verbose) log.connection(e);
  };

  std::error_code ec;
  for (;;) {
    auto req = build_request(o, ctx.headers, ctx.body, index, offset);
    if (auto* e = std::get_if<payload_error>(&req)) {
      t.exit_code = e->exit_code;
      t.message = e->message;
      co_return t;
    }
    const auto& request = std::get<client::request>(req);
    t.report.size_upload =
        request.body.length().value_or(ctx.body.stdin_upload ? ctx.body.stdin_upload->size() : 0);
    out.rewind();
    log.restart();
    ec = co_await ctx.fetcher.async_fetch_into(request, t.response, fo);
    const std::string why = retry.transient(ec, t.response);
    const auto delay = why.empty() ? std::nullopt : retry.next_delay(t.response, started);
    if (!delay) break;
    warn(o, "Problem : " + why + ". Will retry in " +
                std::to_string((delay->count() + 999) / 1000) + " seconds. " +
                std::to_string(retry.left()) + " retries left.");
    retry.consume();
    asio::steady_timer timer(co_await asio::this_coro::executor, *delay);
    co_await timer.async_wait(asio::use_awaitable);
  }
  t.retries = retry.used();
  t.report.wall = clock::now() - started;
  if (o.verbose && t.response.status != 0) log.summary(t.response);
  conclude(ec, out, offset, t);
  if (!out.close() && t.exit_code == 0) {
    t.exit_code = tool::exit_write_error;
    t.message = "writing the output failed";
  }
  t.report.exit_code = t.exit_code;
  t.report.error_message = t.message;
  co_return t;
}

nlohmann::json transfer_json(const transfer_outcome& t) {
  const client::response& r = t.response;
  const cumulative_times times = times_of(t.report);
  nlohmann::json headers = nlohmann::json::array();
  for (const corofetch::http::field f : r.fields) {
    headers.push_back({std::string(f.name), std::string(f.value)});
  }
  nlohmann::json redirects = nlohmann::json::array();
  for (const auto& hop : r.redirects) {
    redirects.push_back({{"url", hop.url},
                         {"method", hop.method},
                         {"status", hop.status},
                         {"location", hop.location},
                         {"reused", hop.reused},
                         {"total_ms", tool::to_ms(hop.timing.total())}});
  }
  const auto& p = r.timing;
  nlohmann::json j{
      {"url", t.url},
      {"final_url", r.url},
      {"method", t.report.method},
      {"status", r.status},
      {"reason", r.reason},
      {"headers", headers},
      {"body_bytes", r.body_bytes},
      {"wire_body_bytes", r.wire_body_bytes},
      {"decoded", r.decoded},
      {"reused", r.reused},
      {"remote_ip", r.connection_id == 0 ? "" : r.remote.address().to_string()},
      {"remote_port", r.connection_id == 0 ? 0 : r.remote.port()},
      {"connection_id", r.connection_id},
      {"retries", t.retries},
      {"output", t.output_file},
      {"timings",
       {{"queued_ms", tool::to_ms(p.queued)},
        {"dns_ms", tool::to_ms(p.dns)},
        {"connect_ms", tool::to_ms(p.connect)},
        {"tls_ms", tool::to_ms(p.tls)},
        {"sent_ms", tool::to_ms(p.sent)},
        {"first_byte_ms", tool::to_ms(p.first_byte)},
        {"done_ms", tool::to_ms(p.done)},
        {"total_ms", tool::to_ms(p.total())},
        {"time_namelookup", std::chrono::duration<double>(times.namelookup).count()},
        {"time_connect", std::chrono::duration<double>(times.connect).count()},
        {"time_appconnect", std::chrono::duration<double>(times.appconnect).count()},
        {"time_starttransfer", std::chrono::duration<double>(times.starttransfer).count()},
        {"time_total", std::chrono::duration<double>(times.total).count()}}},
      {"redirects", redirects},
      {"exit_code", t.exit_code},
      {"error",
       t.exit_code == 0 ? nlohmann::json(nullptr) : tool::error_json(t.message, t.exit_code)}};
  if (t.details.is_object()) j.update(t.details);
  return j;
}

}  // namespace cf_fetch
