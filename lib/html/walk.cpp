// One iterative pass over gumbo's tree (an explicit stack, so no nesting depth can overflow the
// call stack) that records the elements naming URLs and the document's base, title, charset and
// meta robots directives.
#include "html/walk.hpp"

#include "html/text.hpp"

#include <cstring>

namespace corofetch::html {
namespace {

std::string_view tag_name_of(const GumboElement& e) noexcept {
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  GumboStringPiece piece = e.original_tag;  // "<picture ...>" in the source; empty if implied
  gumbo_tag_from_original_text(&piece);
  return {piece.data == nullptr ? "" : piece.data, piece.length};
}

// The parent element when it is an HTML <video> or <audio>: the media element whose resource
// selection reads <source src> and whose text tracks read <track src> (HTML Standard 4.8.11).
bool parent_is_media_element(const GumboNode* node) noexcept {
  const GumboNode* parent = node->parent;
  if (parent == nullptr || parent->type != GUMBO_NODE_ELEMENT) return false;
  const GumboElement& p = parent->v.element;
  return p.tag_namespace == GUMBO_NAMESPACE_HTML &&
         (p.tag == GUMBO_TAG_VIDEO || p.tag == GUMBO_TAG_AUDIO);
}

bool parent_is_picture(const GumboNode* node) noexcept {
  return node->parent != nullptr && node->parent->type == GUMBO_NODE_ELEMENT &&
         is_html_element(node->parent, "picture");
}

bool is_style_element(const GumboNode* node) noexcept {
  return node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML &&
         node->v.element.tag == GUMBO_TAG_STYLE;
}

std::string text_content(const GumboNode* element) {
  std::string text;
  const GumboVector& children = element->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE ||
        child->type == GUMBO_NODE_CDATA) {
      text += child->v.text.text;
    }
  }
  return strip_and_collapse_whitespace(text);
}

class walker {
 public:
  explicit walker(const walk_options& options) : options_(options) {}

  document_facts run(const GumboNode* document) {
    push_children(document, false);
    while (!stack_.empty()) {
      const auto [node, inert] = stack_.back();
      stack_.pop_back();
      visit(node, inert);
    }
    return std::move(facts_);
  }

 private:
  struct entry {
    const GumboNode* node;
    bool inert;  // inside template content or noscript: references only, no document facts
  };

  void push_children(const GumboNode* parent, bool inert) {
    const GumboVector& list = parent->type == GUMBO_NODE_DOCUMENT ? parent->v.document.children
                                                                  : parent->v.element.children;
    for (unsigned i = list.length; i-- > 0;) {
      const auto* child = static_cast<const GumboNode*>(list.data[i]);
      if (child->type == GUMBO_NODE_ELEMENT || child->type == GUMBO_NODE_TEMPLATE) {
        stack_.push_back({child, inert});
      }
    }
  }

  void visit(const GumboNode* node, bool inert) {
    const GumboElement& e = node->v.element;
    if (node->type == GUMBO_NODE_TEMPLATE) {
      // Template content is an inert DocumentFragment: browsers load nothing in it.
      if (options_.include_template) push_children(node, true);
      return;
    }
    // Inline CSS applies in every namespace (SVG elements take style= too), never when inert.
    if (options_.read_styles && !inert && (attribute(node, "style") || is_style_element(node))) {
      facts_.styles.push_back(node);
    }
    if (e.tag_namespace == GUMBO_NAMESPACE_SVG) {
      if (e.tag == GUMBO_TAG_IMAGE) add(node, element_kind::svg_image);
      if (e.tag == GUMBO_TAG_A) add(node, element_kind::anchor);  // SVG 2 "a" element
      push_children(node, inert);
      return;
    }
    if (e.tag_namespace != GUMBO_NAMESPACE_HTML) {
      push_children(node, inert);  // MathML may hold HTML again (annotation-xml, mi, ...)
      return;
    }
    if (e.tag == GUMBO_TAG_NOSCRIPT) {
      // Scripting-enabled browsers treat noscript content as text and load nothing from it.
      if (options_.include_noscript) push_children(node, true);
      return;
    }
    classify(node, e.tag);
    if (!inert) read_document_fact(node, e.tag);
    push_children(node, inert);
  }

