// libFuzzer target for the css module. Any bytes are tokenized without a crash, and the tokens
// hold together: each starts where the previous one ended or after comments only, their ranges
// stay inside the input, every value is valid UTF-8, the pull API and tokenize() agree, and a
// token that views the input views its own bytes. extract_css_references runs on the same input
// as a stylesheet and as a style attribute: items are absolute http, https or data: URLs
// within their token's range, the bounds hold, a second run gives the same result; rewriting
// every reference to its own text and extracting again gives the same references. Aborts
// otherwise.
#include <corofetch/css/references.hpp>
#include <corofetch/css/rewrite.hpp>
#include <corofetch/css/tokenizer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

using corofetch::css::reference_options;
using corofetch::css::references;
using corofetch::css::token;
using corofetch::css::token_type;

[[noreturn]] void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "css_tokenize_fuzz: %s <%.*s>\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned lower = 0x80;
    unsigned upper = 0xBF;
    if (b < 0x80) {
      n = 0;
    } else if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      lower = b == 0xE0 ? 0xA0 : 0x80;
      upper = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      lower = b == 0xF0 ? 0x90 : 0x80;
      upper = b == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < lower || c > upper) return false;
      lower = 0x80;
      upper = 0xBF;
    }
    i += n + 1;
  }
  return true;
}

// Only comments between two tokens.
bool only_comments(std::string_view gap) {
  while (!gap.empty()) {
    if (!gap.starts_with("/*")) return false;
    const std::size_t close = gap.find("*/", 2);
    if (close == std::string_view::npos) return true;
    gap.remove_prefix(close + 2);
  }
  return true;
}

void check_token(std::string_view input, const token& t, std::size_t previous_end) {
  if (t.begin < previous_end || t.end < t.begin || t.end > input.size()) fail("token range");
  if (!only_comments(input.substr(previous_end, t.begin - previous_end))) fail("gap not comment");
  if (t.type != token_type::eof && t.end == t.begin) fail("empty token");
  if (!valid_utf8(t.value)) fail("value not UTF-8", t.value);
  const char* data = t.value.data();
  if (!t.value.empty() && data >= input.data() && data < input.data() + input.size() &&
      (data < input.data() + t.begin || data + t.value.size() > input.data() + t.end)) {
    fail("value views bytes outside its token");
  }
}

void check_tokens(std::string_view input) {
  auto reader = corofetch::css::tokenizer::create(input);
  auto list = corofetch::css::tokenize(input);
  if (!reader || !list) fail("tokenizer refused an input within bounds");
  std::size_t previous_end = 0;
  std::size_t count = 0;
  for (token t = reader->next_token();; t = reader->next_token()) {
    check_token(input, t, previous_end);
    previous_end = t.end;
    if (t.type == token_type::eof) break;
    if (count >= list->size()) fail("tokenize() has fewer tokens");
    const token& same = (*list)[count++];
    if (same.type != t.type || same.begin != t.begin || same.end != t.end ||
        same.value != t.value || same.hash != t.hash || same.numeric != t.numeric) {
      fail("tokenize() differs from next_token()", t.value);
    }
  }
  if (count != list->size()) fail("tokenize() has more tokens");
  if (!only_comments(input.substr(previous_end))) fail("input left after eof");
}

const corofetch::url::url& base_url() {
  static const auto base = corofetch::url::parse("https://fuzz.example/css/site.css?q#f");
  return base.value();
}

std::string fingerprint(const references& r) {
  std::string out = r.truncated ? "T" : "-";
  for (const auto& item : r.items) {
    out.append("\n").append(item.location.href()).append(" ").append(to_string(item.kind));
    out.append(" ").append(item.property).append(" ").append(item.condition).append(" ");
    out.append(item.text);
  }
  for (const auto& s : r.skipped) {
    out.append("\nskip ").append(to_string(s.reason)).append(" ").append(s.text);
  }
  return out;
}

void check_references(std::string_view input, const references& r, const reference_options& o) {
  if (r.items.size() > o.max_references || r.skipped.size() > o.max_skipped) fail("bounds");
  std::size_t previous_end = 0;
  for (const auto& item : r.items) {
    const std::string_view scheme = item.location.scheme();
    const bool data = scheme == "data";
    if (!data && scheme != "http" && scheme != "https") fail("scheme", item.text);
    if (item.inline_data != data) fail("inline_data flag", item.text);
    if (item.begin < previous_end || item.end > input.size() || item.begin >= item.end) {
      fail("reference range", item.text);
    }
    previous_end = item.end;
    const auto again = corofetch::url::parse(item.location.href());
    if (!again || again->href() != item.location.href()) fail("not absolute", item.text);
  }
}

std::optional<references> run(std::string_view input, const reference_options& options) {
  auto first = corofetch::css::extract_css_references(input, base_url(), options);
  const auto second = corofetch::css::extract_css_references(input, base_url(), options);
  if (first.has_value() != second.has_value()) fail("second run differs in success");
  if (!first) {
    if (first.error() != corofetch::css::errc::nesting_too_deep) fail("unexpected error");
    return std::nullopt;
  }
  check_references(input, *first, options);
  if (fingerprint(*first) != fingerprint(*second)) fail("second run differs");
  return std::move(*first);
}

// Rewriting every reference to its own text changes the syntax (url(x) becomes url("x")) but
// not what the stylesheet names.
void check_rewrite(std::string_view input, const references& r, const reference_options& o) {
  if (r.truncated) return;
  const std::string same = corofetch::css::rewrite_css(
      input, r.items,
      [](const corofetch::css::reference& ref) { return std::optional<std::string>(ref.text); });
  const auto again = corofetch::css::extract_css_references(same, base_url(), o);
  // url(x) becomes a function around a string: one level deeper, which may be one too many.
  if (!again && again.error() == corofetch::css::errc::nesting_too_deep) return;
  if (!again) fail("rewritten stylesheet fails");
  if (again->items.size() != r.items.size()) fail("rewrite changed the reference count", same);
  for (std::size_t i = 0; i < r.items.size(); ++i) {
    const auto& a = r.items[i];
    const auto& b = again->items[i];
    if (a.location.href() != b.location.href() || a.kind != b.kind || a.property != b.property) {
      fail("rewrite changed a reference", same);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_tokens(input);

  for (const auto source :
       {corofetch::css::source_kind::stylesheet, corofetch::css::source_kind::style_attribute}) {
    reference_options options;
    options.source = source;
    if (const auto r = run(input, options)) check_rewrite(input, *r, options);
  }
  reference_options tight;
  tight.max_references = 2;
  tight.max_skipped = 1;
  tight.max_nesting_depth = 8;
  tight.include_data_urls = false;
  (void)run(input, tight);
  return 0;
}
