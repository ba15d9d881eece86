// libFuzzer target for the html module: any bytes are extracted from without a crash, under the
// default options and under every option switched on; every image is an absolute http, https
// or data: URL (inline_data exactly for data:) that reparses to itself; the bounds hold; and a
// second extraction gives the same result. extract_references runs on the same input: every
// item is of a kind asked for, absolute, http or https (data: only when reported), with the
// fields its kind allows; its images are exactly extract_images' (every candidate, no merging);
// asking for hyperlinks and frames only gives the all-kinds result filtered; a second run gives
// the same result. The input is also parsed as a srcset attribute, whose candidates must be
// views of it without whitespace. Aborts otherwise.
#include <corofetch/html/images.hpp>
#include <corofetch/html/references.hpp>
#include <corofetch/html/srcset.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using corofetch::html::extract_options;
using corofetch::html::extraction;
using corofetch::html::reference;
using corofetch::html::reference_kind;
using corofetch::html::reference_kinds;
using corofetch::html::reference_options;
using corofetch::html::references;

[[noreturn]] void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "html_extract_fuzz: %s <%.*s>\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// Everything a caller can observe, as one string, to compare two runs.
std::string fingerprint(const extraction& e) {
  std::string out;
  out.append(e.base.href()).append("|").append(e.title).append("|").append(e.declared_charset);
  out += e.truncated ? "|T" : "|F";
  for (const auto& im : e.images) {
    out.append("\n").append(im.location.href()).append(" ").append(im.reference);
    out.append(" ").append(to_string(im.source)).append(im.inline_data ? " D" : " N");
    out.append(" ").append(std::to_string(im.occurrences));
    out.append(" ").append(std::to_string(im.width.value_or(0xFFFFFFFF)));
    out.append(" ").append(std::to_string(im.height.value_or(0xFFFFFFFF)));
    out.append(" ").append(std::to_string(im.width_descriptor.value_or(0)));
    out.append(" ").append(std::to_string(im.density_descriptor.value_or(-1.0)));
    out.append(" ").append(im.alt.value_or("<none>")).append(" ").append(im.type);
    out.append(" ").append(im.media);
  }
  for (const auto& s : e.skipped) {
    out.append("\nskip ").append(s.reference).append(" ").append(to_string(s.source));
    out.append(" ").append(to_string(s.reason)).append(" ").append(std::to_string(s.error.value()));
  }
  return out;
}

void check(const extraction& e, const extract_options& options) {
  if (e.images.size() > options.max_images || e.skipped.size() > options.max_skipped) {
    fail("bounds exceeded");
  }
  for (const auto& im : e.images) {
    const std::string_view scheme = im.location.scheme();
    const bool data = scheme == "data";
    if (!data && scheme != "http" && scheme != "https") fail("image scheme", im.location.href());
    if (im.inline_data != data) fail("inline_data flag", im.location.href());
    if (data && options.data_urls == corofetch::html::data_url_policy::skip) fail("data kept");
    if (im.occurrences == 0 || (!options.merge_duplicates && im.occurrences != 1)) {
      fail("occurrences", im.location.href());
    }
    const auto again = corofetch::url::parse(im.location.href());
    if (!again || again->href() != im.location.href()) fail("not absolute", im.location.href());
    if (im.reference.empty()) fail("empty reference kept");
  }
  for (const auto& s : e.skipped) {
    if ((s.reason == corofetch::html::skip_reason::unparsable_url) != static_cast<bool>(s.error)) {
      fail("skip error", s.reference);
    }
  }
}

const corofetch::url::url& document_url();

void run(std::string_view input, const extract_options& options) {
  const auto first = corofetch::html::extract_images(input, document_url(), options);
  const auto second = corofetch::html::extract_images(input, document_url(), options);
  if (first.has_value() != second.has_value()) fail("second run differs in success");
  if (!first) {
    if (first.error() != second.error()) fail("second run differs in error");
    return;
  }
  check(*first, options);
  if (fingerprint(*first) != fingerprint(*second)) fail("second run differs");
}

const corofetch::url::url& document_url() {
  static const auto document = corofetch::url::parse("https://fuzz.example/dir/page.html?q#f");
  return document.value();
}

