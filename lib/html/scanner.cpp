// The link scanner's tokenizer (HTML Standard 13.2.5, as gumbo 0.10 implements it): tags and
// attributes, comments and their odd endings, bogus comments, DOCTYPE, CDATA in foreign content,
// and the text states RCDATA, RAWTEXT, script data (with its escapes) and PLAINTEXT that the tree
// model (scan_model.hpp) asks for. Values are not decoded here: the model decodes the few it reads.
#include "html/scanner.hpp"

#include "html/scan_model.hpp"
#include "html/text.hpp"

#include <cstring>
#include <list>
#include <string>

namespace corofetch::html {
namespace {

using scan::tag_token;
using scan::text_state;

constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

class tokenizer {
 public:
  tokenizer(std::string_view input, const reference_options& options, scan_result& out)
      : s_(input), model_(input, options, out) {}

  void run() {
    while (pos_ < s_.size() && !model_.failed()) {
      const void* lt = std::memchr(s_.data() + pos_, '<', s_.size() - pos_);
      const std::size_t at =
          lt == nullptr ? s_.size()
                        : static_cast<std::size_t>(static_cast<const char*>(lt) - s_.data());
      if (at > pos_) model_.text(pos_, at);
      pos_ = at;
      if (pos_ < s_.size()) tag_open();
    }
  }

 private:
  // 13.2.5.6 "tag open state", at a '<'.
  void tag_open() {
    const std::size_t lt = pos_;
    if (lt + 1 >= s_.size()) return text_char();
    const char c = s_[lt + 1];
    if (c == '!') {
      pos_ = lt + 2;
      return markup_declaration();
    }
    if (c == '/') return end_tag_open();
    if (is_alpha(c)) {
      pos_ = lt + 1;
      return start_tag();
    }
    if (c == '?') {
      pos_ = lt + 1;
      return bogus_comment();
    }
    text_char();
  }

  // A '<' that starts nothing is text.
  void text_char() {
    model_.text(pos_, pos_ + 1);
    ++pos_;
  }

  void end_tag_open() {
    const std::size_t after = pos_ + 2;
    if (after >= s_.size()) {  // "</" at the end is text
      model_.text(pos_, s_.size());
      pos_ = s_.size();
      return;
    }
    if (s_[after] == '>') {  // "</>" is dropped
      pos_ = after + 1;
      return;
    }
    if (!is_alpha(s_[after])) {
      pos_ = after;
      return bogus_comment();
    }
    pos_ = after;
    if (read_tag()) model_.end_tag(tag_);
  }

  void start_tag() {
    if (!read_tag()) return;
    model_.start_tag(tag_);
    if (model_.failed()) return;
    switch (model_.next_state()) {
      case text_state::data:
        return;
      case text_state::rcdata:
      case text_state::rawtext:
        return raw_text(tag_.name, model_.capture_title());
      case text_state::script_data:
        return script_data();
      case text_state::template_contents:
        return template_contents();
      case text_state::plaintext:
        // Everything left is text "in body", which reopens formatting elements.
        if (pos_ < s_.size()) model_.text(pos_, s_.size());
        pos_ = s_.size();
        return;
    }
  }

  // 13.2.5.42 "markup declaration open state": after "<!".
  void markup_declaration() {
    const std::string_view rest = s_.substr(pos_);
    if (rest.substr(0, 2) == "--") {
      pos_ += 2;
      return comment();
    }
    if (rest.size() >= 7 && ascii_iequals(rest.substr(0, 7), "doctype")) {
      const std::size_t begin = pos_ + 7;
      skip_past('>');  // a '>' ends a DOCTYPE even inside a quoted identifier
      const std::size_t end = s_[pos_ - 1] == '>' ? pos_ - 1 : pos_;
      model_.doctype(s_.substr(begin, end - begin));
      return;
    }
    if (rest.substr(0, 7) == "[CDATA[" && model_.cdata_allowed()) {
      const std::size_t end = s_.find("]]>", pos_ + 7);
      pos_ = end == std::string_view::npos ? s_.size() : end + 3;
      model_.comment();  // text in SVG content: nothing to do but end "ignore a newline"
      return;
    }
    bogus_comment();
  }

  // 13.2.5.43 onwards: "<!-->" and "<!--->" are empty comments; a comment ends at "-->" or
  // "--!>"; at the end of the input it ends there.
  void comment() {
    model_.comment();
    skip_comment();
  }

