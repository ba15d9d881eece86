#pragma once
// A fast pre-scan bounding the cost of gumbo's tree construction. gumbo 0.10 walks the stack of
// open elements for every scope check (e.g. "close a p element" on each <div>), so a document
// that keeps thousands of elements open costs time quadratic in its size: 100,000 nested <div>
// take about 30 s. The scan models the stack of open elements closely enough to bound that
// cost; the model errs towards closing elements the way the tree builder does (end tags pop to
// their element unless a scope boundary is in between; li, dt, dd, p, option, tr, td, th close
// an open sibling), so sloppy but ordinary markup stays shallow. Internal to the html module.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace corofetch::html {

struct nesting_estimate {
  std::size_t max_depth = 0;  // deepest stack of open elements seen
  std::uint64_t work = 0;     // sum, over start tags, of the stack depth at that tag
};

/// Scans `html` (tags, attributes with quotes, comments, raw text elements) and estimates how
/// deep gumbo's stack of open elements gets. Stops early, with the figures so far, once
/// max_depth exceeds `depth_limit` or work exceeds `work_limit`. Linear; never throws except
/// std::bad_alloc.
[[nodiscard]] nesting_estimate estimate_nesting(std::string_view html, std::size_t depth_limit,
                                                std::uint64_t work_limit);

}  // namespace corofetch::html
