#include "cf-fetch/payload.hpp"

#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>
#include <utility>

namespace cf_fetch {

namespace http = corofetch::http;

std::optional<std::string> read_file(const std::string& path) {
  if (path == "-") {
    std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (std::cin.bad()) return std::nullopt;
    return all;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

std::string url_encode(std::string_view bytes) {
  constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (const char ch : bytes) {
    const auto u = static_cast<unsigned char>(ch);
    const bool plain = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                       u == '-' || u == '.' || u == '_' || u == '~';
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0x0f];
    }
  }
  return out;
}

namespace {

std::string strip_newlines(std::string text) {
  std::erase_if(text, [](char ch) { return ch == '\r' || ch == '\n'; });
  return text;
}

std::string file_or_warn(const std::string& path, std::vector<std::string>& warnings) {
  auto text = read_file(path);
  if (!text) {
    warnings.push_back("Couldn't read data from file \"" + path + "\", this makes an empty POST.");
    return {};
  }
  return std::move(*text);
}

// --data-urlencode's five forms (man curl).
std::string urlencoded(const std::string& arg, std::vector<std::string>& warnings) {
  const auto at = arg.find_first_of("=@");
  if (at == std::string::npos) return urlencoded("=" + arg, warnings);
  const std::string name = arg.substr(0, at);
  const std::string rest = arg.substr(at + 1);
  const std::string content = arg[at] == '=' ? rest : file_or_warn(rest, warnings);
  // curl percent-encodes, then writes a space as '+' (application/x-www-form-urlencoded).
  std::string encoded = url_encode(content);
  for (auto sp = encoded.find("%20"); sp != std::string::npos; sp = encoded.find("%20", sp + 1)) {
    encoded.replace(sp, 3, "+");
  }
  return name.empty() ? encoded : name + "=" + encoded;
}

}  // namespace

std::string join_data(const std::vector<data_arg>& args, std::vector<std::string>& warnings) {
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const data_arg& a = args[i];
    std::string piece;
    const bool from_file = !a.value.empty() && a.value.front() == '@';
    switch (a.how) {
      case data_arg::kind::ascii:
        piece = from_file ? strip_newlines(file_or_warn(a.value.substr(1), warnings)) : a.value;
        break;
      case data_arg::kind::binary:
        piece = from_file ? file_or_warn(a.value.substr(1), warnings) : a.value;
        break;
      case data_arg::kind::raw:
        piece = a.value;
        break;
      case data_arg::kind::urlencode:
        piece = urlencoded(a.value, warnings);
        break;
    }
    if (i > 0) out += '&';
    out += piece;
  }
  return out;
}

std::string append_query(const std::string& url, const std::string& data) {
  const auto hash = url.find('#');
  std::string base = url.substr(0, hash);
  const std::string fragment = hash == std::string::npos ? "" : url.substr(hash);
  base += base.find('?') == std::string::npos ? '?' : '&';
  return base + data + fragment;
}

// ---- -F: multipart/form-data (RFC 7578) --------------------------------------------------

namespace {

struct form_part {
  std::string name;
  std::string value;  // literal content, or the file path for '@' and '<'
  char source = 0;    // 0 literal, '@' a file attached, '<' content read from a file
  std::string type;
  std::optional<std::string> filename;
};

// curl's guesses (lib/mime.c): by extension, case-insensitively.
std::string guess_type(const std::string& path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> table{{
      {".gif", "image/gif"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".txt", "text/plain"},
      {".htm", "text/html"},
      {".html", "text/html"},
      {".pdf", "application/pdf"},
      {".xml", "application/xml"},
  }};
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const auto& [suffix, type] : table) {
    if (ext == suffix) return std::string(type);
  }
  return "application/octet-stream";
}