  void skip_comment() { pos_ = comment_end(s_, pos_); }

  void bogus_comment() {
    model_.comment();
    skip_past('>');
  }

  void skip_past(char c) {
    const std::size_t end = s_.find(c, pos_);
    pos_ = end == std::string_view::npos ? s_.size() : end + 1;
  }

  // A tag from its name to its '>' (13.2.5.8 "tag name state" to 13.2.5.40); false when the
  // input ends inside it, which drops the tag.
  bool read_tag() {
    const std::size_t name_begin = pos_;
    tag_.name.clear();
    tag_.attributes.clear();
    duplicate_prefix_.clear();
    names_.clear();
    tag_.self_closing = false;
    while (pos_ < s_.size() && !is_ascii_whitespace(s_[pos_]) && s_[pos_] != '/' &&
           s_[pos_] != '>') {
      tag_.name += to_ascii_lower(s_[pos_++]);
    }
    tag_.tag = scan::lookup_tag(tag_.name);
    if (read_attributes()) {
      tag_.written = s_.substr(name_begin, pos_ - 1 - name_begin);
      return true;
    }
    pos_ = s_.size();  // the input ended inside the tag
    return false;
  }

  bool read_attributes() {
    for (;;) {
      while (pos_ < s_.size() && is_ascii_whitespace(s_[pos_])) ++pos_;
      if (pos_ >= s_.size()) return false;
      const char c = s_[pos_];
      if (c == '>') {
        ++pos_;
        return true;
      }
      if (c == '/') {
        if (!self_closing_start()) return false;
        if (tag_.self_closing) return true;
        continue;
      }
      if (!attribute()) return false;
      if (pos_ < s_.size() && s_[pos_] == '>') {
        ++pos_;
        return true;
      }
    }
  }

  // 13.2.5.40 "self-closing start tag state", at a '/': "/>" ends the tag.
  bool self_closing_start() {
    ++pos_;
    if (pos_ >= s_.size()) return false;
    if (s_[pos_] == '>') {
      ++pos_;
      tag_.self_closing = true;
    }
    return true;
  }

  // One attribute: its name (a leading '=' belongs to it), then perhaps '=' and a value. Leaves
  // pos_ at what follows: whitespace, '/', '>' or the next name.
  bool attribute() {
    const std::size_t name_begin = pos_++;
    while (pos_ < s_.size() && !is_ascii_whitespace(s_[pos_]) && s_[pos_] != '/' &&
           s_[pos_] != '>' && s_[pos_] != '=') {
      ++pos_;
    }
    scan::attribute_token& a = tag_.attributes.emplace_back();
    a.name = attribute_name(s_.substr(name_begin, pos_ - name_begin));
    a.value_begin = a.value_end = pos_;
    bool duplicate = false;
    for (std::size_t i = 0; i + 1 < tag_.attributes.size() && !duplicate; ++i) {
      duplicate = ascii_iequals(tag_.attributes[i].name, a.name);
    }
    bool has_value = false;
    const bool complete = attribute_value(a, has_value);
    if (duplicate) {
      // gumbo (with max_errors 0, as parse_html runs it) skips clearing its name buffer after a
      // duplicate attribute: without a value, the duplicate's name starts the next one's.
      if (!has_value) duplicate_prefix_ = lowercase(a.name);
      tag_.attributes.pop_back();
    }
    return complete;
  }

  // The name, after a duplicate's left-over name when there is one.
  std::string_view attribute_name(std::string_view raw) {
    if (duplicate_prefix_.empty()) return raw;
    names_.push_back(duplicate_prefix_ + lowercase(raw));
    duplicate_prefix_.clear();
    return names_.back();
  }

  static std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = to_ascii_lower(c);
    return out;
  }

