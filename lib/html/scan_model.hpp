#pragma once
// The link scanner's model of gumbo's tree builder (HTML Standard 13.2.6 as gumbo 0.10 has it):
// insertion modes up to "in body", the stack of open elements, the list of active formatting
// elements, the form element pointer; and what the elements it creates say (links, frames,
// base, title, meta robots). The tokenizer (scanner.cpp) feeds it tokens and reads back the
// tokenizer state the last start tag asks for. Internal to the html module.

#include "html/scan_tags.hpp"
#include "html/scan_text.hpp"
#include "html/scanner.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::html::scan {

/// An attribute as the tokenizer saw it.
struct attribute_token {
  std::string_view name;        // as written (compared ASCII case-insensitively)
  std::size_t value_begin = 0;  // the value as written, quotes excluded
  std::size_t value_end = 0;
  char quote = '>';  // '"', '\'', or '>' for an unquoted (or absent) value
};

/// A start or end tag.
struct tag_token {
  tag_id tag = unknown_tag;
  std::string name;  // ASCII-lowercased
  std::vector<attribute_token> attributes;
  bool self_closing = false;
  /// For an end tag, all that is written between "</" and ">": gumbo compares that, not the
  /// name, with the open SVG elements' names.
  std::string_view written;
};

/// The tokenizer state a start tag leaves behind (13.2.5.1 onwards).
enum class text_state : std::uint8_t {
  data,
  rcdata,
  rawtext,
  script_data,
  plaintext,
  template_contents,  // inert markup up to the matching </template>, which the model never sees
};

class tree_model {
 public:
  tree_model(std::string_view input, const reference_options& options, scan_result& out);

  void start_tag(const tag_token& t);
  void end_tag(const tag_token& t);
  /// Character data in the data state: [begin, end) of the input.
  void text(std::size_t begin, std::size_t end);
  void comment() { ignore_linefeed_ = false; }
  /// A DOCTYPE token; [begin, end) is what follows "<!DOCTYPE" up to its '>'.
  void doctype(std::string_view rest);
  /// The content of a title element the last start tag opened, when it is the document's.
  void title_text(std::size_t begin, std::size_t end);
  /// The end of an element whose content the tokenizer read as text (script, title, ...).
  void raw_text_end() { ignore_linefeed_ = false; }

  [[nodiscard]] text_state next_state() const noexcept { return next_state_; }
  [[nodiscard]] bool capture_title() const noexcept { return capture_title_; }
  /// CDATA sections are recognised when the current node is not an HTML element.
  [[nodiscard]] bool cdata_allowed() const noexcept {
    return !stack_.empty() && stack_.back().foreign;
  }
  [[nodiscard]] bool failed() const noexcept { return out_.fallback != scan_fallback::none; }
  void fail(scan_fallback why) noexcept {
    if (out_.fallback == scan_fallback::none) out_.fallback = why;
  }

 private:
  enum class mode : std::uint8_t {
    initial,
    before_html,
    before_head,
    in_head,
    in_head_noscript,
    after_head,
    in_body,
    in_table,  // the table modes (13.2.6.4.9 onwards), after in_body
    in_table_body,
    in_row,
    in_cell,
    in_caption,
    in_column_group,
    in_select,  // 13.2.6.4.16, 13.2.6.4.17
    in_select_in_table,
  };
  enum class quirks : std::uint8_t { quirks, no_quirks, unknown };
  struct open_element {
    tag_id tag = unknown_tag;
    bool foreign = false;      // SVG
    bool integration = false;  // SVG foreignObject, desc, title
    std::uint32_t serial = 0;  // identifies the element
    std::string name;          // SVG: the lowercase name, for end tags
  };
  struct formatting_entry {
    tag_id tag = unknown_tag;  // unknown_tag for a marker
    std::uint32_t serial = 0;  // 0 for a marker
    int anchor = -1;           // an <a>'s reference in anchors_, for its clones
  };

  // Insertion modes before the body (13.2.6.4.1 .. 13.2.6.4.6).
  bool start_before_body(const tag_token& t);
  bool end_before_body(const tag_token& t);
  bool in_head_start(const tag_token& t);
  bool in_head_noscript_start(const tag_token& t);
  bool after_head_start(const tag_token& t);
  void head_element(const tag_token& t);

