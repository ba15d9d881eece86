// extract_references: the link scanner (scanner.hpp) when the options and the page allow it;
// else parse with gumbo, walk once (walk.cpp) recording only the elements of the
// kinds asked for, then read each in document order: links, frames, link types, scripts and media
// here, images through the image reader (image_reader.cpp) that extract_images uses, so both
// report the same images.
#include <corofetch/html/references.hpp>

#include "html/document.hpp"
#include "html/image_reader.hpp"
#include "html/scanner.hpp"
#include "html/text.hpp"
#include "html/walk.hpp"

#include <algorithm>
#include <array>
#include <atomic>

namespace corofetch::html {
namespace {

using kind = reference_kind;

// The elements the walk must record for `kinds`.
element_mask elements_for(reference_kinds kinds) noexcept {
  element_mask m = 0;
  const auto need = [&](kind k, element_mask elements) {
    if (kinds.contains(k)) m |= elements;
  };
  need(kind::hyperlink, mask_of(element_kind::anchor));
  need(kind::frame, mask_of(element_kind::frame));
  for (const kind k : {kind::stylesheet, kind::icon, kind::alternate, kind::next, kind::prev,
                       kind::canonical, kind::preload, kind::modulepreload, kind::manifest}) {
    need(k, mask_of(element_kind::link));
  }
  need(kind::script, mask_of(element_kind::script));
  need(kind::image, image_elements & ~mask_of(element_kind::link));
  need(kind::media, mask_of(element_kind::video) | mask_of(element_kind::audio) |
                        mask_of(element_kind::media_source));
  need(kind::track, mask_of(element_kind::track));
  need(kind::embed, mask_of(element_kind::embed));
  need(kind::object, mask_of(element_kind::object));
  return m;
}

// HTML Standard 4.6.7 link types (plus Apple's touch icons and the old "previous"), ASCII
// case-insensitive.
std::optional<kind> link_kind(std::string_view token) noexcept {
  struct entry {
    std::string_view token;
    kind k;
  };
  static constexpr std::array<entry, 12> table{{
      {"stylesheet", kind::stylesheet},
      {"icon", kind::icon},
      {"apple-touch-icon", kind::icon},
      {"apple-touch-icon-precomposed", kind::icon},
      {"alternate", kind::alternate},
      {"next", kind::next},
      {"prev", kind::prev},
      {"previous", kind::prev},
      {"canonical", kind::canonical},
      {"preload", kind::preload},
      {"modulepreload", kind::modulepreload},
      {"manifest", kind::manifest},
  }};
  for (const entry& e : table) {
    if (ascii_iequals(token, e.token)) return e.k;
  }
  return std::nullopt;
}

// Calls f for each token of an ASCII-whitespace-separated list, in order.
template <class F>
void for_each_token(std::string_view list, F&& f) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    while (pos < list.size() && is_ascii_whitespace(list[pos])) ++pos;
    const std::size_t begin = pos;
    while (pos < list.size() && !is_ascii_whitespace(list[pos])) ++pos;
    if (pos > begin) f(list.substr(begin, pos - begin));
  }
}

// The kinds a rel attribute's tokens name, in the order of their first token.
struct link_relations {
  std::array<kind, 12> order{};
  std::size_t count = 0;
  reference_kinds set;
};

link_relations relations_of(std::string_view rel) {
  link_relations r;
  for_each_token(rel, [&](std::string_view token) {
    const auto k = link_kind(token);
    if (!k || r.set.contains(*k)) return;
    r.set.insert(*k);
    r.order[r.count++] = *k;
  });
  return r;
}

bool is_javascript_mime_type(std::string_view type) noexcept {
  for (const std::string_view known :
       {"text/javascript", "application/javascript", "application/ecmascript",
        "application/x-ecmascript", "application/x-javascript", "text/ecmascript",
        "text/javascript1.0", "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
        "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
        "text/x-ecmascript", "text/x-javascript"}) {
    if (ascii_iequals(type, known)) return true;
  }
  return false;
}

