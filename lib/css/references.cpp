// extract_css_references: one pass over the tokens (tokenizer.cpp), tracking only what decides
// whether a URL is a reference and of what kind: the stack of open {} blocks, parentheses,
// brackets and functions (CSS Syntax 5: a closer only closes the innermost of its kind), and
// for the top level and each {} block the statement being read there: an at-rule, a
// declaration (a name and a colon), or anything else (a rule's prelude, junk up to ';').
#include <corofetch/css/references.hpp>
#include <corofetch/css/tokenizer.hpp>

#include <array>
#include <optional>
#include <utility>

namespace corofetch::css {
namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

char to_ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool ascii_iequals(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_ascii_lower(a[i]) != lower[i]) return false;
  }
  return true;
}

// Property names are ASCII case-insensitive, custom property names are not (CSS Variables 1,
// 2: "--foo" and "--FOO" are distinct).
std::string property_name(std::string_view name) {
  std::string out(name);
  if (name.starts_with("--")) return out;
  for (char& c : out) c = to_ascii_lower(c);
  return out;
}

// The URL parser strips leading and trailing C0 controls and spaces; so does this check for an
// empty or fragment-only URL.
std::string_view strip_c0_and_space(std::string_view s) noexcept {
  const auto strip = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!s.empty() && strip(s.front())) s.remove_prefix(1);
  while (!s.empty() && strip(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view strip_css_whitespace(std::string_view s) noexcept {
  const auto ws = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

// The properties whose url() values are images: CSS Backgrounds 3, CSS Lists 3, CSS Generated
// Content 3, CSS UI 4 (cursor), CSS Masking 1, CSS Shapes 1; a vendor prefix ("-webkit-") is
// ignored, so -webkit-mask-box-image and -moz-border-image count too.
bool is_image_property(std::string_view name) noexcept {
  if (name.size() > 2 && name[0] == '-' && name[1] != '-') {
    const std::size_t dash = name.find('-', 1);
    if (dash != std::string_view::npos) name.remove_prefix(dash + 1);
  }
  static constexpr std::array<std::string_view, 15> images{"background",
                                                           "background-image",
                                                           "border-image",
                                                           "border-image-source",
                                                           "list-style",
                                                           "list-style-image",
                                                           "content",
                                                           "cursor",
                                                           "mask",
                                                           "mask-image",
                                                           "mask-border",
                                                           "mask-border-source",
                                                           "mask-box-image",
                                                           "shape-outside",
                                                           "mask-box-image-source"};
  for (const std::string_view known : images) {
    if (name == known) return true;
  }
  return false;
}

enum class statement_kind : std::uint8_t {
  start,        // nothing but whitespace yet
  name,         // an ident, then perhaps whitespace: a declaration if a colon follows
  declaration,  // name, colon, value: statement::name is the property
  at_rule,      // statement::name is the at-rule's name
  other,        // a rule's prelude, or junk up to ';'
};

// Where an @import rule is, as far as its URL goes.
enum class import_phase : std::uint8_t {
  none,             // not an @import, or one whose prelude starts with something else
  expect_url,       // only whitespace since "@import"
  in_url_function,  // in url( at the statement's level, before its string
  after_url,        // the URL was read; the rest is the condition
};

struct statement {
  statement_kind kind = statement_kind::start;
  import_phase import = import_phase::none;
  bool import_misplaced = false;
  std::string name;
  std::size_t condition_begin = npos;  // @import: where the text after the URL starts
  std::size_t import_item = npos;      // @import: its index in references::items
};

// The top level, or a {} block that holds statements.
struct block_context {
  statement current;
  bool top_level = false;
  bool rules_only = false;  // a stylesheet's top level: rules, never declarations (CSS Syntax 5.4,
                            // "consume a list of rules" with the top-level flag)
  bool font_face = false;   // the block of an @font-face rule
};

enum class group_role : std::uint8_t { plain, url_function, image_set };

// An open block, parenthesis, bracket or function.
struct frame {
  token_type closer = token_type::close_paren;
  bool block = false;  // a {} block with statements of its own (else part of a statement)
  group_role role = group_role::plain;
  bool url_read = false;  // url_function: its string was read
};

group_role role_of_function(std::string_view name) noexcept {
  if (ascii_iequals(name, "url")) return group_role::url_function;
  if (ascii_iequals(name, "image-set") || ascii_iequals(name, "-webkit-image-set")) {
    return group_role::image_set;
  }
  return group_role::plain;
}

class reference_walker {
 public:
  reference_walker(std::string_view css, const url::url& base, const reference_options& options,
                   references& out)
      : css_(css), base_(base), options_(options), out_(out) {
    block_context top;
    top.top_level = true;
    top.rules_only = options.source != source_kind::style_attribute;
    blocks_.push_back(std::move(top));
  }

  std::error_code run(tokenizer& tokens) {
    for (token t = tokens.next_token(); t.type != token_type::eof; t = tokens.next_token()) {
      on_token(t);
      if (error_) return error_;
    }
    for (block_context& b : blocks_) end_statement(b.current, css_.size());
    return {};
  }

 private:
  void on_token(const token& t) {
    if (!frames_.empty() && t.type == frames_.back().closer) return close_frame(t);
    const bool statement_level = at_statement_level();
    switch (t.type) {
      case token_type::url:
        if (const auto kind = url_context(false)) report(t, *kind, url_syntax::url_token);
        break;
      case token_type::bad_url:
        if (const auto kind = url_context(false)) skip_bad_url(t, *kind);
        break;
      case token_type::string:
        string_token(t);
        break;
      case token_type::bad_string:
        // url('a<newline>...): the function's argument is bad, and no later string replaces it.
        if (!frames_.empty() && frames_.back().role == group_role::url_function) {
          frames_.back().url_read = true;
        }
        break;
      default:
        break;
    }
    if (statement_level) advance_statement(t);
    switch (t.type) {
      case token_type::function:
        return open_group(token_type::close_paren, role_of_function(t.value));
      case token_type::open_paren:
        return open_group(token_type::close_paren, group_role::plain);
      case token_type::open_square:
        return open_group(token_type::close_square, group_role::plain);
      case token_type::open_curly:
        return statement_level ? open_block()
                               : open_group(token_type::close_curly, group_role::plain);
      default:
        return;
    }
  }

  [[nodiscard]] bool at_statement_level() const noexcept {
    return frames_.empty() || frames_.back().block;
  }
  statement& current() noexcept { return blocks_.back().current; }
  [[nodiscard]] const statement& current() const noexcept { return blocks_.back().current; }

  // Whether a url token (or, with `quoted`, the string of a url() function) here names
  // something to fetch, and what.
  [[nodiscard]] std::optional<reference_kind> url_context(bool quoted) const {
    const block_context& b = blocks_.back();
    const statement& s = b.current;
    if (s.kind == statement_kind::at_rule) {
      if (import_position(quoted)) return reference_kind::import;
      return std::nullopt;  // @namespace, @document, @supports ...: not fetched
    }
    if (s.kind != statement_kind::declaration) return std::nullopt;  // selectors, junk
    if (b.font_face && s.name == "src") return reference_kind::font;
    if (inside_image_set()) return reference_kind::image;
    return is_image_property(s.name) ? reference_kind::image : reference_kind::other;
  }

  // The URL of an @import is its prelude's first component: a url token or a string at the
  // statement's level, or the string of a url() function there.
  [[nodiscard]] bool import_position(bool quoted) const noexcept {
    const statement& s = current();
    if (!quoted || frames_.empty() || frames_.back().role != group_role::url_function) {
      return s.import == import_phase::expect_url && at_statement_level();
    }
    const bool function_at_statement_level =
        frames_.size() == 1 || frames_[frames_.size() - 2].block;
    return s.import == import_phase::in_url_function && function_at_statement_level;
  }

  [[nodiscard]] bool inside_image_set() const noexcept {
    for (auto f = frames_.rbegin(); f != frames_.rend() && !f->block; ++f) {
      if (f->role == group_role::image_set) return true;
    }
    return false;
  }

  // A string is a URL as the first argument of url(), as an argument of image-set(), or as
  // the first thing after @import.
  void string_token(const token& t) {
    if (!frames_.empty() && frames_.back().role == group_role::url_function) {
      frame& f = frames_.back();
      if (f.url_read) return;
      f.url_read = true;
      const auto kind = url_context(true);
      if (kind) report(t, *kind, url_syntax::string);
      if (kind == reference_kind::import) current().import = import_phase::after_url;
      return;
    }
    if (!frames_.empty() && frames_.back().role == group_role::image_set) {
      if (current().kind == statement_kind::declaration)
        report(t, reference_kind::image, url_syntax::string);
      return;
    }
    if (at_statement_level() && current().kind == statement_kind::at_rule &&
        current().import == import_phase::expect_url) {
      report(t, reference_kind::import, url_syntax::string);
    }
  }

  // Follows the statement at the level of the innermost block through one of its tokens.
  void advance_statement(const token& t) {
    block_context& b = blocks_.back();
    statement& s = b.current;
    if (t.type == token_type::whitespace) return;
    if (t.type == token_type::semicolon) {
      // At the top level of a stylesheet, ';' ends an at-rule but not a rule's prelude.
      if (!b.rules_only || s.kind == statement_kind::at_rule) end_statement(s, t.begin);
      return;
    }
    switch (s.kind) {
      case statement_kind::start:
        return start_statement(b, t);
      case statement_kind::name:
        s.kind = t.type == token_type::colon ? statement_kind::declaration : statement_kind::other;
        return;
      case statement_kind::at_rule:
        if (s.import == import_phase::expect_url) import_prelude_starts(s, t);
        return;
      default:
        return;
    }
  }

  void start_statement(block_context& b, const token& t) {
    statement& s = b.current;
    const bool stylesheet_top = b.top_level && b.rules_only;
    if (t.type == token_type::at_keyword) {
      s.kind = statement_kind::at_rule;
      s.name = property_name(t.value);
      if (s.name == "import") {
        s.import = import_phase::expect_url;
        s.import_misplaced = !stylesheet_top || rules_seen_;
      } else if (stylesheet_top && s.name != "charset" && s.name != "layer") {
        rules_seen_ = true;
      }
      return;
    }
    // <!-- and --> around a stylesheet are for old browsers that showed <style> text: the top
    // level skips them (CSS Syntax 5.4, "consume a list of rules").
    if (stylesheet_top && (t.type == token_type::cdo || t.type == token_type::cdc)) return;
    if (stylesheet_top) rules_seen_ = true;
    if (t.type == token_type::ident && !b.rules_only) {
      s.kind = statement_kind::name;
      s.name = property_name(t.value);
      return;
    }
    s.kind = statement_kind::other;
  }

  // The first token after "@import" and whitespace: the URL (read by on_token), url( with the
  // URL to come, or something that makes the rule invalid.
  static void import_prelude_starts(statement& s, const token& t) {
    if (t.type == token_type::url || t.type == token_type::string ||
        t.type == token_type::bad_url) {
      s.import = import_phase::after_url;
      s.condition_begin = t.end;
    } else if (t.type == token_type::function && ascii_iequals(t.value, "url")) {
      s.import = import_phase::in_url_function;
    } else {
      s.import = import_phase::none;
    }
  }

  void end_statement(statement& s, std::size_t end) {
    if (s.import_item != npos && s.condition_begin != npos && s.condition_begin <= end) {
      out_.items[s.import_item].condition =
          strip_css_whitespace(css_.substr(s.condition_begin, end - s.condition_begin));
    }
    s = statement{};
  }

  void open_group(token_type closer, group_role role) {
    if (!deeper()) return;
    frames_.push_back({closer, false, role, false});
  }

  // A {} block at a statement's level: the block of an at-rule or of a rule (CSS Nesting: a
  // declaration's name and colon followed by a block were a nested rule's selector), or part
  // of a custom property's value.
  void open_block() {
    block_context& b = blocks_.back();
    statement& s = b.current;
    if (s.kind == statement_kind::declaration && s.name.starts_with("--")) {
      return open_group(token_type::close_curly, group_role::plain);
    }
    if (!deeper()) return;
    const bool at_rule = s.kind == statement_kind::at_rule;
    if (b.top_level && b.rules_only && at_rule && s.name == "layer") rules_seen_ = true;
    block_context inner;
    inner.font_face = at_rule && s.name == "font-face";
    frames_.push_back({token_type::close_curly, true, group_role::plain, false});
    blocks_.push_back(std::move(inner));
  }

  bool deeper() {
    if (frames_.size() < options_.max_nesting_depth) return true;
    error_ = make_error_code(errc::nesting_too_deep);
    return false;
  }

  void close_frame(const token& t) {
    const frame f = frames_.back();
    frames_.pop_back();
    if (f.block) {
      blocks_.pop_back();
      end_statement(current(), t.end);  // the rule the block belonged to
      return;
    }
    statement& s = current();
    if (f.role == group_role::url_function && at_statement_level() &&
        s.import == import_phase::after_url && s.condition_begin == npos) {
      s.condition_begin = t.end;
    } else if (f.role == group_role::url_function && s.import == import_phase::in_url_function) {
      s.import = import_phase::none;  // url() without a string
    }
  }

  void report(const token& t, reference_kind kind, url_syntax syntax) {
    const std::string& property = kind == reference_kind::import ? no_property_ : current().name;
    if (kind == reference_kind::import && current().import_misplaced) {
      return skip(t.value, kind, property, skip_reason::misplaced_import, {}, t);
    }
    const std::string_view stripped = strip_c0_and_space(t.value);
    if (stripped.empty()) return skip(t.value, kind, property, skip_reason::empty_url, {}, t);
    if (stripped.front() == '#') {
      return skip(t.value, kind, property, skip_reason::fragment_only, {}, t);
    }
    auto parsed = url::parse(t.value, base_);
    if (!parsed) {
      return skip(t.value, kind, property, skip_reason::unparsable_url, parsed.error(), t);
    }
    const std::string_view scheme = parsed->scheme();
    const bool data = scheme == "data";
    if (!data && scheme != "http" && scheme != "https") {
      return skip(t.value, kind, property, skip_reason::unsupported_scheme, {}, t);
    }
    if (data && !options_.include_data_urls) {
      return skip(t.value, kind, property, skip_reason::data_url_excluded, {}, t);
    }
    add(std::move(*parsed), t, kind, property, syntax, data);
  }

  void add(url::url location, const token& t, reference_kind kind, const std::string& property,
           url_syntax syntax, bool data) {
    if (out_.items.size() >= options_.max_references) {
      out_.truncated = true;
      return;
    }
    if (kind == reference_kind::import) current().import_item = out_.items.size();
    reference& r = out_.items.emplace_back();
    r.location = std::move(location);
    r.text = t.value;
    r.kind = kind;
    r.property = property;
    r.begin = t.begin;
    r.end = t.end;
    r.syntax = syntax;
    r.inline_data = data;
  }

  void skip_bad_url(const token& t, reference_kind kind) {
    const std::string& property = kind == reference_kind::import ? no_property_ : current().name;
    skip(css_.substr(t.begin, t.end - t.begin), kind, property, skip_reason::bad_url, {}, t);
  }

  void skip(std::string_view text, reference_kind kind, const std::string& property,
            skip_reason reason, std::error_code error, const token& t) {
    if (out_.skipped.size() >= options_.max_skipped) {
      out_.truncated = true;
      return;
    }
    out_.skipped.push_back({std::string(text), kind, property, reason, error, t.begin, t.end});
  }

  std::string_view css_;
  const url::url& base_;
  const reference_options& options_;
  references& out_;
  std::vector<frame> frames_;
  std::vector<block_context> blocks_;  // the top level, then one per open {} block frame
  const std::string no_property_;
  bool rules_seen_ = false;  // a rule other than @charset, @import, @layer; ... came first
  std::error_code error_;
};

}  // namespace

std::string_view to_string(reference_kind kind) noexcept {
  switch (kind) {
    case reference_kind::import:
      return "import";
    case reference_kind::image:
      return "image";
    case reference_kind::font:
      return "font";
    case reference_kind::other:
      return "other";
  }
  return "unknown";
}

std::string_view to_string(skip_reason reason) noexcept {
  switch (reason) {
    case skip_reason::empty_url:
      return "empty url";
    case skip_reason::fragment_only:
      return "fragment only";
    case skip_reason::bad_url:
      return "bad url";
    case skip_reason::unparsable_url:
      return "unparsable url";
    case skip_reason::unsupported_scheme:
      return "unsupported scheme";
    case skip_reason::data_url_excluded:
      return "data url excluded";
    case skip_reason::misplaced_import:
      return "misplaced import";
  }
  return "unknown";
}

result<references> extract_css_references(std::string_view css, const url::url& base,
                                          const reference_options& options) {
  tokenizer_options tokenizer_limits;
  tokenizer_limits.max_input_bytes = options.max_input_bytes;
  auto tokens = tokenizer::create(css, tokenizer_limits);
  if (!tokens) return tokens.error();
  references out;
  reference_walker walker(css, base, options, out);
  if (const std::error_code error = walker.run(*tokens)) return error;
  return out;
}

}  // namespace corofetch::css
