#include <corofetch/http/request.hpp>

#include <algorithm>
#include <cstring>

namespace corofetch::http {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_http_scheme(std::string_view scheme) noexcept {
  return scheme == "http" || scheme == "https";
}

// RFC 9112 3.2.3: CONNECT's authority-form always names the port.
std::string authority_form(const url::url& u) {
  std::string out(u.hostname());
  out += ':';
  out += std::to_string(u.effective_port().value_or(0));
  return out;
}

// RFC 9112 3.2.2: scheme, authority (without userinfo), path and query; never the fragment.
std::string absolute_form(const url::url& u) {
  std::string out(u.scheme());
  out += "://";
  out += u.host();
  const std::string_view pq = u.path_and_query();
  if (pq.empty() || pq.front() != '/') out += '/';
  out += pq;
  return out;
}

std::string origin_form(const url::url& u) {
  const std::string_view pq = u.path_and_query();
  if (pq.empty() || pq.front() != '/') return "/" + std::string(pq);
  return std::string(pq);
}

}  // namespace

result<std::size_t> memory_source::read(std::span<char> buffer) {
  const std::size_t n = std::min(buffer.size(), bytes_.size() - offset_);
  if (n != 0) std::memcpy(buffer.data(), bytes_.data() + offset_, n);
  offset_ += n;
  return n;
}

std::optional<std::uint64_t> request_body::length() const noexcept {
  switch (kind_) {
    case kind::none:
      return 0;
    case kind::memory:
      return bytes_.size();
    case kind::stream:
      return source_->size();
  }
  return std::nullopt;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];
    out += alphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest != 0) {
    std::uint32_t v = byte(i) << 16;
    if (rest == 2) v |= byte(i + 1) << 8;
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += rest == 2 ? alphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

result<request> make_request(const method& m, const url::url& target,
                             const request_options& options) {
  if (!is_http_scheme(target.scheme())) return errc::unsupported_scheme;
  if (target.hostname().empty()) return errc::url_without_host;
  if (options.version != http_1_1 && options.version != http_1_0) return errc::invalid_version;

  request req;
  req.set_method(m);
  req.set_version(options.version);
  if (m == method::connect) {
    req.set_target(authority_form(target));
    req.fields().add("Host", req.target());
  } else {
    req.set_target(options.via_proxy ? absolute_form(target) : origin_form(target));
    req.fields().add("Host", target.host());
  }
  if (options.send_credentials && target.has_credentials()) {
    const std::string credentials =
        percent_decode(target.username()) + ':' + percent_decode(target.password());
    req.fields().add("Authorization", "Basic " + base64_encode(credentials));
  }
  return req;
}

}  // namespace corofetch::http
