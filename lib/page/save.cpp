// page::local_path and page::save: a loaded page written to disk in wget's layout, its HTML and
// CSS optionally pointed at the saved copies (wget --convert-links).
#include <corofetch/page/save.hpp>

#include "page/discover.hpp"

#include <corofetch/css/rewrite.hpp>
#include <corofetch/html/references.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::page {
namespace {

namespace fs = std::filesystem;

// A name no file system refuses for its length: the first 200 bytes, cut before a UTF-8
// continuation byte, then "~" and the fingerprint of the whole name.
std::string short_name(std::string name) {
  if (name.size() <= max_name_bytes) return name;
  const std::uint64_t print = url::fingerprint(name);
  std::size_t keep = 200;
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  name.resize(keep);
  static constexpr char hex[] = "0123456789abcdef";
  name += '~';
  for (int shift = 60; shift >= 0; shift -= 4) name += hex[(print >> shift) & 0xF];
  return name;
}

// A path segment as a file or folder name: percent-decoded, never a separator, NUL, "." or "..".
std::string segment_name(std::string_view raw) {
  std::string name = url::percent_decode(raw);
  for (char& c : name) {
    if (c == '/' || c == '\\' || c == '\0') c = '_';
  }
  if (name == "." || name == "..") return "_";
  return name;
}

std::error_code write_file(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return ec;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return std::make_error_code(std::errc::io_error);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return std::make_error_code(std::errc::io_error);
  return {};
}

const std::string& where_of(const resource& r) {
  return r.final_url.empty() ? r.url : r.final_url;
}

bool saved(const resource& r) {
  return r.ok() && !(r.body.empty() && r.bytes != 0);
}

// Every URL a saved resource answers to (what was asked, each redirect hop, the final URL),
// mapped to its local path.
using link_map = std::map<std::string, fs::path, std::less<>>;

void map_resource(const resource& r, link_map& links) {
  if (!saved(r)) return;
  auto final_url = url::parse(where_of(r));
  if (!final_url) return;
  const fs::path local = local_path(*final_url);
  const auto add = [&](std::string_view text) {
    if (auto u = url::parse(text)) links.emplace(std::string(u->href_without_fragment()), local);
  };
  add(r.url);
  add(where_of(r));
  for (const exchange& e : r.exchanges) add(e.url);
}

// What a reference becomes in a saved file at `from`: the saved copy's relative path, else
// the absolute URL; nullopt to leave it as written.
std::optional<std::string> converted(const url::url& location, std::string_view text,
                                     const fs::path& from, const link_map& links) {
  if (!text.empty() && text.front() == '#') return std::nullopt;  // within the file itself
  std::string out;
  const auto it = links.find(location.href_without_fragment());
  if (it != links.end()) {
    out = relative_link(from, it->second);
    if (const auto fragment = location.fragment()) out += "#" + std::string(*fragment);
  } else {
    out = std::string(location.href());
  }
  if (out == text) return std::nullopt;
  return out;
}

// An attribute value's text as written between quotes (or none): the characters HTML would
// read otherwise as character references.
std::string attribute_escape(std::string_view value) {
  std::string out;
  for (const char c : value) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct edit {
  std::size_t begin;
  std::size_t end;
  std::string text;
};

std::string apply_edits(std::string_view input, std::vector<edit>& edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const edit& a, const edit& b) { return a.begin < b.begin; });
  std::string out;
  std::size_t at = 0;
  for (const edit& e : edits) {
    if (e.begin < at || e.end > input.size() || e.begin > e.end) continue;  // overlap: keep
    out.append(input.substr(at, e.begin - at));
    out += e.text;
    at = e.end;
  }
  out.append(input.substr(at));
  return out;
}

css::replacement_function css_replacer(const fs::path& from, const link_map& links) {
  return [&from, &links](const css::reference& r) {
    return converted(r.location, r.text, from, links);
  };
}

