#pragma once
// Shared helpers of the html unit tests: extract with a fixed document URL and compare lists.
#include <corofetch/html/images.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace html_test {

inline constexpr std::string_view document = "https://example.com/dir/page.html";

inline corofetch::html::extraction extract(std::string_view html,
                                           const corofetch::html::extract_options& options = {},
                                           std::string_view document_url = document) {
  const auto doc = corofetch::url::parse(document_url);
  REQUIRE(doc.has_value());
  auto r = corofetch::html::extract_images(html, *doc, options);
  INFO("error: " << r.error().message());
  REQUIRE(r.has_value());
  return std::move(*r);
}

/// Every image's href, in order.
inline std::vector<std::string> hrefs(const corofetch::html::extraction& e) {
  std::vector<std::string> out;
  for (const auto& im : e.images) out.emplace_back(im.location.href());
  return out;
}

/// "source: href" for every image, in order.
inline std::vector<std::string> described(const corofetch::html::extraction& e) {
  std::vector<std::string> out;
  for (const auto& im : e.images) {
    out.push_back(std::string(to_string(im.source)) + ": " + std::string(im.location.href()));
  }
  return out;
}

/// "reason: reference" for every skipped reference, in order.
inline std::vector<std::string> skipped(const corofetch::html::extraction& e) {
  std::vector<std::string> out;
  for (const auto& s : e.skipped)
    out.push_back(std::string(to_string(s.reason)) + ": " + s.reference);
  return out;
}

using list = std::vector<std::string>;

}  // namespace html_test
