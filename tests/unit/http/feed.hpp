#pragma once
// Feeds a response to response_parser whole, at every split point and one byte at a time, and
// checks that every way of feeding gives the same outcome. Each piece is copied into its own
// allocation so that a read past a piece is seen by ASan.

#include <corofetch/http/response_parser.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

namespace cf_test {

namespace http = corofetch::http;

/// An http::errc as the std::error_code the API returns, for exact comparisons in checks.
inline std::error_code err(http::errc e) {
  return make_error_code(e);
}

struct outcome {
  std::error_code error;
  int status = 0;
  std::string reason;
  http::version version;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::pair<std::string, std::string>> trailers;
  std::vector<int> interim;
  std::string body;
  bool keep_alive = false;
  bool complete = false;
  bool upgraded = false;
  std::size_t consumed = 0;

  // After an error only the error is compared: how much of a bad message was taken before the
  // error depends on the split.
  friend bool operator==(const outcome& a, const outcome& b) {
    if (a.error || b.error) return a.error == b.error;
    return a.status == b.status && a.reason == b.reason && a.version == b.version &&
           a.fields == b.fields && a.trailers == b.trailers && a.interim == b.interim &&
           a.body == b.body && a.keep_alive == b.keep_alive && a.complete == b.complete &&
           a.upgraded == b.upgraded && a.consumed == b.consumed;
  }
};

inline std::vector<std::pair<std::string, std::string>> to_pairs(const http::fields& fs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const http::field f : fs) out.emplace_back(f.name, f.value);
  return out;
}

struct feed_options {
  http::method method = http::method::get;
  bool upgrade_requested = false;
  bool eof = true;  // the connection closes after the bytes
  http::parser_options parser;
};

// Feeds `bytes` cut at `cuts` (increasing offsets) to a fresh parser.
inline outcome feed_pieces(std::string_view bytes, const std::vector<std::size_t>& cuts,
                           const feed_options& opts = {}) {
  http::parser_options po = opts.parser;
  po.collect_body = true;
  http::response_parser parser(po);
  parser.expect(opts.method, opts.upgrade_requested);
  outcome o;
  std::string body_from_pieces;
  std::size_t at = 0;
  bool stopped = false;
  for (std::size_t i = 0; i <= cuts.size() && !stopped; ++i) {
    const std::size_t to = i < cuts.size() ? cuts[i] : bytes.size();
    const std::string piece(bytes.substr(at, to - at));
    auto n = parser.parse(piece);
    if (!n) {
      o.error = n.error();
      return o;
    }
    for (std::string_view p : parser.body_pieces()) body_from_pieces += p;
    o.consumed += *n;
    if (*n < piece.size()) stopped = true;
    at = to;
  }
  if (!parser.complete() && opts.eof) {
    if (auto ec = parser.finish()) {
      o.error = ec;
      return o;
    }
  }
  o.complete = parser.complete();
  const auto& h = parser.head();
  o.status = h.status;
  o.reason = h.reason;
  o.version = h.version;
  o.fields = to_pairs(h.fields);
  o.trailers = to_pairs(parser.trailers());
  for (const auto& i : parser.interim()) o.interim.push_back(i.status);
  o.body = parser.body();
  CHECK(body_from_pieces == o.body);
  CHECK(parser.body_size() == o.body.size());
  o.keep_alive = parser.keep_alive();
  o.upgraded = parser.upgraded();
  return o;
}

// Parses whole, then at every split into two and one byte at a time; all must agree. Returns
// the outcome of the whole.
inline outcome feed_all_splits(std::string_view bytes, const feed_options& opts = {}) {
  const outcome whole = feed_pieces(bytes, {}, opts);
  for (std::size_t k = 1; k < bytes.size(); ++k) {
    const outcome split = feed_pieces(bytes, {k}, opts);
    INFO("split at " << k << ": " << split.error.message());
    CHECK(split == whole);
  }
  std::vector<std::size_t> every;
  for (std::size_t k = 1; k < bytes.size(); ++k) every.push_back(k);
  const outcome bytewise = feed_pieces(bytes, every, opts);
  INFO("byte by byte: " << bytewise.error.message());
  CHECK(bytewise == whole);
  return whole;
}

}  // namespace cf_test