// RFC 7578 4.2 / HTML's form encoding, as curl does it: '"', CR and LF percent-encoded.
std::string form_quoted(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') {
      out += "%22";
    } else if (ch == '\r') {
      out += "%0D";
    } else if (ch == '\n') {
      out += "%0A";
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// The value of "name=VALUE;type=...;filename=...": a quoted VALUE may hold ';'.
std::pair<std::string, std::string> split_value(std::string_view text) {
  if (!text.empty() && text.front() == '"') {
    std::string value;
    std::size_t i = 1;
    for (; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      value += text[i];
    }
    return {value, std::string(text.substr(std::min(i + 1, text.size())))};
  }
  // A ';' starts the parameters only when a known one follows; otherwise it is content.
  std::size_t from = 0;
  for (;;) {
    const auto semi = text.find(';', from);
    if (semi == std::string_view::npos) return {std::string(text), ""};
    const auto rest = text.substr(semi + 1);
    if (rest.starts_with("type=") || rest.starts_with("filename=") ||
        rest.starts_with("headers=") || rest.starts_with("encoder=")) {
      return {std::string(text.substr(0, semi)), std::string(text.substr(semi))};
    }
    from = semi + 1;
  }
}

void apply_parameters(std::string_view params, form_part& part) {
  while (!params.empty()) {
    params.remove_prefix(1);  // the ';'
    const auto eq = params.find('=');
    if (eq == std::string_view::npos) break;
    const auto key = params.substr(0, eq);
    auto [value, rest] = split_value(params.substr(eq + 1));
    if (key == "type") part.type = value;
    if (key == "filename") part.filename = value;
    params = std::string_view(params).substr(params.size() - rest.size());
  }
}

std::variant<form_part, payload_error> parse_form(const form_arg& arg) {
  const auto eq = arg.spec.find('=');
  if (eq == std::string::npos) {
    return payload_error{"invalid -F '" + arg.spec + "': expected NAME=CONTENT", 2};
  }
  form_part part;
  part.name = arg.spec.substr(0, eq);
  std::string_view content = std::string_view(arg.spec).substr(eq + 1);
  if (arg.literal) {
    part.value = content;
    return part;
  }
  if (!content.empty() && (content.front() == '@' || content.front() == '<')) {
    part.source = content.front();
    content.remove_prefix(1);
  }
  auto [value, params] = split_value(content);
  part.value = std::move(value);
  apply_parameters(params, part);
  if (part.source == '@') {
    if (!part.filename) part.filename = std::filesystem::path(part.value).filename().string();
    if (part.type.empty()) part.type = guess_type(part.value);
  }
  return part;
}

std::string random_boundary() {
  std::random_device seed;
  std::mt19937_64 gen(seed());
  constexpr std::string_view hex = "0123456789abcdef";
  std::string b(24, '-');
  for (int i = 0; i < 16; ++i) b += hex[gen() % 16];
  return b;
}

}  // namespace

std::variant<multipart, payload_error> build_multipart(const std::vector<form_arg>& args) {
  multipart m;
  m.boundary = random_boundary();
  for (const form_arg& a : args) {
    auto parsed = parse_form(a);
    if (auto* e = std::get_if<payload_error>(&parsed)) return std::move(*e);
    const form_part& part = std::get<form_part>(parsed);
    std::string data = part.value;
    if (part.source != 0) {
      auto text = read_file(part.value);
      if (!text) return payload_error{"couldn't read '" + part.value + "' for -F", 26};
      data = std::move(*text);
    }
    m.body +=
        "--" + m.boundary + "\r\nContent-Disposition: form-data; name=" + form_quoted(part.name);
    if (part.filename) m.body += "; filename=" + form_quoted(*part.filename);
    m.body += "\r\n";
    if (!part.type.empty()) m.body += "Content-Type: " + part.type + "\r\n";
    m.body += "\r\n" + data + "\r\n";
  }
  m.body += "--" + m.boundary + "--\r\n";
  return m;
}

// ---- -T: a file as the body ----------------------------------------------------------------

namespace {

// A file read as the body is sent, its size announced (Content-Length).
class file_source final : public http::body_source {
 public:
  file_source(std::FILE* f, std::uint64_t size) : file_(f), size_(size) {}
  ~file_source() override { std::fclose(file_); }
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;

  [[nodiscard]] std::optional<std::uint64_t> size() const noexcept override { return size_; }
  corofetch::result<std::size_t> read(std::span<char> buffer) override {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file_);
    if (n == 0 && std::ferror(file_) != 0) return std::make_error_code(std::errc::io_error);
    return n;
  }

 private:
  std::FILE* file_;
  std::uint64_t size_;
};

}  // namespace

std::variant<http::request_body, payload_error> upload_body(const std::string& file) {
  if (file == "-") {
    auto all = read_file("-");
    if (!all) return payload_error{"can't read the standard input for -T", 26};
    return http::request_body(
        std::make_shared<http::memory_source>(std::move(*all), /*announce_size=*/false));
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  std::FILE* f = ec ? nullptr : std::fopen(file.c_str(), "rb");
  if (f == nullptr) return payload_error{"can't open '" + file + "' for -T", 26};
  return http::request_body(std::make_shared<file_source>(f, size));
}

std::string upload_url(const std::string& url, const std::string& file) {
  if (file == "-") return url;
  const auto scheme_end = url.find("://");
  const auto path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const auto query = url.find_first_of("?#");
  const std::string name = std::filesystem::path(file).filename().string();
  if (path_start == std::string::npos || path_start > query) {
    // "http://host" or "http://host?q": the path is empty.
    const auto at = query == std::string::npos ? url.size() : query;
    return url.substr(0, at) + "/" + url_encode(name) + url.substr(at);
  }
  const auto path_end = query == std::string::npos ? url.size() : query;
  if (url[path_end - 1] != '/') return url;
  return url.substr(0, path_end) + url_encode(name) + url.substr(path_end);
}

}  // namespace cf_fetch