  // "in body" (13.2.6.4.7) and foreign content (13.2.6.5).
  void body_start(const tag_token& t);
  bool body_start_blocks(const tag_token& t);
  bool body_start_inline(const tag_token& t);
  void body_end(const tag_token& t);
  void any_other_end_tag(tag_id tag);
  void anchor_start(const tag_token& t);
  // The table modes; each returns true when the token must be processed again (in the mode it
  // switched to). Foster parenting, which would move nodes, is a fallback.
  [[nodiscard]] bool in_table_mode() const noexcept { return mode_ >= mode::in_table; }
  void table_start(const tag_token& t);
  void table_end(const tag_token& t);
  void table_text(std::size_t begin, std::size_t end);
  bool in_table_start(const tag_token& t);
  bool in_table_end(const tag_token& t);
  bool in_table_body_start(const tag_token& t);
  bool in_table_body_end(const tag_token& t);
  bool in_row_start(const tag_token& t);
  bool in_row_end(const tag_token& t);
  bool in_cell_start(const tag_token& t);
  bool in_cell_end(const tag_token& t);
  bool in_caption_start(const tag_token& t);
  bool in_caption_end(const tag_token& t);
  bool in_column_group(const tag_token* t, bool end);
  bool in_select_start(const tag_token& t);
  bool in_select_end(const tag_token& t);
  void select_start_in_body();
  bool close_select();
  [[nodiscard]] bool in_select_scope(tag_id tag) const noexcept;
  void table_start_in_body();
  bool close_table();
  bool close_table_section();
  void close_cell();
  void close_caption();
  void clear_stack_to(std::initializer_list<tag_id> context);
  void reset_insertion_mode();
  [[nodiscard]] bool reconstruct_needed() const noexcept;
  void foreign_start(const tag_token& t);
  void foreign_end(const tag_token& t);
  void adoption_agency(tag_id subject);

  // The stack of open elements and the list of active formatting elements.
  std::uint32_t push(tag_id tag);
  void push_foreign(const tag_token& t);
  void pop();
  void pop_to(std::size_t index);
  void remove_at(std::size_t index);
  void pop_until(tag_id tag);
  [[nodiscard]] bool current_is(tag_id tag) const noexcept;
  [[nodiscard]] long index_of(std::uint32_t serial) const noexcept;
  enum class scope : std::uint8_t { normal, button, list_item, table };
  [[nodiscard]] bool in_scope(tag_id tag, scope kind = scope::normal) const noexcept;
  [[nodiscard]] bool heading_in_scope() const noexcept;
  [[nodiscard]] bool node_in_scope(std::uint32_t serial) const noexcept;
  [[nodiscard]] static bool is_special(const open_element& e) noexcept;
  void generate_implied_end_tags(tag_id except);
  void close_p();
  void close_list_item(bool li);
  void reconstruct();
  void add_formatting(tag_id tag, std::uint32_t serial, int anchor);
  void clear_to_marker();

  // What the elements say.
  [[nodiscard]] bool wants(reference_kind k) const noexcept { return options_.kinds.contains(k); }
  [[nodiscard]] bool facts_visible() const noexcept { return noscript_depth_ == 0; }
  [[nodiscard]] bool references_visible() const noexcept {
    return noscript_depth_ == 0 || options_.include_noscript;
  }
  [[nodiscard]] const attribute_token* find(const tag_token& t, std::string_view name) const;
  bool value(const attribute_token& a, decoded_text& d);
  bool reference_value(const attribute_token& a, scanned_reference& r);
  int anchor(const tag_token& t, bool svg);
  void frame(const tag_token& t);
  void base(const tag_token& t);
  void meta(const tag_token& t);
  void emit(const scanned_reference& r);

  std::string_view in_;
  const reference_options& options_;
  scan_result& out_;
  mode mode_ = mode::initial;
  std::vector<open_element> stack_;
  std::vector<formatting_entry> formatting_;
  std::vector<scanned_reference> anchors_;
  std::uint32_t next_serial_ = 1;
  std::uint32_t form_ = 0;  // the form element pointer, by serial
  quirks quirks_ = quirks::quirks;
  std::size_t noscript_depth_ = 0;
  text_state next_state_ = text_state::data;
  bool capture_title_ = false;
  bool ignore_linefeed_ = false;
  bool title_seen_ = false;
  bool base_seen_ = false;
  std::string buffer_;
};

}  // namespace corofetch::html::scan
