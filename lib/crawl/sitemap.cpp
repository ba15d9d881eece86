// Sitemaps (https://www.sitemaps.org/protocol.html): XML through expat, fed in pieces, and the
// text form. Only pure parsing: the crawler fetches.
#include <corofetch/crawl/sitemap.hpp>
#include <corofetch/http/content_decoder.hpp>
#include <corofetch/http/error.hpp>
#include <corofetch/http/syntax.hpp>

#include <expat.h>

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <memory>

namespace corofetch::crawl {
namespace {

// Namespaces a <urlset> or <sitemapindex> is accepted in: the protocol's (sitemaps.org "XML tag
// definitions"), none at all, and the https spelling and Google's pre-0.9 ones still served.
constexpr std::array<std::string_view, 5> sitemap_namespaces{
    "",
    "http://www.sitemaps.org/schemas/sitemap/0.9",
    "https://www.sitemaps.org/schemas/sitemap/0.9",
    "http://www.google.com/schemas/sitemap/0.84",
    "http://www.google.com/schemas/sitemap/0.9",
};

// expat reports a namespaced name as "uri" + separator + "local"; a URI never holds a space.
constexpr char namespace_separator = ' ';
// Bytes handed to expat at a time, so its buffers stay small whatever the document's size.
constexpr std::size_t piece_size = std::size_t{64} * 1024;
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

void set_detail(std::string* detail, std::string text) {
  if (detail != nullptr) *detail = std::move(text);
}

// XML white space (XML 1.0 production S): what may surround a <loc> value.
std::string_view trim_space(std::string_view s) noexcept {
  constexpr std::string_view space = " \t\r\n";
  const std::size_t first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

bool is_gzip(std::string_view bytes) noexcept {
  // RFC 1952 2.3.1: ID1 = 31, ID2 = 139.
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

// The document after gzip decoding (bounded by max_bytes), in `storage` or a view of `bytes`.
result<std::string_view> decoded_document(std::string_view bytes, const sitemap_options& options,
                                          std::string& storage, std::string* detail) {
  if (!is_gzip(bytes)) {
    if (bytes.size() <= options.max_bytes) return bytes;
    set_detail(detail, fmt::format("sitemap is over {} bytes", options.max_bytes));
    return errc::sitemap_too_large;
  }
  http::decoder_options limits;
  limits.max_decoded_bytes = options.max_bytes;
  auto decoded = http::decode_content("gzip", bytes, limits);
  if (!decoded) {
    if (decoded.error() == http::errc::decoded_too_large) {
      set_detail(detail,
                 fmt::format("sitemap is over {} bytes after gzip decoding", options.max_bytes));
      return errc::sitemap_too_large;
    }
    set_detail(detail, "gzip: " + decoded.error().message());
    return errc::invalid_sitemap;
  }
  storage = std::move(*decoded);
  return std::string_view(storage);
}

// sitemaps.org "Sitemap file location": the sitemap's directory on the same scheme, host, port.
bool within_location(const url::url& u, const url::url& sitemap_url) {
  const std::string_view path = sitemap_url.pathname();
  const std::string_view directory = path.substr(0, path.rfind('/') + 1);
  return u.origin() == sitemap_url.origin() && u.pathname().starts_with(directory);
}

// A <loc> (or a text line) as a URL to keep; nullopt when the entry is to be skipped.
std::optional<url::url> accepted_loc(std::string_view text, const url::url& sitemap_url,
                                     const sitemap_options& options) {
  text = trim_space(text);
  // sitemaps.org: "This URL must begin with the protocol": relative references are not
  // resolved against the sitemap but skipped, as the protocol makes them invalid.
  if (text.empty() || text.size() > options.max_url_length) return std::nullopt;
  auto parsed = url::parse(text);
  if (!parsed) return std::nullopt;
  if (parsed->scheme() != "http" && parsed->scheme() != "https") return std::nullopt;
  if (options.same_location_only && !within_location(*parsed, sitemap_url)) return std::nullopt;
  return std::move(*parsed);
}

std::optional<change_frequency> parse_changefreq(std::string_view text) noexcept {
  constexpr std::array<std::pair<std::string_view, change_frequency>, 7> names{{
      {"always", change_frequency::always},
      {"hourly", change_frequency::hourly},
      {"daily", change_frequency::daily},
      {"weekly", change_frequency::weekly},
      {"monthly", change_frequency::monthly},
      {"yearly", change_frequency::yearly},
      {"never", change_frequency::never},
  }};
  text = trim_space(text);
  for (const auto& [name, value] : names) {
    if (http::iequals(text, name)) return value;
  }
  return std::nullopt;
}

std::optional<double> parse_priority(std::string_view text) noexcept {
  text = trim_space(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value) || value < 0.0 || value > 1.0) return std::nullopt;
  return value;
}

// The fields of one <url> or <sitemap> as written; the first of each kind wins.
struct raw_entry {
  enum field : std::uint8_t { loc, lastmod, changefreq, priority, none };
  std::array<std::string, 4> text;
  std::array<bool, 4> seen{};

  void clear() {
    for (auto& t : text) t.clear();
    seen.fill(false);
  }
};

// The field an element of an entry holds (sitemaps.org "XML tag definitions"); an index's
// <sitemap> has only loc and lastmod.
raw_entry::field field_named(std::string_view local, bool index) noexcept {
  if (local == "loc") return raw_entry::loc;
  if (local == "lastmod") return raw_entry::lastmod;
  if (index) return raw_entry::none;
  if (local == "changefreq") return raw_entry::changefreq;
  if (local == "priority") return raw_entry::priority;
  return raw_entry::none;
}

// The element handlers' state. The document is a tree of depth 3 that matters: the root (1),
// its entries (2) and their fields (3); anything deeper or in another namespace is ignored.
class xml_reader {
 public:
  xml_reader(const url::url& sitemap_url, const sitemap_options& options)
      : parser_(XML_ParserCreateNS(nullptr, namespace_separator), &XML_ParserFree),
        sitemap_url_(sitemap_url),
        options_(options) {}

  result<sitemap> parse(std::string_view document, std::string* detail);

 private:
  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** attributes);
  static void XMLCALL on_end(void* self, const XML_Char* name);
  static void XMLCALL on_text(void* self, const XML_Char* text, int length);
  static void XMLCALL on_entity_declaration(void* self, const XML_Char* name, int parameter,
                                            const XML_Char* value, int length, const XML_Char* base,
                                            const XML_Char* system_id, const XML_Char* public_id,
                                            const XML_Char* notation);
  static void XMLCALL on_skipped_entity(void* self, const XML_Char* name, int parameter);

  void configure();
  void start(std::string_view name);
  void start_root(std::string_view ns, std::string_view local);
  void end();
  void finish_entry();
  void fail(errc code, const std::string& why);
  [[nodiscard]] std::string position() const;

  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser_;
  const url::url& sitemap_url_;
  const sitemap_options& options_;
  sitemap result_;
  std::string namespace_;  // the root's: entries and fields must share it
  std::size_t depth_ = 0;
  std::size_t counted_ = 0;  // entries seen, skipped ones included
  bool in_entry_ = false;
  raw_entry::field field_ = raw_entry::none;
  raw_entry entry_;
  errc error_ = errc::invalid_sitemap;
  std::string error_detail_;
  bool failed_ = false;
};

void xml_reader::configure() {
  XML_Parser p = parser_.get();
  XML_SetUserData(p, this);
  XML_SetElementHandler(p, &on_start, &on_end);
  XML_SetCharacterDataHandler(p, &on_text);
  // Entity declarations are refused outright: a sitemap never needs one, and refusing them
  // stops billion-laughs and quadratic-blowup documents before any expansion, whatever expat's
  // own amplification limits. No external entity handler is set and parameter entities are
  // never parsed, so expat reads nothing but `document`.
  XML_SetEntityDeclHandler(p, &on_entity_declaration);
  XML_SetSkippedEntityHandler(p, &on_skipped_entity);
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
}

result<sitemap> xml_reader::parse(std::string_view document, std::string* detail) {
  if (!parser_) {
    set_detail(detail, "out of memory creating the XML parser");
    return errc::invalid_sitemap;
  }
  configure();
  bool last = false;
  while (!last) {
    const std::string_view piece = document.substr(0, piece_size);
    document.remove_prefix(piece.size());
    last = document.empty();
    const auto status = XML_Parse(parser_.get(), piece.data(), static_cast<int>(piece.size()),
                                  last ? XML_TRUE : XML_FALSE);
    if (failed_) {
      set_detail(detail, std::move(error_detail_));
      return error_;
    }
    if (status != XML_STATUS_OK) {
      set_detail(detail, position() + XML_ErrorString(XML_GetErrorCode(parser_.get())));
      return errc::invalid_sitemap;
    }
  }
  return std::move(result_);
}

std::string xml_reader::position() const {
  // expat counts columns from 0; editors and people from 1.
  return fmt::format("line {}, column {}: ", XML_GetCurrentLineNumber(parser_.get()),
                     XML_GetCurrentColumnNumber(parser_.get()) + 1);
}

void xml_reader::fail(errc code, const std::string& why) {
  if (failed_) return;
  failed_ = true;
  error_ = code;
  error_detail_ = position() + why;
  XML_StopParser(parser_.get(), XML_FALSE);
}

void XMLCALL xml_reader::on_start(void* self, const XML_Char* name, const XML_Char** /*attrs*/) {
  static_cast<xml_reader*>(self)->start(name);
}

void XMLCALL xml_reader::on_end(void* self, const XML_Char* /*name*/) {
  static_cast<xml_reader*>(self)->end();
}

void XMLCALL xml_reader::on_text(void* self, const XML_Char* text, int length) {
  auto& r = *static_cast<xml_reader*>(self);
  // Character data of the field element itself (entities and CDATA already resolved by expat),
  // not of elements nested in it.
  if (r.field_ != raw_entry::none && r.depth_ == 3) {
    r.entry_.text[r.field_].append(text, static_cast<std::size_t>(length));
  }
}

void XMLCALL xml_reader::on_entity_declaration(void* self, const XML_Char* name, int /*param*/,
                                               const XML_Char* /*value*/, int /*length*/,
                                               const XML_Char* /*base*/,
                                               const XML_Char* /*system_id*/,
                                               const XML_Char* /*public_id*/,
                                               const XML_Char* /*notation*/) {
  static_cast<xml_reader*>(self)->fail(
      errc::invalid_sitemap,
      fmt::format("entity declaration '{}' refused (sitemaps need no DTD entities)", name));
}

void XMLCALL xml_reader::on_skipped_entity(void* self, const XML_Char* name, int /*param*/) {
  // Only reached for an entity expat could not resolve (declared in an external subset it was
  // not allowed to read): its text would be silently missing from a URL.
  static_cast<xml_reader*>(self)->fail(errc::invalid_sitemap,
                                       fmt::format("reference to undeclared entity '{}'", name));
}

void xml_reader::start(std::string_view name) {
  ++depth_;
  const std::size_t split = name.find(namespace_separator);
  const std::string_view ns = split == std::string_view::npos ? "" : name.substr(0, split);
  const std::string_view local = split == std::string_view::npos ? name : name.substr(split + 1);
  if (depth_ == 1) {
    start_root(ns, local);
    return;
  }
  if (ns != namespace_) return;
  const bool index = result_.kind == sitemap_kind::index;
  if (depth_ == 2 && local == (index ? "sitemap" : "url")) {
    in_entry_ = true;
    entry_.clear();
  } else if (depth_ == 3 && in_entry_) {
    field_ = field_named(local, index);
    if (field_ == raw_entry::none) return;
    if (entry_.seen[field_]) {
      field_ = raw_entry::none;  // a repeated field: the first one counts
    } else {
      entry_.seen[field_] = true;
    }
  }
}

void xml_reader::start_root(std::string_view ns, std::string_view local) {
  if (local == "urlset") {
    result_.kind = sitemap_kind::urlset;
  } else if (local == "sitemapindex") {
    result_.kind = sitemap_kind::index;
  } else {
    fail(errc::invalid_sitemap,
         fmt::format("root element <{}> is not <urlset> or <sitemapindex>", local));
    return;
  }
  if (std::find(sitemap_namespaces.begin(), sitemap_namespaces.end(), ns) ==
      sitemap_namespaces.end()) {
    fail(errc::invalid_sitemap,
         fmt::format("root element <{}> in the foreign namespace '{}'", local, ns));
    return;
  }
  namespace_ = ns;
}

void xml_reader::end() {
  if (depth_ == 3) field_ = raw_entry::none;
  if (depth_ == 2 && in_entry_) {
    in_entry_ = false;
    finish_entry();
  }
  --depth_;
}

void xml_reader::finish_entry() {
  if (++counted_ > options_.max_urls) {
    fail(errc::sitemap_too_large, fmt::format("more than {} entries", options_.max_urls));
    return;
  }
  auto loc = accepted_loc(entry_.text[raw_entry::loc], sitemap_url_, options_);
  if (!loc) {
    ++result_.skipped;
    return;
  }
  sitemap_entry entry{std::move(*loc), std::string(trim_space(entry_.text[raw_entry::lastmod])),
                      std::nullopt, std::nullopt, std::nullopt};
  entry.lastmod_time = parse_w3c_datetime(entry.lastmod);
  if (entry_.seen[raw_entry::changefreq]) {
    entry.changefreq = parse_changefreq(entry_.text[raw_entry::changefreq]);
  }
  if (entry_.seen[raw_entry::priority]) {
    entry.priority = parse_priority(entry_.text[raw_entry::priority]);
  }
  result_.entries.push_back(std::move(entry));
}

result<sitemap> parse_text_document(std::string_view document, const url::url& sitemap_url,
                                    const sitemap_options& options, std::string* detail) {
  if (document.starts_with(utf8_bom)) document.remove_prefix(utf8_bom.size());
  sitemap result;
  std::size_t counted = 0;
  std::size_t line_number = 0;
  while (!document.empty()) {
    const std::size_t newline = document.find('\n');
    const std::string_view line = trim_space(document.substr(0, newline));
    document.remove_prefix(newline == std::string_view::npos ? document.size() : newline + 1);
    ++line_number;
    if (line.empty()) continue;
    if (++counted > options.max_urls) {
      set_detail(detail, fmt::format("line {}: more than {} URLs", line_number, options.max_urls));
      return errc::sitemap_too_large;
    }
    if (auto loc = accepted_loc(line, sitemap_url, options)) {
      result.entries.push_back({std::move(*loc), {}, std::nullopt, std::nullopt, std::nullopt});
    } else {
      ++result.skipped;
    }
  }
  return result;
}

bool looks_like_xml(std::string_view document) noexcept {
  // A UTF-16 byte order mark: only XML comes in UTF-16 (text sitemaps are UTF-8).
  if (document.starts_with("\xFF\xFE") || document.starts_with("\xFE\xFF")) return true;
  if (document.starts_with(utf8_bom)) document.remove_prefix(utf8_bom.size());
  document = trim_space(document);
  return document.starts_with('<');
}

// Reads `n` decimal digits at `pos`.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) noexcept {
  if (s.size() - pos < n) return false;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += n;
  out = value;
  return true;
}

bool read_char(std::string_view s, std::size_t& pos, char c) noexcept {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// The "Thh:mm[:ss[.s+]]TZD" part of a W3C Datetime, as seconds after midnight UTC.
std::optional<std::chrono::seconds> parse_w3c_time(std::string_view s, std::size_t pos) noexcept {
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!read_char(s, pos, 'T') || !read_digits(s, pos, 2, hour) || !read_char(s, pos, ':') ||
      !read_digits(s, pos, 2, minute)) {
    return std::nullopt;
  }
  if (read_char(s, pos, ':')) {
    if (!read_digits(s, pos, 2, second)) return std::nullopt;
    if (read_char(s, pos, '.')) {
      const std::size_t fraction = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == fraction) return std::nullopt;
    }
  }
  int offset_minutes = 0;
  if (!read_char(s, pos, 'Z')) {
    const bool minus = pos < s.size() && s[pos] == '-';
    int offset_hour = 0;
    int offset_minute = 0;
    if (!(read_char(s, pos, '+') || read_char(s, pos, '-')) ||
        !read_digits(s, pos, 2, offset_hour) || !read_char(s, pos, ':') ||
        !read_digits(s, pos, 2, offset_minute) || offset_hour > 23 || offset_minute > 59) {
      return std::nullopt;
    }
    offset_minutes = (minus ? -1 : 1) * (offset_hour * 60 + offset_minute);
  }
  // A leap second (ss = 60) is accepted as ISO 8601 allows it.
  if (pos != s.size() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return std::chrono::hours(hour) + std::chrono::minutes(minute - offset_minutes) +
         std::chrono::seconds(second);
}

}  // namespace

