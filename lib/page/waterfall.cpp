// page::render_waterfall: the load's exchanges on one time axis, as text.
#include <corofetch/page/waterfall.hpp>

#include "page/phases.hpp"

#include <corofetch/url/url.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace corofetch::page {
namespace {

using std::chrono::nanoseconds;

struct segment {
  char letter;
  std::string_view color;  // SGR background
};

constexpr std::array<segment, 6> segments{{
    {'.', "\033[100m"},  // queued: grey
    {'d', "\033[46m"},   // dns: cyan
    {'c', "\033[43m"},   // connect: yellow
    {'s', "\033[45m"},   // tls: magenta
    {'w', "\033[42m"},   // wait: green
    {'r', "\033[44m"},   // receive: blue
}};
constexpr std::string_view reset = "\033[0m";

std::string_view status_color(const resource& r, int status) {
  if (r.error && status == 0) return "\033[31m";
  if (status >= 500) return "\033[31m";
  if (status >= 400) return "\033[33m";
  if (status >= 300) return "\033[36m";
  return "\033[32m";
}

double ms(nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// The URL as a short label: path and query, cut to `width` from the left ("…" first).
std::string label_of(const std::string& text, std::size_t width) {
  std::string label = text;
  if (auto u = url::parse(text)) label = std::string(u->path_and_query());
  if (label.size() > width) label = "~" + label.substr(label.size() - (width - 1));
  return label;
}

struct layout {
  std::size_t label_width;
  std::size_t bar_width;
  double span_ms;
};

std::string row(const resource& r, std::size_t k, const layout& l, bool color) {
  const detail::exchange_phases p = detail::phases_of(r, k);
  const int status = k < r.exchanges.size() ? r.exchanges[k].status : r.status;
  const std::string& url = k < r.exchanges.size() ? r.exchanges[k].url : r.url;
  const std::string code = status == 0 && r.error ? "ERR" : std::to_string(status);
  std::string out = fmt::format("{:>9.1f} ", ms(p.start));
  if (color) out += status_color(r, status);
  out += fmt::format("{:<4}", code);
  if (color) out += reset;
  out += fmt::format("{:<{}} ", label_of(url, l.label_width), l.label_width);
  const std::array<nanoseconds, 6> d{p.timing.queued,
                                     p.timing.dns,
                                     p.timing.connect,
                                     p.timing.tls,
                                     p.timing.sent + p.timing.first_byte,
                                     p.timing.done};
  const double per_column = l.span_ms / static_cast<double>(l.bar_width);
  const auto column = [&](double at_ms) {
    return std::min(l.bar_width, static_cast<std::size_t>(std::llround(at_ms / per_column)));
  };
  double at = ms(p.start);
  std::size_t col = column(at);
  out.append(col, ' ');
  std::size_t drawn = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    at += ms(d[i]);
    const std::size_t end = column(at);
    if (end <= col) continue;
    if (color) out += segments[i].color;
    out.append(end - col, color ? ' ' : segments[i].letter);
    if (color) out += reset;
    drawn += end - col;
    col = end;
  }
  if (drawn == 0) out += '|';  // shorter than a column: still seen
  return out;
}

}  // namespace

std::string render_waterfall(const page_result& page, const waterfall_options& options) {
  const std::size_t width = std::max<std::size_t>(options.width, 40);
  layout l{};
  l.label_width = std::clamp<std::size_t>(width / 4, 12, 40);
  l.bar_width = width - 10 - 4 - l.label_width - 1 - 1;
  l.span_ms = std::max(ms(page.total), 0.001);
  std::string out;
  const auto add = [&](const resource& r) {
    const std::size_t rows = std::max<std::size_t>(r.exchanges.size(), 1);
    for (std::size_t k = 0; k < rows; ++k) out += row(r, k, l, options.color) + "\n";
  };
  add(page.document);
  for (const resource& r : page.images) add(r);
  out += fmt::format("{:>9} {:<4}{:<{}} 0 ms .. {:.1f} ms, {:.2f} ms per column\n", "", "", "",
                     l.label_width, l.span_ms, l.span_ms / static_cast<double>(l.bar_width));
  std::string legend = fmt::format("{:>9} ", "");
  constexpr std::array<std::string_view, 6> names{"queued", "dns",  "connect",
                                                  "tls",    "wait", "receive"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (options.color) {
      legend += fmt::format("{}{}{} {}  ", segments[i].color, ' ', reset, names[i]);
    } else {
      legend += fmt::format("{} {}  ", segments[i].letter, names[i]);
    }
  }
  out += legend + "\n";
  return out;
}

}  // namespace corofetch::page