  void classify(const GumboNode* node, GumboTag tag) {
    switch (tag) {
      case GUMBO_TAG_IMG:
        return add(node, element_kind::img);
      case GUMBO_TAG_SOURCE:
        if (parent_is_media_element(node)) return add(node, element_kind::media_source);
        if (wants(element_kind::picture_source) && parent_is_picture(node)) {
          add(node, element_kind::picture_source);
        }
        return;
      case GUMBO_TAG_INPUT:
        if (!wants(element_kind::input_image)) return;
        if (const auto type = attribute(node, "type"); type && ascii_iequals(*type, "image")) {
          add(node, element_kind::input_image);
        }
        return;
      case GUMBO_TAG_VIDEO:
        return add(node, element_kind::video);
      case GUMBO_TAG_AUDIO:
        return add(node, element_kind::audio);
      case GUMBO_TAG_TRACK:
        if (parent_is_media_element(node)) add(node, element_kind::track);
        return;
      case GUMBO_TAG_LINK:
        return add(node, element_kind::link);
      case GUMBO_TAG_A:
      case GUMBO_TAG_AREA:
        return add(node, element_kind::anchor);
      case GUMBO_TAG_FRAME:
      case GUMBO_TAG_IFRAME:
        return add(node, element_kind::frame);
      case GUMBO_TAG_SCRIPT:
        return add(node, element_kind::script);
      case GUMBO_TAG_EMBED:
        return add(node, element_kind::embed);
      case GUMBO_TAG_OBJECT:
        return add(node, element_kind::object);
      case GUMBO_TAG_BODY:
      case GUMBO_TAG_TABLE:
      case GUMBO_TAG_THEAD:
      case GUMBO_TAG_TBODY:
      case GUMBO_TAG_TFOOT:
      case GUMBO_TAG_TR:
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        return add(node, element_kind::background);
      default:
        return;
    }
  }

  // The document's own facts come from elements outside template and noscript only.
  void read_document_fact(const GumboNode* node, GumboTag tag) {
    switch (tag) {
      case GUMBO_TAG_BASE:
        if (!facts_.base_href) facts_.base_href = attribute(node, "href");
        break;
      case GUMBO_TAG_TITLE:
        if (!title_seen_) {
          title_seen_ = true;
          facts_.title = text_content(node);
        }
        break;
      case GUMBO_TAG_META:
        if (!charset_seen_) read_meta_charset(node);
        if (options_.read_robots) read_meta_robots(node);
        break;
      default:
        break;
    }
  }

  void read_meta_charset(const GumboNode* node) {
    if (const auto charset = attribute(node, "charset")) {
      charset_seen_ = true;
      facts_.declared_charset = strip_ascii_whitespace(*charset);
      return;
    }
    const auto equiv = attribute(node, "http-equiv");
    const auto content = attribute(node, "content");
    if (!equiv || !content || !ascii_iequals(strip_ascii_whitespace(*equiv), "content-type")) {
      return;
    }
    if (const auto label = charset_from_content(*content)) {
      charset_seen_ = true;
      facts_.declared_charset = *label;
    }
  }

  // Every robots meta element counts, and their directives add up: a crawler obeys the most
  // restrictive combination (Robots Exclusion Protocol usage, as search engines document it).
  void read_meta_robots(const GumboNode* node) {
    const auto name = attribute(node, "name");
    if (!name) return;
    const std::string_view n = strip_ascii_whitespace(*name);
    if (!ascii_iequals(n, "robots") &&
        (options_.robots_name.empty() || !ascii_iequals(n, options_.robots_name))) {
      return;
    }
    const auto content = attribute(node, "content");
    if (!content) return;
    const robots_directives d = parse_robots_content(*content);
    facts_.noindex = facts_.noindex || d.noindex;
    facts_.nofollow = facts_.nofollow || d.nofollow;
  }

