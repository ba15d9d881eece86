#pragma once
// Shared helpers of the extract_references tests: extract with a fixed document URL and
// describe the results as strings.
#include <corofetch/html/references.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace references_test {

inline constexpr std::string_view document = "https://example.com/dir/page.html";

inline corofetch::html::references extract(std::string_view html,
                                           const corofetch::html::reference_options& options = {},
                                           std::string_view document_url = document) {
  const auto doc = corofetch::url::parse(document_url);
  REQUIRE(doc.has_value());
  auto r = corofetch::html::extract_references(html, *doc, options);
  INFO("error: " << r.error().message());
  REQUIRE(r.has_value());
  return std::move(*r);
}

inline corofetch::html::reference_options only(corofetch::html::reference_kinds kinds) {
  corofetch::html::reference_options o;
  o.kinds = kinds;
  return o;
}

/// "kind: href" for every reference, in order; images add their source: "image (img src): ...".
inline std::vector<std::string> described(const corofetch::html::references& r) {
  std::vector<std::string> out;
  for (const auto& ref : r.items) {
    std::string d(to_string(ref.kind));
    if (ref.image) d += " (" + std::string(to_string(*ref.image)) + ")";
    out.push_back(d + ": " + std::string(ref.location.href()));
  }
  return out;
}

/// "kind reason: text" for every skipped reference, in order.
inline std::vector<std::string> skipped(const corofetch::html::references& r) {
  std::vector<std::string> out;
  for (const auto& s : r.skipped) {
    out.push_back(std::string(to_string(s.kind)) + " " + std::string(to_string(s.reason)) + ": " +
                  s.text);
  }
  return out;
}

using list = std::vector<std::string>;

}  // namespace references_test