// The inline CSS of an HTML document, rewritten in place.
void convert_styles(const html::references& refs, const fs::path& from, const link_map& links,
                    std::vector<edit>& edits) {
  for (const html::inline_style& style : refs.styles) {
    if (style.source.end <= style.source.begin) continue;
    css::reference_options ro;
    ro.source =
        style.attribute ? css::source_kind::style_attribute : css::source_kind::style_element;
    auto text = css::rewrite_css_references(style.text, refs.base, css_replacer(from, links), ro);
    if (!text || *text == style.text) continue;
    if (!style.attribute && !style.source.exact) continue;
    edits.push_back({style.source.begin, style.source.end,
                     style.attribute ? attribute_escape(*text) : std::move(*text)});
  }
}

std::string convert_html(const std::string& body, const url::url& base, const fs::path& from,
                         const link_map& links) {
  html::reference_options ro;
  ro.kinds = html::reference_kinds::all();
  ro.include_styles = true;
  auto refs = html::extract_references(body, base, ro);
  if (!refs) return body;
  // A value holding character references is rewritten whole, so only when it names one URL.
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> per_range;
  for (const html::reference& r : refs->items) ++per_range[{r.source.begin, r.source.end}];
  std::vector<edit> edits;
  for (const html::reference& r : refs->items) {
    if (r.source.end <= r.source.begin) continue;
    if (!r.source.exact && per_range[{r.source.begin, r.source.end}] != 1) continue;
    if (auto to = converted(r.location, r.text, from, links)) {
      edits.push_back({r.source.begin, r.source.end, attribute_escape(*to)});
    }
  }
  convert_styles(*refs, from, links, edits);
  return apply_edits(body, edits);
}

std::error_code save_resource(const resource& r, const fs::path& folder, const save_options& o,
                              const link_map& links) {
  auto u = url::parse(where_of(r));
  if (!u) return u.error();
  const fs::path local = local_path(*u);
  if (!o.convert_links) return write_file(folder / local, r.body);
  if (r.kind == resource_kind::stylesheet) {
    auto text = css::rewrite_css_references(r.body, *u, css_replacer(local, links));
    return write_file(folder / local, text ? *text : r.body);
  }
  if ((r.kind == resource_kind::document || r.kind == resource_kind::frame) && detail::is_html(r)) {
    return write_file(folder / local, convert_html(r.body, *u, local, links));
  }
  return write_file(folder / local, r.body);
}

}  // namespace

fs::path local_path(const url::url& u) {
  std::string host = segment_name(u.hostname());
  if (host.empty()) host = "_";
  if (const auto port = u.port()) host += ":" + std::to_string(*port);
  fs::path out = short_name(host);
  const std::string_view path = u.pathname();
  std::size_t at = path.empty() || path.front() != '/' ? 0 : 1;
  for (std::size_t slash = path.find('/', at); slash != std::string_view::npos;
       slash = path.find('/', at)) {
    const std::string_view dir = path.substr(at, slash - at);
    if (!dir.empty()) out /= short_name(segment_name(dir));
    at = slash + 1;
  }
  std::string file = url::local_file_name(u);
  if (const auto query = u.query(); query && !query->empty()) file += "?" + segment_name(*query);
  return out / short_name(std::move(file));
}

std::string relative_link(const fs::path& from, const fs::path& target) {
  std::string rel = target.lexically_relative(from.parent_path()).generic_string();
  // A first segment with ':' ("127.0.0.1:8080/...") would read as a scheme.
  if (rel.substr(0, rel.find('/')).find(':') != std::string::npos) rel.insert(0, "./");
  std::string out;
  static constexpr char hex[] = "0123456789ABCDEF";
  for (const char c : rel) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7F || c == '%' || c == '?' || c == '#' || c == '"' || c == '\'' ||
        c == '<' || c == '>' || c == '\\' || c == '`' || c == '(' || c == ')') {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

std::error_code save(const page_result& page, const fs::path& folder, const save_options& options) {
  link_map links;
  if (options.convert_links) {
    map_resource(page.document, links);
    for (const resource& r : page.images) map_resource(r, links);
  }
  if (auto ec = save_resource(page.document, folder, options, links)) return ec;
  for (const resource& r : page.images) {
    if (!saved(r)) continue;
    if (auto ec = save_resource(r, folder, options, links)) return ec;
  }
  return {};
}

}  // namespace corofetch::page