  bool wants(element_kind kind) const noexcept { return (options_.elements & mask_of(kind)) != 0; }

  void add(const GumboNode* node, element_kind kind) {
    if (wants(kind)) facts_.elements.push_back({node, kind});
  }

  const walk_options& options_;
  std::vector<entry> stack_;
  document_facts facts_;
  bool title_seen_ = false;
  bool charset_seen_ = false;
};

}  // namespace

document_facts walk_document(const GumboNode* document, const walk_options& options) {
  return walker(options).run(document);
}

std::optional<std::string_view> attribute(const GumboNode* element, const char* name) noexcept {
  const GumboVector& attributes = element->v.element.attributes;
  for (unsigned i = 0; i < attributes.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attributes.data[i]);
    if (a->attr_namespace == GUMBO_ATTR_NAMESPACE_NONE && std::strcmp(a->name, name) == 0) {
      return std::string_view(a->value);
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> attribute_ns(const GumboNode* element,
                                             GumboAttributeNamespaceEnum ns,
                                             const char* name) noexcept {
  const GumboVector& attributes = element->v.element.attributes;
  for (unsigned i = 0; i < attributes.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attributes.data[i]);
    if (a->attr_namespace == ns && std::strcmp(a->name, name) == 0) {
      return std::string_view(a->value);
    }
  }
  return std::nullopt;
}

bool is_html_element(const GumboNode* node, std::string_view name) noexcept {
  const GumboElement& e = node->v.element;
  return e.tag_namespace == GUMBO_NAMESPACE_HTML && ascii_iequals(tag_name_of(e), name);
}

std::optional<std::string_view> charset_from_content(std::string_view s) {
  std::size_t pos = 0;
  for (;;) {
    // Find "charset" (ASCII case-insensitive), then optional whitespace and '='.
    std::size_t found = std::string_view::npos;
    for (std::size_t i = pos; i + 7 <= s.size(); ++i) {
      if (ascii_iequals(s.substr(i, 7), "charset")) {
        found = i;
        break;
      }
    }
    if (found == std::string_view::npos) return std::nullopt;
    pos = found + 7;
    while (pos < s.size() && is_ascii_whitespace(s[pos])) ++pos;
    if (pos < s.size() && s[pos] == '=') break;
    // Not followed by '=': look for the next "charset" from here.
  }
  ++pos;
  while (pos < s.size() && is_ascii_whitespace(s[pos])) ++pos;
  if (pos >= s.size()) return std::nullopt;
  const char quote = s[pos];
  if (quote == '"' || quote == '\'') {
    const std::size_t close = s.find(quote, pos + 1);
    if (close == std::string_view::npos) return std::nullopt;  // unmatched quote: nothing
    return s.substr(pos + 1, close - pos - 1);
  }
  std::size_t end = pos;
  while (end < s.size() && !is_ascii_whitespace(s[end]) && s[end] != ';') ++end;
  if (end == pos) return std::nullopt;
  return s.substr(pos, end - pos);
}

robots_directives parse_robots_content(std::string_view content) noexcept {
  robots_directives d;
  std::size_t pos = 0;
  while (pos < content.size()) {
    const auto separator = [](char c) { return c == ',' || is_ascii_whitespace(c); };
    while (pos < content.size() && separator(content[pos])) ++pos;
    const std::size_t begin = pos;
    while (pos < content.size() && !separator(content[pos])) ++pos;
    const std::string_view token = content.substr(begin, pos - begin);
    if (ascii_iequals(token, "noindex")) {
      d.noindex = true;
    } else if (ascii_iequals(token, "nofollow")) {
      d.nofollow = true;
    } else if (ascii_iequals(token, "none")) {
      d.noindex = true;
      d.nofollow = true;
    }
  }
  return d;
}

}  // namespace corofetch::html