  bool attribute_value(scan::attribute_token& a, bool& has_value) {
    while (pos_ < s_.size() && is_ascii_whitespace(s_[pos_])) ++pos_;
    if (pos_ >= s_.size()) return false;
    if (s_[pos_] != '=') return true;  // no value: '/', '>' or another attribute follows
    has_value = true;
    ++pos_;
    while (pos_ < s_.size() && is_ascii_whitespace(s_[pos_])) ++pos_;
    if (pos_ >= s_.size()) return false;
    const char q = s_[pos_];
    if (q == '>') return true;  // "a=>": an empty value
    if (q == '"' || q == '\'') {
      const std::size_t close = s_.find(q, pos_ + 1);
      if (close == std::string_view::npos) return false;
      a.value_begin = pos_ + 1;
      a.value_end = close;
      a.quote = q;
      pos_ = close + 1;
      return true;  // whatever follows starts the next attribute
    }
    a.value_begin = pos_;
    while (pos_ < s_.size() && !is_ascii_whitespace(s_[pos_]) && s_[pos_] != '>') ++pos_;
    a.value_end = pos_;
    return pos_ < s_.size();
  }

  // True when "</" + `name` at s_[at] (no "</") is an end tag: the name, then whitespace, '/' or
  // '>' (13.2.5.11 "RCDATA end tag name state" and the like).
  [[nodiscard]] bool is_end_tag(std::size_t at, std::string_view name) const noexcept {
    if (s_.size() - at <= name.size()) return false;
    return ascii_iequals(s_.substr(at, name.size()), name) &&
           (is_ascii_whitespace(s_[at + name.size()]) || s_[at + name.size()] == '/' ||
            s_[at + name.size()] == '>');
  }

  // RCDATA and RAWTEXT: text up to the matching end tag, which is then read (and dropped).
  void raw_text(const std::string& name, bool title) {
    const std::size_t begin = pos_;
    const std::size_t end = raw_text_end(name);
    if (title) model_.title_text(begin, end);
    finish_raw_text(end);
  }

  // Where the text of an element `name` read as RCDATA or RAWTEXT ends: its end tag's '<', or
  // the end of the input.
  [[nodiscard]] std::size_t raw_text_end(const std::string& name) const {
    for (std::size_t lt = s_.find("</", pos_); lt != std::string_view::npos;
         lt = s_.find("</", lt + 1)) {
      if (is_end_tag(lt + 2, name)) return lt;
    }
    return s_.size();
  }

  void finish_raw_text(std::size_t end) {
    pos_ = end;
    finish_raw_text_quietly();
    model_.raw_text_end();
  }

  // Reads the end tag at pos_ ("</name ...>"), if any.
  void finish_raw_text_quietly() {
    if (pos_ >= s_.size()) return;
    pos_ += 2;
    (void)read_tag();
  }

  void script_data() { finish_raw_text(script_data_end()); }

  void skip_script_data() {
    pos_ = script_data_end();
    finish_raw_text_quietly();
  }

  // 13.2.5.4 "script data state" and its escaped and double-escaped states: the end is the
  // first "</script" outside a double-escaped "<!--<script>...</script>" run.
  [[nodiscard]] std::size_t script_data_end() const {
    enum class state : std::uint8_t { data, escaped, double_escaped } st = state::data;
    int dashes = 0;
    std::size_t i = pos_;
    while (i < s_.size()) {
      const char c = s_[i];
      if (st != state::data) {
        if (c == '-') {
          ++dashes;
          ++i;
          continue;
        }
        const bool close = c == '>' && dashes >= 2;
        dashes = 0;
        if (close) {
          st = state::data;
          ++i;
          continue;
        }
      }
      if (c != '<') {
        ++i;
        continue;
      }
      if (st != state::double_escaped && i + 1 < s_.size() && s_[i + 1] == '/' &&
          is_end_tag(i + 2, "script")) {
        return i;
      }
      if (st == state::data) {
        if (s_.substr(i + 1, 3) == "!--") {
          st = state::escaped;
          dashes = 2;
          i += 4;
          continue;
        }
      } else if (st == state::escaped) {
        if (i + 1 < s_.size() && is_alpha(s_[i + 1]) && is_end_tag(i + 1, "script")) {
          st = state::double_escaped;
          i += 7;
          continue;
        }
      } else if (i + 1 < s_.size() && s_[i + 1] == '/' && is_end_tag(i + 2, "script")) {
        st = state::escaped;
        i += 8;
        continue;
      }
      ++i;
    }
    return s_.size();
  }