enum class script_type : std::uint8_t { classic, module, not_fetched };

// HTML Standard 4.12.1.1 "prepare the script element": the type attribute (else "text/" plus a
// non-empty language attribute), stripped; absent or empty means a classic script, a JavaScript
// MIME type essence a classic script, "module" a module; anything else (importmap, data blocks
// such as application/ld+json or text/template) is never fetched.
script_type type_of_script(const GumboNode* node) {
  const auto type = attribute(node, "type");
  if (!type) {
    const auto language = attribute(node, "language");
    if (!language || language->empty()) return script_type::classic;
    return is_javascript_mime_type("text/" + std::string(*language)) ? script_type::classic
                                                                     : script_type::not_fetched;
  }
  if (type->empty()) return script_type::classic;
  const std::string_view block = strip_ascii_whitespace(*type);
  if (is_javascript_mime_type(block)) return script_type::classic;
  if (ascii_iequals(block, "module")) return script_type::module;
  return script_type::not_fetched;
}

std::string ascii_lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_ascii_lower(c);
  return out;
}

// image_source values whose references belong to a <link> kind rather than to kind::image.
kind kind_of_image(image_source source) noexcept {
  switch (source) {
    case image_source::link_icon:
      return kind::icon;
    case image_source::link_preload:
    case image_source::link_preload_srcset:
      return kind::preload;
    default:
      return kind::image;
  }
}

extract_options image_options_of(const reference_options& options) {
  extract_options o;
  o.srcset = srcset_policy::every_candidate;
  o.lazy_attributes = options.lazy_attributes;
  return o;
}

// Reads every recorded element into references::items and skipped.
class reference_collector final : public image_sink {
 public:
  reference_collector(const reference_options& options, references& out, std::string_view input)
      : input_(input),
        options_(options),
        out_(out),
        image_options_(image_options_of(options)),
        images_(image_options_, *this) {}

  void element(const element_ref& ref) {
    const GumboNode* node = ref.node;
    node_ = node;
    element_ = {};
    switch (ref.kind) {
      case element_kind::anchor:
        return anchor(node);
      case element_kind::frame:
        return frame(node);
      case element_kind::link:
        return link(node);
      case element_kind::script:
        return script(node);
      case element_kind::video:
        if (wants(kind::image)) images_.element(ref);  // the poster
        if (!wants(kind::media)) return;
        element_ = {};
        return add(attribute(node, "src"), kind::media, {});
      case element_kind::audio:
        return add(attribute(node, "src"), kind::media, {});
      case element_kind::media_source:
        element_.type = attribute(node, "type").value_or(std::string_view());
        element_.media = attribute(node, "media").value_or(std::string_view());
        return add(attribute(node, "src"), kind::media, {});
      case element_kind::track:
        return add(attribute(node, "src"), kind::track, {});
      case element_kind::embed:
        element_.type = attribute(node, "type").value_or(std::string_view());
        return add(attribute(node, "src"), kind::embed, {});
      case element_kind::object:
        element_.type = attribute(node, "type").value_or(std::string_view());
        return add(attribute(node, "data"), kind::object, {});
      default:
        return images_.element(ref);
    }
  }

