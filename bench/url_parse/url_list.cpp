// Generates URLs like those a crawler queues: mostly https and http on ordinary domains with a
// few subdomains, some explicit ports, IPv4 and IPv6 literals, paths of words and files,
// tracking and search queries, percent-encoded bytes, a few fragments and credentials. A fixed
// PRNG (xorshift) makes the list identical on every run and machine.
#include "url_list.hpp"

#include <array>
#include <cstdint>

namespace {

class rng {
 public:
  explicit rng(unsigned seed) : state_(seed * 2654435761U + 1) {}
  std::uint32_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return static_cast<std::uint32_t>(state_ >> 32);
  }
  std::size_t below(std::size_t n) { return next() % n; }
  bool percent(unsigned p) { return next() % 100 < p; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

constexpr std::array<const char*, 40> words = {
    "news",    "blog",   "article", "index",     "products", "category", "search", "images",
    "static",  "assets", "js",      "css",       "api",      "v1",       "v2",     "users",
    "profile", "photos", "2023",    "2024",      "world",    "economy",  "sports", "tech",
    "docs",    "guide",  "help",    "shop",      "item",     "detail",   "list",   "archive",
    "media",   "video",  "wiki",    "Main_Page", "download", "release",  "about",  "contact"};
constexpr std::array<const char*, 16> subdomains = {
    "www",  "www",  "www",  "m",    "cdn",  "api", "static", "img",
    "news", "blog", "shop", "docs", "mail", "en",  "ko",     "assets"};
constexpr std::array<const char*, 24> syllables = {
    "cy",   "ber", "ko", "rea", "net", "web", "data", "cloud", "star", "moon", "tech", "soft",
    "link", "hub", "go", "ex",  "am",  "ple", "zon",  "li",    "tri",  "nova", "byte", "pix"};
constexpr std::array<const char*, 12> tlds = {"com", "com", "com", "org", "net",   "co.kr",
                                              "de",  "io",  "jp",  "fr",  "co.uk", "info"};
constexpr std::array<const char*, 6> extensions = {".html", ".php", ".png", ".jpg", ".js", ".css"};
constexpr std::array<const char*, 12> keys = {"id",         "q",   "page", "utm_source",
                                              "utm_medium", "ref", "lang", "sort",
                                              "session",    "s",   "v",    "from"};

void append_number(std::string& s, std::uint32_t n) {
  s += std::to_string(n);
}

void append_hex(std::string& s, std::uint32_t n) {
  char digits[8];
  int count = 0;
  do {
    digits[count++] = "0123456789abcdef"[n % 16];
    n /= 16;
  } while (n != 0);
  while (count > 0) s += digits[--count];
}

void append_host(rng& r, std::string& s) {
  const std::size_t kind = r.below(100);
  if (kind < 5) {  // IPv4 literal
    for (int i = 0; i < 4; ++i) {
      if (i != 0) s += '.';
      append_number(s, static_cast<std::uint32_t>(r.below(256)));
    }
    return;
  }
  if (kind < 7) {  // IPv6 literal
    s += "[2001:db8:";
    append_hex(s, static_cast<std::uint32_t>(r.below(0x10000)));
    s += "::";
    append_hex(s, static_cast<std::uint32_t>(r.below(0x10000)));
    s += ']';
    return;
  }
  if (r.percent(70)) {
    s += r.pick(subdomains);
    s += '.';
  }
  const std::size_t n = 2 + r.below(3);
  for (std::size_t i = 0; i < n; ++i) s += r.pick(syllables);
  if (r.percent(10)) {
    s += '-';
    append_number(s, static_cast<std::uint32_t>(r.below(100)));
  }
  s += '.';
  s += r.pick(tlds);
}

void append_path(rng& r, std::string& s) {
  const std::size_t segments = r.below(6);
  for (std::size_t i = 0; i < segments; ++i) {
    s += '/';
    s += r.pick(words);
    if (r.percent(15)) append_number(s, static_cast<std::uint32_t>(r.below(100000)));
    if (r.percent(4)) {
      s += "%20";
      s += r.pick(words);
    }
  }
  if (r.percent(45)) {
    s += '/';
    s += r.pick(words);
    s += r.pick(extensions);
  } else {
    s += '/';
  }
}

void append_query(rng& r, std::string& s) {
  const std::size_t params = 1 + r.below(5);
  for (std::size_t i = 0; i < params; ++i) {
    s += i == 0 ? '?' : '&';
    s += r.pick(keys);
    s += '=';
    switch (r.below(4)) {
      case 0:
        append_number(s, r.next() % 1000000);
        break;
      case 1:
        s += r.pick(words);
        s += '+';
        s += r.pick(words);
        break;
      case 2:
        for (int k = 0; k < 16; ++k) s += "0123456789abcdef"[r.below(16)];
        break;
      default:
        s += "%EC%84%9C%EC%9A%B8";
        break;
    }
  }
}

}  // namespace

std::vector<std::string> make_url_list(std::size_t count, unsigned seed) {
  rng r(seed);
  std::vector<std::string> urls;
  urls.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string s;
    const std::size_t scheme = r.below(100);
    s += scheme < 62 ? "https://" : scheme < 94 ? "http://" : scheme < 97 ? "wss://" : "ftp://";
    if (r.percent(1)) s += "user:secret@";
    append_host(r, s);
    if (r.percent(8)) {
      s += ':';
      static constexpr std::array<std::uint32_t, 5> ports = {8080, 8443, 3000, 443, 80};
      append_number(s, r.pick(ports));
    }
    append_path(r, s);
    if (r.percent(40)) append_query(r, s);
    if (r.percent(5)) {
      s += '#';
      s += r.pick(words);
    }
    urls.push_back(std::move(s));
  }
  return urls;
}
