// The url class's accessors over href_ and its offsets, the origin, and the helpers that are
// not part of parsing (default_port, local_file_name).
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

}  // namespace corofetch::url
