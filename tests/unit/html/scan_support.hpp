#pragma once
// Shared helpers of the link scanner tests: extract with and without the scanner and compare.
#include "scan_fingerprint.hpp"

#include <corofetch/html/references.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

namespace scan_test {

inline constexpr std::string_view document = "https://example.com/dir/page.html";

inline const corofetch::url::url& document_url() {
  static const auto u = corofetch::url::parse(document);
  return u.value();
}

inline corofetch::html::reference_options crawl_options() {
  corofetch::html::reference_options o;
  o.kinds = corofetch::html::reference_kinds::crawl();
  return o;
}

/// Both paths' outcomes for `html`; the scanner's path in `path`.
struct both {
  std::string parsed;
  std::string scanned;
  corofetch::html::extraction_path path = corofetch::html::extraction_path::parsed;
  std::string_view reason;
};

inline both run_both(std::string_view html,
                     corofetch::html::reference_options options = crawl_options()) {
  both b;
  options.scan = false;
  b.parsed = outcome(corofetch::html::extract_references(html, document_url(), options));
  options.scan = true;
  const auto r = corofetch::html::extract_references(html, document_url(), options);
  b.scanned = outcome(r);
  if (r) {
    b.path = r->path;
    b.reason = r->fallback_reason;
  }
  return b;
}

/// Extracts `html` through the scanner, which must not fall back, and checks the full parse
/// gives the same result.
inline corofetch::html::references scan(
    std::string_view html, corofetch::html::reference_options options = crawl_options()) {
  const both b = run_both(html, options);
  INFO("document: " << html);
  INFO("fallback: " << b.reason);
  CHECK(b.scanned == b.parsed);
  REQUIRE(b.path == corofetch::html::extraction_path::scanned);
  options.scan = true;
  auto r = corofetch::html::extract_references(html, document_url(), options);
  REQUIRE(r.has_value());
  return std::move(*r);
}

/// The scanner must hand `html` to the full parse, for `reason`; the result is the parse's.
inline void falls_back(std::string_view html, std::string_view reason,
                       corofetch::html::reference_options options = crawl_options()) {
  const both b = run_both(html, options);
  INFO("document: " << html);
  CHECK(b.scanned == b.parsed);
  CHECK(b.path == corofetch::html::extraction_path::fell_back);
  CHECK(b.reason == reason);
}

/// Every hyperlink and frame as "kind href", in order.
inline std::vector<std::string> links(const corofetch::html::references& r) {
  std::vector<std::string> out;
  for (const auto& ref : r.items) {
    out.push_back(std::string(to_string(ref.kind)) + " " + std::string(ref.location.href()));
  }
  return out;
}

using list = std::vector<std::string>;

}  // namespace scan_test
