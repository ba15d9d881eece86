// Targets files in vegeta's HTTP format: a request per block, used round robin by the generator.
#include <corofetch/http/method.hpp>
#include <corofetch/load/error.hpp>
#include <corofetch/load/target.hpp>
#include <corofetch/url/url.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <system_error>

namespace corofetch::load {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::error_code fail(targets_error* where, std::size_t line, std::string message) {
  if (where != nullptr) *where = {line, std::move(message)};
  return errc::invalid_targets;
}

// "METHOD URL": a method token and an absolute http or https URL.
std::error_code parse_request_line(std::string_view line, std::size_t number, target& out,
                                   targets_error* where) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) {
    return fail(where, number, fmt::format("expected \"METHOD URL\", got \"{}\"", line));
  }
  const std::string_view method = line.substr(0, space);
  const std::string_view url_text = trim(line.substr(space + 1));
  if (!http::method::parse(method)) {
    return fail(where, number, fmt::format("\"{}\" is not a method token", method));
  }
  auto parsed = url::parse(url_text);
  if (!parsed) {
    return fail(where, number,
                fmt::format("bad URL \"{}\": {}", url_text, parsed.error().message()));
  }
  if (parsed->scheme() != "http" && parsed->scheme() != "https") {
    return fail(where, number, fmt::format("\"{}\" is not an http or https URL", url_text));
  }
  out.method = std::string(method);
  out.url = std::string(url_text);
  out.line = number;
  return {};
}

// A line inside a block: a header or the @file of the body.
std::error_code parse_block_line(std::string_view line, std::size_t number, target& t,
                                 targets_error* where) {
  if (line.front() == '@') {
    if (!t.body_file.empty()) return fail(where, number, "a second @ body line in one target");
    t.body_file = std::string(trim(line.substr(1)));
    if (t.body_file.empty()) return fail(where, number, "@ without a file name");
    return {};
  }
  if (!t.body_file.empty()) return fail(where, number, "a header line after the @ body line");
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail(where, number, fmt::format("expected \"Name: value\", got \"{}\"", line));
  }
  t.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                         std::string(trim(line.substr(colon + 1))));
  return {};
}

// vegeta separates blocks with a blank line; a request line straight after a block starts the
// next one all the same ("Name: value" never has a space before its colon).
bool looks_like_request_line(std::string_view line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return false;
  const std::string_view rest = trim(line.substr(space + 1));
  return http::method::parse(line.substr(0, space)).has_value() &&
         (rest.starts_with("http://") || rest.starts_with("https://"));
}

}  // namespace

result<std::vector<target>> parse_targets(std::string_view text, targets_error* where) {
  std::vector<target> out;
  bool in_block = false;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    const std::string_view line = trim(raw);
    if (line.empty()) {
      in_block = false;
      continue;
    }
    if (line.front() == '#') continue;
    if (!in_block || looks_like_request_line(line)) {
      target t;
      if (auto ec = parse_request_line(line, number, t, where); ec) return ec;
      out.push_back(std::move(t));
      in_block = true;
      continue;
    }
    if (auto ec = parse_block_line(line, number, out.back(), where); ec) return ec;
  }
  if (out.empty()) return fail(where, 0, "no target in the file");
  return out;
}

namespace {

result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::error_code(errno != 0 ? errno : ENOENT, std::generic_category());
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::error_code(EIO, std::generic_category());
  return content;
}

}  // namespace

result<std::vector<target>> load_targets_file(const std::string& path, targets_error* where) {
  auto text = read_file(path);
  if (!text) {
    if (where != nullptr) *where = {0, fmt::format("{}: {}", path, text.error().message())};
    return text.error();
  }
  auto targets = parse_targets(*text, where);
  if (!targets) return targets;
  for (target& t : *targets) {
    if (t.body_file.empty()) continue;
    auto body = read_file(t.body_file);
    if (!body) {
      if (where != nullptr) {
        *where = {t.line, fmt::format("@{}: {}", t.body_file, body.error().message())};
      }
      return body.error();
    }
    t.body = std::move(*body);
  }
  return targets;
}

}  // namespace corofetch::load