std::optional<std::chrono::sys_seconds> parse_w3c_datetime(std::string_view text) noexcept {
  using namespace std::chrono;
  std::size_t pos = 0;
  int y = 0;
  int m = 1;
  int d = 1;
  if (!read_digits(text, pos, 4, y)) return std::nullopt;
  // YYYY, YYYY-MM and YYYY-MM-DD stop early; a time needs the full date.
  if (pos < text.size() && (!read_char(text, pos, '-') || !read_digits(text, pos, 2, m))) {
    return std::nullopt;
  }
  if (pos < text.size() && (!read_char(text, pos, '-') || !read_digits(text, pos, 2, d))) {
    return std::nullopt;
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(m)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  if (pos == text.size()) return sys_seconds(sys_days(date));
  if (pos != 10) return std::nullopt;
  const auto time = parse_w3c_time(text, pos);
  if (!time) return std::nullopt;
  return sys_seconds(sys_days(date)) + *time;
}

result<sitemap> parse_sitemap(std::string_view bytes, const url::url& sitemap_url,
                              const sitemap_options& options, std::string* detail) {
  std::string storage;
  auto document = decoded_document(bytes, options, storage, detail);
  if (!document) return document.error();
  return xml_reader(sitemap_url, options).parse(*document, detail);
}

result<sitemap> parse_text_sitemap(std::string_view bytes, const url::url& sitemap_url,
                                   const sitemap_options& options, std::string* detail) {
  std::string storage;
  auto document = decoded_document(bytes, options, storage, detail);
  if (!document) return document.error();
  return parse_text_document(*document, sitemap_url, options, detail);
}

result<sitemap> parse_any_sitemap(std::string_view bytes, const url::url& sitemap_url,
                                  const sitemap_options& options, std::string* detail) {
  std::string storage;
  auto document = decoded_document(bytes, options, storage, detail);
  if (!document) return document.error();
  if (looks_like_xml(*document)) {
    return xml_reader(sitemap_url, options).parse(*document, detail);
  }
  return parse_text_document(*document, sitemap_url, options, detail);
}

}  // namespace corofetch::crawl
