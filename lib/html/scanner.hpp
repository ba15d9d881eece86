#pragma once
// The link scanner: extract_references without a tree. A tokenizer that follows the HTML
// Standard's (13.2.5) as gumbo 0.10 implements it, driving a model of gumbo's tree builder that
// keeps only what decides the answer: the stack of open elements (names, namespaces), the list of
// active formatting elements (so that a reconstructed <a> is reported again, as gumbo's clone
// is), the insertion modes up to "in body", the form element pointer and the noscript depth.
// Every reference is found in the order gumbo's tree would hold it, which for the markup the model
// covers is the order elements are created. The table and select modes are modelled, and template
// contents skipped. Where gumbo's tree construction would move or reparent nodes (foster
// parenting, the adoption agency with a furthest block), or switch to modes the model lacks
// (frameset, MathML, HTML inside SVG), or where the scanner cannot be sure to decode a value as
// gumbo does, it gives up and says why (scan_fallback): the caller parses the page with gumbo
// instead. Internal to the html module.

#include <corofetch/html/references.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::html {

/// Why the scanner handed a page to the gumbo path.
enum class scan_fallback : std::uint8_t {
  none,
  nul_byte,                // a NUL anywhere: gumbo's replacements differ by state
  invalid_utf8,            // in a value the scanner reads
  numeric_overflow,        // "&#99999999999;" in a value the scanner reads
  table,                   // table modes, foster parenting
  select,                  // "in select" ignores most tags
  frameset,                // frameset, frame
  template_element,        // template contents and their insertion modes
  math,                    // MathML and its integration points
  isindex,                 // gumbo turns it into form, hr, label and input
  foreign_breakout,        // an HTML start tag that ends SVG content
  foreign_end_tag,         // an end tag in SVG that closes HTML elements
  integration_point,       // a start tag in SVG foreignObject, desc or title
  adoption_agency,         // a misnested formatting end tag with a block inside
  formatting_elements,     // three alike formatting elements open (Noah's Ark clause)
  reconstruct_in_foreign,  // formatting elements reopened inside SVG
};

/// A short name for a reason, e.g. "table".
[[nodiscard]] std::string_view to_string(scan_fallback reason) noexcept;

/// One attribute value naming a reference, before resolution.
struct scanned_reference {
  reference_kind kind = reference_kind::hyperlink;
  std::string value;  // decoded as gumbo decodes it
  bool nofollow = false;
  /// Where gumbo's original_value says the value is written, less its quotes (for an unquoted
  /// value that starts with a character reference, gumbo's starts after it); {0, 0} if empty.
  std::size_t value_begin = 0;
  std::size_t value_end = 0;
  bool exact = false;  // those bytes are the decoded value
};

/// What the scanner found, or why it gave up.
struct scan_result {
  std::vector<scanned_reference> references;  // in tree order
  std::optional<std::string> base_href;       // the first <base href>, decoded
  std::string title;                          // the first <title>'s text, not yet collapsed
  bool noindex = false;
  bool nofollow = false;
  scan_fallback fallback = scan_fallback::none;
};

/// True when options ask for nothing the scanner does not read: kinds among hyperlink and
/// frame, no inline styles.
[[nodiscard]] bool scanner_covers(const reference_options& options) noexcept;

/// Scans `html` (which the caller has checked against the size and nesting bounds).
[[nodiscard]] scan_result scan_references(std::string_view html, const reference_options& options);

}  // namespace corofetch::html