  // The inline CSS of a node walk_document recorded: its style attribute, then, for <style>,
  // its text.
  void style(const GumboNode* node) {
    if (const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, "style")) {
      inline_style& st = out_.styles.emplace_back();
      st.text = a->value;
      st.attribute = true;
      st.source = source_of(node, st.text, a);
    }
    if (node->v.element.tag_namespace != GUMBO_NAMESPACE_HTML ||
        node->v.element.tag != GUMBO_TAG_STYLE) {
      return;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      const auto* child = static_cast<const GumboNode*>(children.data[i]);
      if (child->type != GUMBO_NODE_TEXT && child->type != GUMBO_NODE_WHITESPACE) continue;
      inline_style& st = out_.styles.emplace_back();
      st.text = child->v.text.text;
      const GumboStringPiece raw = child->v.text.original_text;
      if (within_input(raw.data, raw.length) && raw.length == st.text.size()) {
        st.source.begin = static_cast<std::size_t>(raw.data - input_.data());
        st.source.end = st.source.begin + raw.length;
        st.source.exact = std::string_view(raw.data, raw.length) == st.text;
      }
    }
  }

  void skip(std::string_view text, kind k, std::optional<image_source> image, skip_reason reason,
            std::error_code error) {
    if (out_.skipped.size() >= options_.max_skipped) {
      out_.truncated = true;
      return;
    }
    out_.skipped.push_back({std::string(text), k, image, reason, error});
  }

  void found(std::string_view raw, image_source source, const element_details& d,
             const srcset_candidate* /*candidate*/) override {
    element_.type = d.type;
    element_.media = d.media;
    add(raw, kind_of_image(source), source);
  }

  void invalid_candidate(std::string_view text, image_source source) override {
    skip(text, kind_of_image(source), source, skip_reason::invalid_srcset_candidate, {});
  }

 private:
  // What every reference from the element being read shares.
  struct element_context {
    reference_kinds rel;
    std::string as;
    std::string_view type;
    std::string_view media;
    bool nofollow = false;
    bool module = false;
  };

  [[nodiscard]] bool wants(kind k) const noexcept { return options_.kinds.contains(k); }

  void anchor(const GumboNode* node) {
    auto href = attribute(node, "href");
    if (!href && node->v.element.tag_namespace == GUMBO_NAMESPACE_SVG) {
      href = attribute_ns(node, GUMBO_ATTR_NAMESPACE_XLINK, "href");  // SVG 2 deprecated form
    }
    const auto rel = attribute(node, "rel");
    element_.nofollow = rel && has_token(*rel, "nofollow");
    add(href, kind::hyperlink, {});
  }

  // An iframe with srcdoc shows that markup and never loads its src (HTML Standard 4.8.5).
  void frame(const GumboNode* node) {
    if (node->v.element.tag == GUMBO_TAG_IFRAME && attribute(node, "srcdoc")) return;
    add(attribute(node, "src"), kind::frame, {});
  }

  void link(const GumboNode* node) {
    const auto rel = attribute(node, "rel");
    if (!rel) return;
    const link_relations relations = relations_of(*rel);
    if (relations.count == 0) return;
    const auto href = attribute(node, "href");
    element_.rel = relations.set;
    element_.type = attribute(node, "type").value_or(std::string_view());
    element_.media = attribute(node, "media").value_or(std::string_view());
    // extract_images reads a link that is an icon as an icon only, never as an image preload:
    // such a link's preload is a plain one here, so that the images stay extract_images' own.
    const bool preload_image = !relations.set.contains(kind::icon) && preloads_image(node);
    for (std::size_t i = 0; i < relations.count; ++i) {
      const kind k = relations.order[i];
      if (!wants(k)) continue;
      element_.as.clear();
      if (k == kind::preload) {
        element_.as = ascii_lowercase(strip_ascii_whitespace(attribute(node, "as").value_or("")));
      }
      if (k == kind::icon) {
        images_.link_icon(node);
      } else if (k == kind::preload && preload_image) {
        images_.link_preload(node);
      } else {
        add(href, k, {});
      }
    }
  }

  void script(const GumboNode* node) {
    const auto src = attribute(node, "src");
    if (!src) return;
    const script_type type = type_of_script(node);
    if (type == script_type::not_fetched) return;
    element_.module = type == script_type::module;
    element_.type = attribute(node, "type").value_or(std::string_view());
    add(src, kind::script, {});
  }

  void add(std::optional<std::string_view> raw, kind k, std::optional<image_source> image) {
    if (!raw) return;
    resolved_reference r = resolve_reference(*raw, out_.base, options_.data_urls);
    if (!r.location) return skip(r.text, k, image, r.reason, r.error);
    if (out_.items.size() >= options_.max_references) {
      out_.truncated = true;
      return;
    }
    reference& ref = out_.items.emplace_back();
    ref.location = std::move(*r.location);
    ref.text = r.text;
    ref.kind = k;
    ref.image = image;
    ref.rel = element_.rel;
    if (k == kind::preload) ref.as = element_.as;
    ref.type = element_.type;
    ref.media = element_.media;
    ref.nofollow = element_.nofollow;
    ref.module = element_.module;
    ref.inline_data = r.inline_data;
    ref.source = source_of(node_, r.text);
  }

  [[nodiscard]] bool within_input(const char* p, std::size_t n) const noexcept {
    const char* begin = input_.data();
    return p != nullptr && p >= begin && n <= input_.size() &&
           static_cast<std::size_t>(p - begin) <= input_.size() - n;
  }

  // Where `text` (a view into one of the node's attribute values, or `known`'s) is written in
  // the input: exactly, when the value as written equals the decoded one; else the whole value.
  source_range source_of(const GumboNode* node, std::string_view text,
                         const GumboAttribute* known = nullptr) const {
    source_range out;
    if (node == nullptr || node->type != GUMBO_NODE_ELEMENT) return out;
    const GumboAttribute* a = known;
    const GumboVector& attributes = node->v.element.attributes;
    for (unsigned i = 0; a == nullptr && i < attributes.length; ++i) {
      const auto* candidate = static_cast<const GumboAttribute*>(attributes.data[i]);
      const std::string_view value(candidate->value);
      if (text.data() >= value.data() && text.data() + text.size() <= value.data() + value.size()) {
        a = candidate;
      }
    }
    if (a == nullptr) return out;
    GumboStringPiece raw = a->original_value;
    if (!within_input(raw.data, raw.length) || raw.length == 0) return out;
    if (raw.length >= 2 && (raw.data[0] == '"' || raw.data[0] == '\'')) {
      ++raw.data;
      raw.length -= 2;
    }
    const std::string_view value(a->value);
    out.begin = static_cast<std::size_t>(raw.data - input_.data());
    out.end = out.begin + raw.length;
    if (std::string_view(raw.data, raw.length) == value) {
      const std::size_t offset =
          known != nullptr ? 0 : static_cast<std::size_t>(text.data() - value.data());
      out.begin += offset;
      out.end = out.begin + text.size();
      out.exact = true;
    }
    return out;
  }

  std::string_view input_;
  const GumboNode* node_ = nullptr;
  const reference_options& options_;
  references& out_;
  extract_options image_options_;
  image_reader images_;
  element_context element_;
};

}  // namespace