std::string fingerprint(const reference& r) {
  std::string out(r.location.href());
  out.append(" ").append(r.text).append(" ").append(to_string(r.kind));
  out.append(" ").append(r.image ? to_string(*r.image) : "-").append(" ").append(r.as);
  out.append(" ").append(r.type).append(" ").append(r.media);
  out += r.nofollow ? " F" : " -";
  out += r.module ? "M" : "-";
  out += r.inline_data ? "D" : "-";
  for (int k = 0; k <= static_cast<int>(reference_kind::object); ++k) {
    out += r.rel.contains(static_cast<reference_kind>(k)) ? '1' : '0';
  }
  return out;
}

std::string fingerprint(const references& r, reference_kinds kinds = reference_kinds::all()) {
  std::string out;
  out.append(r.base.href()).append("|").append(r.title);
  out += r.noindex ? "|I" : "|-";
  out += r.nofollow ? "F" : "-";
  for (const auto& item : r.items) {
    if (kinds.contains(item.kind)) out.append("\n").append(fingerprint(item));
  }
  for (const auto& s : r.skipped) {
    if (!kinds.contains(s.kind)) continue;
    out.append("\nskip ").append(s.text).append(" ").append(to_string(s.kind));
    out.append(" ").append(to_string(s.reason)).append(" ").append(std::to_string(s.error.value()));
  }
  return out;
}

bool is_link_kind(reference_kind k) noexcept {
  return k != reference_kind::hyperlink && k != reference_kind::frame &&
         k != reference_kind::script && k != reference_kind::image && k != reference_kind::media &&
         k != reference_kind::track && k != reference_kind::embed && k != reference_kind::object;
}

// The fields a reference of each kind may have.
void check_fields(const reference& r) {
  using corofetch::html::image_source;
  const reference_kind k = r.kind;
  if (k == reference_kind::image && !r.image) fail("image without source", r.text);
  if (k == reference_kind::icon && r.image != image_source::link_icon) fail("icon source");
  if (k == reference_kind::preload && r.image && *r.image != image_source::link_preload &&
      *r.image != image_source::link_preload_srcset) {
    fail("preload source", r.text);
  }
  if (r.image && k != reference_kind::image && k != reference_kind::icon &&
      k != reference_kind::preload) {
    fail("image source on another kind", r.text);
  }
  if (r.nofollow && k != reference_kind::hyperlink) fail("nofollow on a non-hyperlink");
  if (r.module && k != reference_kind::script) fail("module on a non-script");
  if (!r.as.empty() && k != reference_kind::preload) fail("as on a non-preload");
  for (const char c : r.as) {
    if (c >= 'A' && c <= 'Z') fail("as not lowercased", r.as);
  }
  if (is_link_kind(k) ? !r.rel.contains(k) : !r.rel.empty()) fail("rel", r.text);
}

void check(const references& r, const reference_options& options) {
  if (r.items.size() > options.max_references || r.skipped.size() > options.max_skipped) {
    fail("reference bounds exceeded");
  }
  for (const auto& item : r.items) {
    if (!options.kinds.contains(item.kind)) fail("kind not asked for", item.text);
    const std::string_view scheme = item.location.scheme();
    const bool data = scheme == "data";
    if (!data && scheme != "http" && scheme != "https") fail("reference scheme", item.text);
    if (item.inline_data != data) fail("reference inline_data flag", item.text);
    if (data && options.data_urls == corofetch::html::data_url_policy::skip) fail("data kept");
    const auto again = corofetch::url::parse(item.location.href());
    if (!again || again->href() != item.location.href()) fail("not absolute", item.text);
    if (item.text.empty()) fail("empty reference kept");
    check_fields(item);
  }
  for (const auto& s : r.skipped) {
    if (!options.kinds.contains(s.kind)) fail("skipped kind not asked for", s.text);
    if ((s.reason == corofetch::html::skip_reason::unparsable_url) != static_cast<bool>(s.error)) {
      fail("reference skip error", s.text);
    }
  }
}

// Runs extract_references twice; returns the result when it succeeded.
std::optional<references> run_references(std::string_view input, const reference_options& options) {
  auto first = corofetch::html::extract_references(input, document_url(), options);
  const auto second = corofetch::html::extract_references(input, document_url(), options);
  if (first.has_value() != second.has_value()) fail("second run differs in success");
  if (!first) {
    if (first.error() != second.error()) fail("second run differs in error");
    return std::nullopt;
  }
  check(*first, options);
  if (fingerprint(*first) != fingerprint(*second)) fail("second reference run differs");
  return std::move(*first);
}

