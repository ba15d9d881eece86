// One iterative pass over gumbo's tree (an explicit stack, so no nesting depth can overflow the
// call stack) that records the elements naming images and the document's base, title, charset.
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

// <link rel> tokens that make a browser fetch an icon.
bool is_icon_link(std::string_view rel) noexcept {
  return has_token(rel, "icon") || has_token(rel, "apple-touch-icon") ||
         has_token(rel, "apple-touch-icon-precomposed");
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
  explicit walker(const extract_options& options) : options_(options) {}

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
    bool inert;  // inside template content or noscript: images only, no base/title/charset
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
    if (e.tag_namespace == GUMBO_NAMESPACE_SVG) {
      if (e.tag == GUMBO_TAG_IMAGE) facts_.elements.push_back({node, element_kind::svg_image});
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
    classify(node, e, inert);
    push_children(node, inert);
  }

  void classify(const GumboNode* node, const GumboElement& e, bool inert) {
    switch (e.tag) {
      case GUMBO_TAG_IMG:
        add(node, element_kind::img);
        break;
      case GUMBO_TAG_SOURCE:
        if (node->parent != nullptr && node->parent->type == GUMBO_NODE_ELEMENT &&
            is_html_element(node->parent, "picture")) {
          add(node, element_kind::picture_source);
        }
        break;
      case GUMBO_TAG_INPUT:
        if (const auto type = attribute(node, "type"); type && ascii_iequals(*type, "image")) {
          add(node, element_kind::input_image);
        }
        break;
      case GUMBO_TAG_VIDEO:
        add(node, element_kind::video);
        break;
      case GUMBO_TAG_LINK:
        classify_link(node);
        break;
      case GUMBO_TAG_BODY:
      case GUMBO_TAG_TABLE:
      case GUMBO_TAG_THEAD:
      case GUMBO_TAG_TBODY:
      case GUMBO_TAG_TFOOT:
      case GUMBO_TAG_TR:
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        add(node, element_kind::background);
        break;
      case GUMBO_TAG_BASE:
        if (!inert && !facts_.base_href) facts_.base_href = attribute(node, "href");
        break;
      case GUMBO_TAG_TITLE:
        if (!inert && !title_seen_) {
          title_seen_ = true;
          facts_.title = text_content(node);
        }
        break;
      case GUMBO_TAG_META:
        if (!inert && !charset_seen_) read_meta_charset(node);
        break;
      default:
        break;
    }
  }

  void classify_link(const GumboNode* node) {
    const auto rel = attribute(node, "rel");
    if (!rel) return;
    if (is_icon_link(*rel)) {
      add(node, element_kind::link_icon);
    } else if (has_token(*rel, "preload")) {
      const auto as = attribute(node, "as");
      if (as && ascii_iequals(*as, "image")) add(node, element_kind::link_preload);
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

  void add(const GumboNode* node, element_kind kind) { facts_.elements.push_back({node, kind}); }

  const extract_options& options_;
  std::vector<entry> stack_;
  document_facts facts_;
  bool title_seen_ = false;
  bool charset_seen_ = false;
};

}  // namespace

document_facts walk_document(const GumboNode* document, const extract_options& options) {
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

}  // namespace corofetch::html
