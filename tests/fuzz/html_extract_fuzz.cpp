// libFuzzer target for the html module: any bytes are extracted from without a crash, under the
// default options and under every option switched on; every image is an absolute http, https
// or data: URL (inline_data exactly for data:) that reparses to itself; the bounds hold; and a
// second extraction gives the same result. The input is also parsed as a srcset attribute,
// whose candidates must be views of it without whitespace. Aborts otherwise.
#include <corofetch/html/images.hpp>
#include <corofetch/html/srcset.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using corofetch::html::extract_options;
using corofetch::html::extraction;

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

void run(std::string_view input, const extract_options& options) {
  static const auto document = corofetch::url::parse("https://fuzz.example/dir/page.html?q#f");
  const auto first = corofetch::html::extract_images(input, document.value(), options);
  const auto second = corofetch::html::extract_images(input, document.value(), options);
  if (first.has_value() != second.has_value()) fail("second run differs in success");
  if (!first) {
    if (first.error() != second.error()) fail("second run differs in error");
    return;
  }
  check(*first, options);
  if (fingerprint(*first) != fingerprint(*second)) fail("second run differs");
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

  check_srcset(input);
  return 0;
}