std::string_view to_string(reference_kind k) noexcept {
  switch (k) {
    case kind::hyperlink:
      return "hyperlink";
    case kind::frame:
      return "frame";
    case kind::stylesheet:
      return "stylesheet";
    case kind::icon:
      return "icon";
    case kind::alternate:
      return "alternate";
    case kind::next:
      return "next";
    case kind::prev:
      return "prev";
    case kind::canonical:
      return "canonical";
    case kind::preload:
      return "preload";
    case kind::modulepreload:
      return "modulepreload";
    case kind::manifest:
      return "manifest";
    case kind::script:
      return "script";
    case kind::image:
      return "image";
    case kind::media:
      return "media";
    case kind::track:
      return "track";
    case kind::embed:
      return "embed";
    case kind::object:
      return "object";
  }
  return "unknown";
}

namespace {

std::atomic<std::uint64_t> parsed_count{0};
std::atomic<std::uint64_t> scanned_count{0};
std::atomic<std::uint64_t> fell_back_count{0};

void add_skip(references& out, const reference_options& options, reference_skip skip) {
  if (out.skipped.size() >= options.max_skipped) {
    out.truncated = true;
    return;
  }
  out.skipped.push_back(std::move(skip));
}

// The scanner's references, resolved and bounded as reference_collector::add does.
void add_scanned(references& out, const reference_options& options, const scanned_reference& s) {
  resolved_reference r = resolve_reference(s.value, out.base, options.data_urls);
  if (!r.location) {
    return add_skip(out, options, {std::string(r.text), s.kind, std::nullopt, r.reason, r.error});
  }
  if (out.items.size() >= options.max_references) {
    out.truncated = true;
    return;
  }
  reference& ref = out.items.emplace_back();
  ref.location = std::move(*r.location);
  ref.text = r.text;
  ref.kind = s.kind;
  ref.nofollow = s.nofollow;
  ref.inline_data = r.inline_data;
  ref.source = {s.value_begin, s.value_end, false};
  if (s.exact && s.value_end > s.value_begin) {
    ref.source.begin = s.value_begin + static_cast<std::size_t>(r.text.data() - s.value.data());
    ref.source.end = ref.source.begin + r.text.size();
    ref.source.exact = true;
  }
}

references from_scan(const scan_result& scan, const url::url& document_url,
                     const reference_options& options) {
  references out;
  out.base = document_base(scan.base_href, document_url);
  out.title = strip_and_collapse_whitespace(scan.title);
  out.noindex = scan.noindex;
  out.nofollow = scan.nofollow;
  out.items.reserve(std::min(scan.references.size(), options.max_references));
  for (const scanned_reference& s : scan.references) add_scanned(out, options, s);
  out.path = extraction_path::scanned;
  return out;
}

result<references> parse_references(std::string_view html, const url::url& document_url,
                                    const reference_options& options) {
  auto parsed = parse_html(html, options.max_input_bytes, options.max_nesting_depth);
  if (!parsed) return parsed.error();

  walk_options walk;
  walk.elements = elements_for(options.kinds);
  walk.include_noscript = options.include_noscript;
  walk.include_template = options.include_template;
  walk.read_robots = true;
  walk.robots_name = options.robots_name;
  walk.read_styles = options.include_styles;
  document_facts facts = walk_document((*parsed)->document, walk);
  references out;
  out.base = document_base(facts.base_href, document_url);
  out.title = std::move(facts.title);
  out.noindex = facts.noindex;
  out.nofollow = facts.nofollow;
  // Most elements name one reference: growing the vector of large items would cost more.
  out.items.reserve(std::min(facts.elements.size(), options.max_references));
  reference_collector collector(options, out, html);
  for (const element_ref& ref : facts.elements) collector.element(ref);
  for (const GumboNode* node : facts.styles) collector.style(node);
  return out;
}

}  // namespace

