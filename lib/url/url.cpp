// The url class's accessors over href_ and its offsets, the origin, and the helpers that are
// not part of parsing (default_port, local_file_name, fingerprint).
#include <corofetch/url/url.hpp>

#include "url/chars.hpp"

namespace corofetch::url {

std::uint32_t url::path_end() const noexcept {
  if (query_begin_ != npos) return query_begin_;
  if (fragment_begin_ != npos) return fragment_begin_;
  return static_cast<std::uint32_t>(href_.size());
}

std::string_view url::scheme() const noexcept {
  return std::string_view(href_).substr(0, scheme_end_);
}

std::string_view url::username() const noexcept {
  return std::string_view(href_).substr(username_begin_, username_end_ - username_begin_);
}

std::string_view url::password() const noexcept {
  // "user:pass@": username_end_ is the ':' and host_begin_ - 1 the '@'.
  if (host_begin_ <= username_end_ + 1 || href_[username_end_] != ':') return {};
  return std::string_view(href_).substr(username_end_ + 1, host_begin_ - 1 - (username_end_ + 1));
}

std::string_view url::hostname() const noexcept {
  return std::string_view(href_).substr(host_begin_, host_end_ - host_begin_);
}

std::string_view url::host() const noexcept {
  if (host_kind_ == host_kind::none) return {};
  return std::string_view(href_).substr(host_begin_, path_begin_ - host_begin_);
}

std::optional<std::uint16_t> url::port() const noexcept {
  if (port_ < 0) return std::nullopt;
  return static_cast<std::uint16_t>(port_);
}

std::optional<std::uint16_t> url::effective_port() const noexcept {
  if (port_ >= 0) return static_cast<std::uint16_t>(port_);
  return default_port(scheme());
}

std::string_view url::pathname() const noexcept {
  return std::string_view(href_).substr(path_begin_, path_end() - path_begin_);
}

std::optional<std::string_view> url::query() const noexcept {
  if (query_begin_ == npos) return std::nullopt;
  const std::uint32_t end =
      fragment_begin_ != npos ? fragment_begin_ : static_cast<std::uint32_t>(href_.size());
  return std::string_view(href_).substr(query_begin_ + 1, end - query_begin_ - 1);
}

std::optional<std::string_view> url::fragment() const noexcept {
  if (fragment_begin_ == npos) return std::nullopt;
  return std::string_view(href_).substr(fragment_begin_ + 1);
}

std::string_view url::search() const noexcept {
  if (query_begin_ == npos) return {};
  const std::uint32_t end =
      fragment_begin_ != npos ? fragment_begin_ : static_cast<std::uint32_t>(href_.size());
  if (end - query_begin_ == 1) return {};
  return std::string_view(href_).substr(query_begin_, end - query_begin_);
}

std::string_view url::hash() const noexcept {
  if (fragment_begin_ == npos || fragment_begin_ + 1 == href_.size()) return {};
  return std::string_view(href_).substr(fragment_begin_);
}

std::string_view url::path_and_query() const noexcept {
  const std::uint32_t end =
      fragment_begin_ != npos ? fragment_begin_ : static_cast<std::uint32_t>(href_.size());
  return std::string_view(href_).substr(path_begin_, end - path_begin_);
}

std::string_view url::href_without_fragment() const noexcept {
  return std::string_view(href_).substr(0,
                                        fragment_begin_ != npos ? fragment_begin_ : href_.size());
}

bool url::is_special() const noexcept {
  return scheme_id_ != scheme_id::other;
}

bool url::has_credentials() const noexcept {
  return host_begin_ > username_begin_;
}

// URL Standard 4.7 "origin": scheme://host[:port] for the special schemes except file; a blob:
// URL has the origin of the http(s) URL in its path; everything else is an opaque origin.
std::string url::origin() const {
  switch (scheme_id_) {
    case scheme_id::http:
    case scheme_id::https:
    case scheme_id::ws:
    case scheme_id::wss:
    case scheme_id::ftp: {
      std::string out;
      const std::string_view h = host();
      out.reserve(scheme_end_ + 3 + h.size());
      out.append(href_, 0, scheme_end_).append("://").append(h);
      return out;
    }
    case scheme_id::file:
      return "null";
    case scheme_id::other:
      break;
  }
  if (scheme() == "blob") {
    auto inner = parse(pathname());
    if (inner && (inner->scheme_id_ == scheme_id::http || inner->scheme_id_ == scheme_id::https)) {
      return inner->origin();
    }
  }
  return "null";
}

std::optional<std::uint16_t> default_port(std::string_view scheme) noexcept {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "ftp") return 21;
  return std::nullopt;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  detail::append_decoded(out, text);
  return out;
}

std::string local_file_name(const url& u) {
  const std::string_view path = u.pathname();
  const std::size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::string name;
  detail::append_decoded(name, last);
  // A decoded "%2F" or "%00" must not name another directory or cut the name short.
  for (char& c : name) {
    if (c == '/' || c == '\\' || c == '\0') c = '_';
  }
  if (name.empty() || name == "." || name == "..") return "index.html";
  return name;
}

namespace {

__extension__ using uint128 = unsigned __int128;  // g++ and clang; __extension__ for -Wpedantic

// The low and high halves of a 128-bit product, xored: every bit of either factor reaches the
// middle bits of the result, so one multiply both mixes and diffuses.
constexpr std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) noexcept {
  const uint128 product = static_cast<uint128>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

// Up to 8 bytes as a little-endian word, zero-padded: the same value on every host.
std::uint64_t load_le(const char* p, std::size_t n) noexcept {
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < n; ++i) {
    word |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  }
  return word;
}

// Fractional bits of sqrt(2), sqrt(3), sqrt(5) and the golden ratio: constants with no
// structure of their own, all odd.
constexpr std::uint64_t k_seed = 0xBB67AE8584CAA73B;
constexpr std::uint64_t k_length = 0x6A09E667F3BCC909;
constexpr std::uint64_t k_word = 0x9E3779B97F4A7C15;
constexpr std::uint64_t k_tail = 0x3C6EF372FE94F82B;

}  // namespace

std::uint64_t fingerprint(std::string_view canonical) noexcept {
  // The length seeds the state, so zero padding of the last word cannot make "a" and "a\0"
  // collide.
  std::uint64_t state = fold_multiply(canonical.size() ^ k_seed, k_length);
  const char* p = canonical.data();
  std::size_t left = canonical.size();
  for (; left >= 8; p += 8, left -= 8) state = fold_multiply(state ^ load_le(p, 8), k_word);
  if (left > 0) state = fold_multiply(state ^ load_le(p, left), k_tail);
  return state;
}

std::uint64_t fingerprint(const url& u) noexcept {
  return fingerprint(u.href_without_fragment());
}

}  // namespace corofetch::url
