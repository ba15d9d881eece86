// The pre-scan of nesting.hpp: a tokenizer reduced to what moves the stack of open elements,
// and a model of that stack with the tree builder's scope rules (HTML Standard 13.2.4.2, 13.2.6).
#include "html/nesting.hpp"

#include "html/text.hpp"

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace corofetch::html {
namespace {

// Element properties the model needs, as bits.
enum : std::uint16_t {
  void_element = 1 << 0,  // never pushed (img, br, ...)
  raw_text = 1 << 1,      // content is text up to the end tag (script, style, ...)
  scope = 1 << 2,         // boundary of "has an element in scope"
  special = 1 << 3,       // the "special" category: stops "any other end tag"
  table_scope = 1 << 4,   // boundary of "has an element in table scope"
  closes_p = 1 << 5,      // its start tag closes an open p in button scope
  foreign_root = 1 << 6,  // svg, math
  barrier = 1 << 7,       // special but not address, div, p: stops the li/dd/dt closing loop
  heading = 1 << 8,       // h1 to h6
};

struct known_element {
  std::string_view name;
  std::uint16_t bits;
};

constexpr std::uint16_t block = special | closes_p | barrier;
constexpr std::uint16_t passable_block = special | closes_p;  // address, div, p
constexpr known_element known_elements[] = {
    {"html", scope | special | table_scope | barrier},
    {"table", scope | special | table_scope | barrier},
    {"template", scope | special | table_scope | barrier},
    {"td", scope | special | barrier},
    {"th", scope | special | barrier},
    {"caption", scope | special | barrier},
    {"applet", scope | special | barrier},
    {"marquee", scope | special | barrier},
    {"object", scope | special | barrier},
    {"button", special | barrier},
    {"p", passable_block},
    {"li", block},
    {"dd", block},
    {"dt", block},
    {"div", passable_block},
    {"ul", block},
    {"ol", block},
    {"dl", block},
    {"address", passable_block},
    {"article", block},
    {"aside", block},
    {"blockquote", block},
    {"center", block},
    {"details", block},
    {"dialog", block},
    {"dir", block},
    {"fieldset", block},
    {"figcaption", block},
    {"figure", block},
    {"footer", block},
    {"header", block},
    {"hgroup", block},
    {"main", block},
    {"menu", block},
    {"nav", block},
    {"section", block},
    {"summary", block},
    {"h1", block | heading},
    {"h2", block | heading},
    {"h3", block | heading},
    {"h4", block | heading},
    {"h5", block | heading},
    {"h6", block | heading},
    {"pre", block},
    {"listing", block},
    {"form", block},
    {"body", special | barrier},
    {"head", special | barrier},
    {"select", special | barrier},
    {"tr", special | barrier},
    {"tbody", special | barrier},
    {"thead", special | barrier},
    {"tfoot", special | barrier},
    {"colgroup", special | barrier},
    {"frameset", special | barrier},
    {"noscript", special | barrier},
    {"area", void_element},
    {"base", void_element},
    {"basefont", void_element},
    {"bgsound", void_element},
    {"br", void_element},
    {"col", void_element},
    {"embed", void_element},
    {"frame", void_element},
    {"hr", void_element},
    {"image", void_element},
    {"img", void_element},
    {"input", void_element},
    {"keygen", void_element},
    {"link", void_element},
    {"meta", void_element},
    {"param", void_element},
    {"source", void_element},
    {"track", void_element},
    {"wbr", void_element},
    {"script", raw_text},
    {"style", raw_text},
    {"textarea", raw_text},
    {"title", raw_text},
    {"xmp", raw_text},
    {"iframe", raw_text},
    {"noembed", raw_text},
    {"noframes", raw_text},
    {"plaintext", raw_text},
    {"svg", foreign_root},
    {"math", foreign_root},
    {"option", 0},
};

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

class stack_model {
 public:
  stack_model() {
    for (const known_element& e : known_elements) (void)intern(e.name, e.bits);
  }

  // The id of a lowercase element name, interned on first sight.
  std::uint32_t intern(std::string_view name, std::uint16_t bits = 0) {
    if (const auto it = ids_.find(name); it != ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(bits_.size());
    ids_.emplace(std::string(name), id);
    bits_.push_back(bits);
    where_.emplace_back();
    return id;
  }
  std::uint32_t id(std::string_view name) const { return ids_.find(name)->second; }
  std::uint16_t bits(std::uint32_t id) const { return bits_[id]; }

  // Index in the stack of the topmost element with this id, or -1.
  long top(std::uint32_t id) const {
    return where_[id].empty() ? -1 : static_cast<long>(where_[id].back());
  }
  long top(std::string_view known) const { return top(id(known)); }
  long top_scope() const { return last(scope_); }
  long top_special() const { return last(special_); }
  long top_table_scope() const { return last(table_scope_); }
  long top_barrier() const { return last(barrier_); }
  long current() const { return static_cast<long>(stack_.size()) - 1; }
  std::uint16_t current_bits() const { return stack_.empty() ? 0 : bits_[stack_.back()]; }
  bool in_foreign() const { return top("svg") >= 0 || top("math") >= 0; }

  void push(std::uint32_t id) {
    // Input offsets fit 32 bits (extract_images checks), so do stack indices.
    const auto index = static_cast<std::uint32_t>(stack_.size());
    stack_.push_back(id);
    where_[id].push_back(index);
    if ((bits_[id] & scope) != 0) scope_.push_back(index);
    if ((bits_[id] & special) != 0) special_.push_back(index);
    if ((bits_[id] & table_scope) != 0) table_scope_.push_back(index);
    if ((bits_[id] & barrier) != 0) barrier_.push_back(index);
  }

  // Pops the element at `index` and everything above it.
  void pop_to(long index) {
    while (static_cast<long>(stack_.size()) > index) {
      const std::uint32_t id = stack_.back();
      stack_.pop_back();
      where_[id].pop_back();
      if ((bits_[id] & scope) != 0) scope_.pop_back();
      if ((bits_[id] & special) != 0) special_.pop_back();
      if ((bits_[id] & table_scope) != 0) table_scope_.pop_back();
      if ((bits_[id] & barrier) != 0) barrier_.pop_back();
    }
  }

  // Pops to the topmost `id` when it is above `boundary`.
  void close_above(long candidate, long boundary) {
    if (candidate >= 0 && candidate > boundary) pop_to(candidate);
  }

  std::size_t depth() const { return stack_.size(); }

 private:
  static long last(const std::vector<std::uint32_t>& v) {
    return v.empty() ? -1 : static_cast<long>(v.back());
  }

  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> ids_;
  std::vector<std::uint16_t> bits_;
  std::vector<std::vector<std::uint32_t>> where_;  // per id: its indices in stack_, ascending
  std::vector<std::uint32_t> stack_;
  std::vector<std::uint32_t> scope_, special_, table_scope_, barrier_;  // indices of such
};

class scanner {
 public:
  scanner(std::string_view html, std::size_t depth_limit, std::uint64_t work_limit)
      : s_(html), depth_limit_(depth_limit), work_limit_(work_limit) {}

  nesting_estimate run() {
    while (pos_ < s_.size() && result_.max_depth <= depth_limit_ && result_.work <= work_limit_) {
      const std::size_t lt = s_.find('<', pos_);
      if (lt == std::string_view::npos || lt + 1 >= s_.size()) break;
      pos_ = lt + 1;
      const char c = s_[pos_];
      if (c == '!' || c == '?') {
        skip_markup_declaration();
      } else if (c == '/' && pos_ + 1 < s_.size() && is_alpha(s_[pos_ + 1])) {
        ++pos_;
        end_tag(read_name());
        skip_past('>');
      } else if (is_alpha(c)) {
        start_tag();
      }
    }
    return result_;
  }

 private:
  static bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

  // Comments end at "-->" or "--!>"; "<!-->" and "<!--->" are empty comments (HTML Standard
  // 13.2.5.43 onwards). Any other "<!" or "<?" is a bogus comment up to '>'.
  void skip_markup_declaration() {
    if (s_.substr(pos_, 3) != "!--") {
      skip_past('>');
      return;
    }
    pos_ = comment_end(s_, pos_ + 3);
  }

  void skip_past(char c) {
    const std::size_t end = s_.find(c, pos_);
    pos_ = end == std::string_view::npos ? s_.size() : end + 1;
  }

  std::string_view read_name() {
    name_.clear();
    while (pos_ < s_.size() && !is_ascii_whitespace(s_[pos_]) && s_[pos_] != '/' &&
           s_[pos_] != '>') {
      name_ += to_ascii_lower(s_[pos_++]);
    }
    return name_;
  }

  // Attributes up to '>', honouring quoted and unquoted values; true when the tag ends in "/>"
  // outside any value.
  bool skip_attributes() {
    bool self_closing = false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '>') {
        ++pos_;
        return self_closing;
      }
      self_closing = c == '/';
      ++pos_;
      if (c != '=') continue;
      while (pos_ < s_.size() && is_ascii_whitespace(s_[pos_])) ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
        const char quote = s_[pos_++];
        skip_past(quote);
      } else {
        while (pos_ < s_.size() && !is_ascii_whitespace(s_[pos_]) && s_[pos_] != '>') ++pos_;
      }
    }
    return self_closing;
  }

  void skip_raw_text(std::string_view name) {
    if (name == "plaintext") {
      pos_ = s_.size();
      return;
    }
    for (;;) {
      const std::size_t lt = s_.find("</", pos_);
      if (lt == std::string_view::npos) {
        pos_ = s_.size();
        return;
      }
      pos_ = lt + 2;
      if (s_.size() - pos_ >= name.size() && ascii_iequals(s_.substr(pos_, name.size()), name)) {
        pos_ += name.size();
        skip_past('>');
        return;
      }
    }
  }

  void start_tag() {
    const std::string_view name = read_name();
    const std::uint32_t id = model_.intern(name);
    const std::uint16_t bits = model_.bits(id);
    const bool self_closing = skip_attributes();
    const bool foreign = model_.in_foreign();
    if ((bits & void_element) != 0) return;
    if ((bits & raw_text) != 0 && !foreign) {
      skip_raw_text(std::string(name));
      return;
    }
    if (foreign && self_closing) return;
    close_implied(name, bits);
    result_.work += model_.depth();
    model_.push(id);
    if (model_.depth() > result_.max_depth) result_.max_depth = model_.depth();
  }

  // Start tags that end open elements, as the tree builder's "in body" rules close them. Where
  // the model is unsure it closes nothing: overestimating the depth is safe, underestimating
  // would let quadratic parses through.
  void close_implied(std::string_view name, std::uint16_t bits) {
    const long scope_top = model_.top_scope();
    if ((bits & closes_p) != 0) {
      model_.close_above(model_.top("p"), std::max(scope_top, model_.top("button")));
    }
    if ((bits & heading) != 0 && (model_.current_bits() & heading) != 0) {
      model_.pop_to(model_.current());
    }
    if (name == "li") {
      close_sibling(model_.top("li"));
    } else if (name == "dt" || name == "dd") {
      close_sibling(std::max(model_.top("dt"), model_.top("dd")));
    } else if (name == "option" || name == "optgroup") {
      const long option = model_.top("option");
      if (option >= 0 && option == model_.current()) model_.pop_to(option);
    } else if (name == "button") {
      model_.close_above(model_.top("button"), scope_top);
    } else if (name == "a") {
      model_.close_above(model_.top("a"), model_.top_special());
    } else if (name == "tr") {
      model_.close_above(model_.top("tr"), model_.top_table_scope());
    } else if (name == "td" || name == "th") {
      model_.close_above(std::max(model_.top("td"), model_.top("th")),
                         std::max(model_.top("tr"), model_.top_table_scope()));
    } else if (name == "tbody" || name == "thead" || name == "tfoot") {
      model_.close_above(std::max({model_.top("tbody"), model_.top("thead"), model_.top("tfoot")}),
                         model_.top_table_scope());
    }
  }

  // li, dd, dt: the loop from the current node passes over address, div and p only.
  void close_sibling(long sibling) {
    if (sibling >= 0 && model_.top_barrier() == sibling) model_.pop_to(sibling);
  }

  void end_tag(std::string_view name) {
    // Every end tag may walk the stack ("any other end tag", foreign content): count it.
    result_.work += model_.depth();
    const auto found = model_.intern(name);
    const std::uint16_t bits = model_.bits(found);
    const long at = model_.top(found);
    if (at < 0 || name == "body" || name == "html" || name == "head") return;
    const long scope_top = model_.top_scope();
    if (name == "template") {
      model_.pop_to(at);
    } else if (name == "form") {
      // The form element alone is removed, wherever it is; model only the common case.
      if (at == model_.current()) model_.pop_to(at);
    } else if (name == "table") {
      if (at == model_.top_table_scope()) model_.pop_to(at);
    } else if (name == "tr" || name == "tbody" || name == "thead" || name == "tfoot" ||
               name == "caption" || name == "td" || name == "th") {
      if (at >= model_.top_table_scope()) model_.pop_to(at);
    } else if (name == "p") {
      model_.close_above(at, std::max(scope_top, model_.top("button")));
    } else if (name == "li") {
      model_.close_above(at, std::max({scope_top, model_.top("ul"), model_.top("ol")}));
    } else if ((bits & special) != 0) {
      // A block's end tag closes it when it is in scope (a scope element is its own boundary).
      if (at >= scope_top) model_.pop_to(at);
    } else {
      // "Any other end tag" and formatting elements: only when no special element is above.
      model_.close_above(at, model_.top_special());
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t depth_limit_;
  std::uint64_t work_limit_;
  std::string name_;
  stack_model model_;
  nesting_estimate result_;
};

}  // namespace

nesting_estimate estimate_nesting(std::string_view html, std::size_t depth_limit,
                                  std::uint64_t work_limit) {
  return scanner(html, depth_limit, work_limit).run();
}

}  // namespace corofetch::html