std::string_view to_string(extraction_path path) noexcept {
  switch (path) {
    case extraction_path::parsed:
      return "parsed";
    case extraction_path::scanned:
      return "scanned";
    case extraction_path::fell_back:
      return "fell back";
  }
  return "unknown";
}

extraction_counts extraction_statistics() noexcept {
  extraction_counts c;
  c.parsed = parsed_count.load(std::memory_order_relaxed);
  c.scanned = scanned_count.load(std::memory_order_relaxed);
  c.fell_back = fell_back_count.load(std::memory_order_relaxed);
  return c;
}

result<references> extract_references(std::string_view html, const url::url& document_url,
                                      const reference_options& options) {
  if (!options.scan || !scanner_covers(options)) {
    auto out = parse_references(html, document_url, options);
    if (out) parsed_count.fetch_add(1, std::memory_order_relaxed);
    return out;
  }
  if (const std::error_code ec =
          check_bounds(html, options.max_input_bytes, options.max_nesting_depth)) {
    return ec;
  }
  const scan_result scan = scan_references(html, options);
  if (scan.fallback == scan_fallback::none) {
    scanned_count.fetch_add(1, std::memory_order_relaxed);
    return from_scan(scan, document_url, options);
  }
  auto out = parse_references(html, document_url, options);
  if (out) {
    out->path = extraction_path::fell_back;
    out->fallback_reason = to_string(scan.fallback);
    fell_back_count.fetch_add(1, std::memory_order_relaxed);
  }
  return out;
}

}  // namespace corofetch::html