  // Skips a template's contents: every </template> outside text closes the innermost open
  // template (whatever the contents' own insertion modes), so counting suffices, given the text
  // states that hide tags. SVG and MathML (where "template" is another element) and select
  // (which ignores the tags that start text states) are left to the full parse.
  void template_contents() {
    std::size_t depth = 1;
    while (depth > 0 && pos_ < s_.size() && !model_.failed()) {
      const std::size_t lt = s_.find('<', pos_);
      if (lt == std::string_view::npos || lt + 1 >= s_.size()) break;
      pos_ = lt + 1;
      const char c = s_[pos_];
      if (c == '!') {
        ++pos_;
        if (s_.substr(pos_, 2) == "--") {
          pos_ += 2;
          skip_comment();
        } else {
          skip_past('>');
        }
      } else if (c == '?') {
        skip_past('>');
      } else if (c == '/') {
        ++pos_;
        if (pos_ < s_.size() && is_alpha(s_[pos_])) {
          if (read_tag() && tag_.tag == scan::tags::template_) --depth;
        } else if (pos_ < s_.size() && s_[pos_] != '>') {
          skip_past('>');
        } else {
          ++pos_;
        }
      } else if (is_alpha(c)) {
        if (!read_tag()) break;
        depth += template_start_tag();
      }
    }
    if (depth == 0) model_.raw_text_end();
    if (depth > 0) pos_ = s_.size();
  }

  // A start tag inside template contents: reads what it hides; 1 for a nested template.
  std::size_t template_start_tag() {
    namespace tags = scan::tags;
    const scan::tag_id tag = tag_.tag;
    if (tag == tags::svg || tag == tags::math) {
      model_.fail(tag == tags::svg ? scan_fallback::template_element : scan_fallback::math);
    } else if (tag == tags::select) {
      model_.fail(scan_fallback::select);
    } else if (tag == tags::col || tag == tags::colgroup || tag == tags::td || tag == tags::th ||
               tag == tags::caption || tag == tags::applet || tag == tags::object ||
               tag == tags::marquee) {
      // "in column group" inside a template ignores the tags that start text states; and a
      // marker these push, left open, makes gumbo's </template> keep the formatting elements
      // opened in the template, to be reopened outside it.
      model_.fail(scan_fallback::template_element);
    } else if (tag == tags::template_) {
      return 1;
    } else if (tag == tags::script) {
      skip_script_data();
    } else if (tag == tags::title || tag == tags::textarea || tag == tags::style ||
               tag == tags::xmp || tag == tags::iframe || tag == tags::noembed ||
               tag == tags::noframes) {
      pos_ = raw_text_end(tag_.name);
      finish_raw_text_quietly();
    } else if (tag == tags::plaintext) {
      pos_ = s_.size();
    }
    return 0;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  tag_token tag_;
  std::string duplicate_prefix_;
  std::list<std::string> names_;  // merged attribute names (stable addresses)
  scan::tree_model model_;
};

}  // namespace

std::string_view to_string(scan_fallback reason) noexcept {
  switch (reason) {
    case scan_fallback::none:
      return "none";
    case scan_fallback::nul_byte:
      return "NUL byte";
    case scan_fallback::invalid_utf8:
      return "invalid UTF-8 in a value";
    case scan_fallback::numeric_overflow:
      return "numeric character reference overflow";
    case scan_fallback::table:
      return "table";
    case scan_fallback::select:
      return "select";
    case scan_fallback::frameset:
      return "frameset";
    case scan_fallback::template_element:
      return "template";
    case scan_fallback::math:
      return "MathML";
    case scan_fallback::isindex:
      return "isindex";
    case scan_fallback::foreign_breakout:
      return "HTML start tag in SVG";
    case scan_fallback::foreign_end_tag:
      return "end tag closing SVG";
    case scan_fallback::integration_point:
      return "start tag in SVG integration point";
    case scan_fallback::adoption_agency:
      return "misnested formatting element";
    case scan_fallback::formatting_elements:
      return "three alike formatting elements";
    case scan_fallback::reconstruct_in_foreign:
      return "formatting element reopened in SVG";
  }
  return "unknown";
}

bool scanner_covers(const reference_options& options) noexcept {
  reference_kinds others = options.kinds;
  others.erase(reference_kind::hyperlink).erase(reference_kind::frame);
  return others.empty() && !options.include_styles;
}

scan_result scan_references(std::string_view html, const reference_options& options) {
  scan_result out;
  if (std::memchr(html.data(), 0, html.size()) != nullptr) {
    out.fallback = scan_fallback::nul_byte;
    return out;
  }
  tokenizer(html, options, out).run();
  return out;
}

}  // namespace corofetch::html