// The images extract_references reports are extract_images' with every candidate and no
// merging: same order, same sources, same URLs; the same skipped images too.
void compare_images(std::string_view input, const references& r, const reference_options& ro) {
  extract_options options;
  options.merge_duplicates = false;
  options.data_urls = ro.data_urls;
  options.lazy_attributes = ro.lazy_attributes;
  options.include_noscript = ro.include_noscript;
  options.include_template = ro.include_template;
  options.max_input_bytes = ro.max_input_bytes;
  options.max_nesting_depth = ro.max_nesting_depth;
  const auto e = corofetch::html::extract_images(input, document_url(), options);
  if (!e) fail("extract_images failed where extract_references did not");
  if (e->truncated || r.truncated) return;
  std::vector<std::string> mine;
  std::vector<std::string> theirs;
  for (const auto& item : r.items) {
    if (item.image)
      mine.push_back(std::string(to_string(*item.image)) + " " + std::string(item.location.href()));
  }
  for (const auto& im : e->images) {
    theirs.push_back(std::string(to_string(im.source)) + " " + std::string(im.location.href()));
  }
  for (const auto& s : r.skipped) {
    if (s.image) mine.push_back("skip " + std::string(to_string(s.reason)) + " " + s.text);
  }
  for (const auto& s : e->skipped) {
    theirs.push_back("skip " + std::string(to_string(s.reason)) + " " + s.reference);
  }
  if (mine != theirs) fail("images differ from extract_images");
}

void references_checks(std::string_view input) {
  const reference_options defaults;
  const auto all = run_references(input, defaults);

  reference_options crawl;
  crawl.kinds = reference_kinds::crawl();
  const auto links = run_references(input, crawl);
  if (all.has_value() != links.has_value()) fail("kinds change success");
  if (all && !all->truncated && !links->truncated &&
      fingerprint(*all, crawl.kinds) != fingerprint(*links)) {
    fail("crawl kinds differ from all kinds filtered");
  }
  if (all) compare_images(input, *all, defaults);

  reference_options everything;
  everything.data_urls = corofetch::html::data_url_policy::report;
  everything.lazy_attributes = true;
  everything.include_noscript = true;
  everything.include_template = true;
  everything.robots_name = "fuzzbot";
  if (const auto r = run_references(input, everything)) compare_images(input, *r, everything);

  reference_options tight;
  tight.max_references = 3;
  tight.max_skipped = 2;
  tight.max_nesting_depth = 64;
  (void)run_references(input, tight);
}

void check_srcset(std::string_view input) {
  const auto parsed = corofetch::html::parse_srcset(input);
  const char* begin = input.data();
  const char* end = input.data() + input.size();
  for (const auto& c : parsed.candidates) {
    if (c.url.empty() || c.url.data() < begin || c.url.data() + c.url.size() > end) {
      fail("srcset candidate outside the input");
    }
    if (c.url.find_first_of(" \t\n\f\r") != std::string_view::npos || c.url.back() == ',') {
      fail("srcset URL with whitespace or trailing comma", c.url);
    }
    if ((c.width && c.density) || (c.height && !c.width) || (c.width && *c.width == 0) ||
        (c.density && !(*c.density >= 0))) {
      fail("srcset descriptors", c.url);
    }
  }
  const auto pick = corofetch::html::select_candidate(parsed.candidates, 2.0, 640, "src.png");
  if (pick && *pick > parsed.candidates.size()) fail("select_candidate out of range");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  run(input, extract_options{});

  extract_options everything;
  everything.srcset = corofetch::html::srcset_policy::browser_choice;
  everything.device_pixel_ratio = 2;
  everything.viewport_width = 375;
  everything.lazy_attributes = true;
  everything.include_noscript = true;
  everything.include_template = true;
  run(input, everything);

  extract_options tight;
  tight.merge_duplicates = false;
  tight.data_urls = corofetch::html::data_url_policy::skip;
  tight.max_images = 3;
  tight.max_skipped = 2;
  tight.max_nesting_depth = 64;
  run(input, tight);

  references_checks(input);
  check_srcset(input);
  return 0;
}
