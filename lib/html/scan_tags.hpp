#pragma once
// The element names the link scanner tells apart: exactly those gumbo 0.10 knows (its tag.in).
// gumbo gives every other name one value, GUMBO_TAG_UNKNOWN, so that "</x-a>" closes an open
// <x-b> ("any other end tag" compares tags); the scanner must do the same to build the same
// stack of open elements. Internal to the html module.

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace corofetch::html::scan {

using tag_id = std::uint8_t;

inline constexpr tag_id unknown_tag = 0;

inline constexpr std::array<std::string_view, 150> known_tag_list = {"html",       "head",
                                                                     "title",      "base",
                                                                     "link",       "meta",
                                                                     "style",      "script",
                                                                     "noscript",   "template",
                                                                     "body",       "article",
                                                                     "section",    "nav",
                                                                     "aside",      "h1",
                                                                     "h2",         "h3",
                                                                     "h4",         "h5",
                                                                     "h6",         "hgroup",
                                                                     "header",     "footer",
                                                                     "address",    "p",
                                                                     "hr",         "pre",
                                                                     "blockquote", "ol",
                                                                     "ul",         "li",
                                                                     "dl",         "dt",
                                                                     "dd",         "figure",
                                                                     "figcaption", "main",
                                                                     "div",        "a",
                                                                     "em",         "strong",
                                                                     "small",      "s",
                                                                     "cite",       "q",
                                                                     "dfn",        "abbr",
                                                                     "data",       "time",
                                                                     "code",       "var",
                                                                     "samp",       "kbd",
                                                                     "sub",        "sup",
                                                                     "i",          "b",
                                                                     "u",          "mark",
                                                                     "ruby",       "rt",
                                                                     "rp",         "bdi",
                                                                     "bdo",        "span",
                                                                     "br",         "wbr",
                                                                     "ins",        "del",
                                                                     "image",      "img",
                                                                     "iframe",     "embed",
                                                                     "object",     "param",
                                                                     "video",      "audio",
                                                                     "source",     "track",
                                                                     "canvas",     "map",
                                                                     "area",       "math",
                                                                     "mi",         "mo",
                                                                     "mn",         "ms",
                                                                     "mtext",      "mglyph",
                                                                     "malignmark", "annotation-xml",
                                                                     "svg",        "foreignobject",
                                                                     "desc",       "table",
                                                                     "caption",    "colgroup",
                                                                     "col",        "tbody",
                                                                     "thead",      "tfoot",
                                                                     "tr",         "td",
                                                                     "th",         "form",
                                                                     "fieldset",   "legend",
                                                                     "label",      "input",
                                                                     "button",     "select",
                                                                     "datalist",   "optgroup",
                                                                     "option",     "textarea",
                                                                     "keygen",     "output",
                                                                     "progress",   "meter",
                                                                     "details",    "summary",
                                                                     "menu",       "menuitem",
                                                                     "applet",     "acronym",
                                                                     "bgsound",    "dir",
                                                                     "frame",      "frameset",
                                                                     "noframes",   "isindex",
                                                                     "listing",    "xmp",
                                                                     "nextid",     "noembed",
                                                                     "plaintext",  "rb",
                                                                     "strike",     "basefont",
                                                                     "big",        "blink",
                                                                     "center",     "font",
                                                                     "marquee",    "multicol",
                                                                     "nobr",       "spacer",
                                                                     "tt",         "rtc"};

inline constexpr std::array<std::string_view, known_tag_list.size()> sorted_tags = [] {
  auto names = known_tag_list;
  std::sort(names.begin(), names.end());
  return names;
}();

/// The id of a lowercase tag name: 1 + its index in sorted_tags, or unknown_tag. For constants;
/// the tokenizer uses lookup_tag.
constexpr tag_id tag_of(std::string_view lowercase_name) noexcept {
  const auto* it = std::lower_bound(sorted_tags.begin(), sorted_tags.end(), lowercase_name);
  if (it == sorted_tags.end() || *it != lowercase_name) return unknown_tag;
  return static_cast<tag_id>(1 + (it - sorted_tags.begin()));
}

constexpr std::uint32_t tag_hash(std::string_view name) noexcept {
  std::uint32_t h = 2166136261U;  // FNV-1a
  for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
  return h;
}

/// An open-addressing table from tag_hash to id, built at compile time.
inline constexpr std::array<tag_id, 1024> tag_table = [] {
  std::array<tag_id, 1024> table{};
  for (std::size_t i = 0; i < sorted_tags.size(); ++i) {
    std::uint32_t slot = tag_hash(sorted_tags[i]) & 1023U;
    while (table[slot] != unknown_tag) slot = (slot + 1) & 1023U;
    table[slot] = static_cast<tag_id>(i + 1);
  }
  return table;
}();

/// tag_of at run time: one hash and, mostly, one comparison.
inline tag_id lookup_tag(std::string_view lowercase_name) noexcept {
  if (lowercase_name.size() > 14) return unknown_tag;  // "annotation-xml" is the longest
  for (std::uint32_t slot = tag_hash(lowercase_name) & 1023U;; slot = (slot + 1) & 1023U) {
    const tag_id id = tag_table[slot];
    if (id == unknown_tag || sorted_tags[id - 1U] == lowercase_name) return id;
  }
}

namespace tags {
inline constexpr tag_id a = tag_of("a");
inline constexpr tag_id address = tag_of("address");
inline constexpr tag_id applet = tag_of("applet");
inline constexpr tag_id area = tag_of("area");
inline constexpr tag_id b = tag_of("b");
inline constexpr tag_id base = tag_of("base");
inline constexpr tag_id basefont = tag_of("basefont");
inline constexpr tag_id bgsound = tag_of("bgsound");
inline constexpr tag_id body = tag_of("body");
inline constexpr tag_id br = tag_of("br");
inline constexpr tag_id button = tag_of("button");
inline constexpr tag_id caption = tag_of("caption");
inline constexpr tag_id col = tag_of("col");
inline constexpr tag_id colgroup = tag_of("colgroup");
inline constexpr tag_id dd = tag_of("dd");
inline constexpr tag_id desc = tag_of("desc");
inline constexpr tag_id div = tag_of("div");
inline constexpr tag_id dt = tag_of("dt");
inline constexpr tag_id font = tag_of("font");
inline constexpr tag_id foreignobject = tag_of("foreignobject");
inline constexpr tag_id form = tag_of("form");
inline constexpr tag_id frameset = tag_of("frameset");
inline constexpr tag_id head = tag_of("head");
inline constexpr tag_id hr = tag_of("hr");
inline constexpr tag_id html = tag_of("html");
inline constexpr tag_id iframe = tag_of("iframe");
inline constexpr tag_id image = tag_of("image");
inline constexpr tag_id input = tag_of("input");
inline constexpr tag_id isindex = tag_of("isindex");
inline constexpr tag_id keygen = tag_of("keygen");
inline constexpr tag_id li = tag_of("li");
inline constexpr tag_id link = tag_of("link");
inline constexpr tag_id listing = tag_of("listing");
inline constexpr tag_id marquee = tag_of("marquee");
inline constexpr tag_id math = tag_of("math");
inline constexpr tag_id menuitem = tag_of("menuitem");
inline constexpr tag_id meta = tag_of("meta");
inline constexpr tag_id nobr = tag_of("nobr");
inline constexpr tag_id noembed = tag_of("noembed");
inline constexpr tag_id noframes = tag_of("noframes");
inline constexpr tag_id noscript = tag_of("noscript");
inline constexpr tag_id object = tag_of("object");
inline constexpr tag_id ol = tag_of("ol");
inline constexpr tag_id optgroup = tag_of("optgroup");
inline constexpr tag_id option = tag_of("option");
inline constexpr tag_id p = tag_of("p");
inline constexpr tag_id plaintext = tag_of("plaintext");
inline constexpr tag_id pre = tag_of("pre");
inline constexpr tag_id rb = tag_of("rb");
inline constexpr tag_id rp = tag_of("rp");
inline constexpr tag_id rt = tag_of("rt");
inline constexpr tag_id rtc = tag_of("rtc");
inline constexpr tag_id ruby = tag_of("ruby");
inline constexpr tag_id script = tag_of("script");
inline constexpr tag_id select = tag_of("select");
inline constexpr tag_id style = tag_of("style");
inline constexpr tag_id svg = tag_of("svg");
inline constexpr tag_id table = tag_of("table");
inline constexpr tag_id tbody = tag_of("tbody");
inline constexpr tag_id td = tag_of("td");
inline constexpr tag_id tfoot = tag_of("tfoot");
inline constexpr tag_id template_ = tag_of("template");
inline constexpr tag_id textarea = tag_of("textarea");
inline constexpr tag_id th = tag_of("th");
inline constexpr tag_id thead = tag_of("thead");
inline constexpr tag_id title = tag_of("title");
inline constexpr tag_id tr = tag_of("tr");
inline constexpr tag_id ul = tag_of("ul");
inline constexpr tag_id xmp = tag_of("xmp");
}  // namespace tags

/// What gumbo's tree builder does with an element, as bits.
enum tag_property : std::uint32_t {
  special = 1U << 0,           // the "special" category (gumbo's list)
  scope_boundary = 1U << 1,    // ends "has an element in scope" (HTML namespace part)
  closes_p = 1U << 2,          // start tag closes a p in button scope, then is inserted
  block_end = 1U << 3,         // end tag: in scope, then close it ("address" ... "ul")
  heading = 1U << 4,           // h1..h6
  formatting = 1U << 5,        // b, big, code, em, font, i, s, small, strike, strong, tt, u
  implied_end = 1U << 6,       // dd dt li option optgroup p rp rb rt rtc
  void_reconstruct = 1U << 7,  // area br embed img image keygen wbr input: reconstruct, void
  void_plain = 1U << 8,        // param source track: void, no reconstruct
  head_content = 1U << 9,      // base basefont bgsound menuitem link meta noframes script style
                               // template title: "in head" rules from the body
  ignored_in_body = 1U << 10,  // caption col colgroup frame head tbody td tfoot th thead tr
  breakout = 1U << 11,         // ends foreign content (font only with color, face or size)
};

inline constexpr std::array<std::uint32_t, known_tag_list.size() + 1> tag_properties = [] {
  std::array<std::uint32_t, known_tag_list.size() + 1> bits{};
  const auto set = [&](std::uint32_t bit, std::initializer_list<std::string_view> names) {
    for (const std::string_view n : names) {
      const tag_id id = tag_of(n);
      if (id == unknown_tag) throw "a name gumbo does not know";  // a compile-time error
      bits[id] |= bit;
    }
  };
  set(special,
      {"address",  "applet",     "area",     "article",  "aside",      "base",     "basefont",
       "bgsound",  "blockquote", "body",     "br",       "button",     "caption",  "center",
       "col",      "colgroup",   "menuitem", "dd",       "details",    "dir",      "div",
       "dl",       "dt",         "embed",    "fieldset", "figcaption", "figure",   "footer",
       "form",     "frame",      "frameset", "h1",       "h2",         "h3",       "h4",
       "h5",       "h6",         "head",     "header",   "hgroup",     "hr",       "html",
       "iframe",   "img",        "input",    "isindex",  "li",         "link",     "listing",
       "marquee",  "menu",       "meta",     "nav",      "noembed",    "noframes", "noscript",
       "object",   "ol",         "p",        "param",    "plaintext",  "pre",      "script",
       "section",  "select",     "style",    "summary",  "table",      "tbody",    "td",
       "template", "textarea",   "tfoot",    "th",       "thead",      "title",    "tr",
       "ul",       "wbr",        "xmp"});
  set(scope_boundary,
      {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"});
  set(closes_p,
      {"address", "article",  "aside",      "blockquote", "center",  "details", "dir",    "div",
       "dl",      "fieldset", "figcaption", "figure",     "footer",  "header",  "hgroup", "menu",
       "main",    "nav",      "ol",         "p",          "section", "summary", "ul"});
  set(block_end, {"address", "article", "aside",   "blockquote", "button",     "center", "details",
                  "dir",     "div",     "dl",      "fieldset",   "figcaption", "figure", "footer",
                  "header",  "hgroup",  "listing", "main",       "menu",       "nav",    "ol",
                  "pre",     "section", "summary", "ul"});
  set(heading, {"h1", "h2", "h3", "h4", "h5", "h6"});
  set(formatting,
      {"b", "big", "code", "em", "font", "i", "s", "small", "strike", "strong", "tt", "u"});
  set(implied_end, {"dd", "dt", "li", "option", "optgroup", "p", "rp", "rb", "rt", "rtc"});
  set(void_reconstruct, {"area", "br", "embed", "img", "image", "keygen", "wbr", "input"});
  set(void_plain, {"param", "source", "track"});
  set(head_content, {"base", "basefont", "bgsound", "menuitem", "link", "meta", "noframes",
                     "script", "style", "template", "title"});
  set(ignored_in_body,
      {"caption", "col", "colgroup", "frame", "head", "tbody", "td", "tfoot", "th", "thead", "tr"});
  set(breakout,
      {"b",      "big",  "blockquote", "body",  "br",   "center", "code",    "dd",   "div",
       "dl",     "dt",   "em",         "embed", "h1",   "h2",     "h3",      "h4",   "h5",
       "h6",     "head", "hr",         "i",     "img",  "li",     "listing", "menu", "meta",
       "nobr",   "ol",   "p",          "pre",   "ruby", "s",      "small",   "span", "strong",
       "strike", "sub",  "sup",        "table", "tt",   "u",      "ul",      "var"});
  return bits;
}();

constexpr bool has(tag_id tag, std::uint32_t property) noexcept {
  return (tag_properties[tag] & property) != 0;
}

}  // namespace corofetch::html::scan
