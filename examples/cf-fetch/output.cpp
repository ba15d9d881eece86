#include "cf-fetch/output.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <unistd.h>

namespace cf_fetch {

namespace client = corofetch::client;

std::string head_text(const client::response& r) {
  std::string head = "HTTP/" + std::to_string(r.version.major_version) + "." +
                     std::to_string(r.version.minor_version) + " " + std::to_string(r.status);
  if (!r.reason.empty()) head += " " + r.reason;
  head += "\r\n";
  for (const corofetch::http::field f : r.fields) {
    head.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  return head + "\r\n";
}

output::~output() {
  if (file_ != nullptr && file_ != stdout) std::fclose(file_);
}

std::error_code output::open() {
  if (file_ != nullptr) return {};
  if (s_.file.empty()) {
    file_ = stdout;
    return {};
  }
  file_ = std::fopen(s_.file.c_str(), s_.append ? "ab" : "wb");
  if (file_ == nullptr) {
    const int e = errno;
    problem_ = "cannot open '" + s_.file + "' for writing: " + std::strerror(e);
    return {e, std::generic_category()};
  }
  start_offset_ = std::ftell(file_);
  return {};
}

std::error_code output::put(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (auto ec = open(); ec) return ec;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    const int e = errno;
    problem_ = "writing " + (s_.file.empty() ? std::string("the output") : "'" + s_.file + "'") +
               " failed: " + std::strerror(e);
    return {e, std::generic_category()};
  }
  return {};
}

std::error_code output::write_head(const client::response& r) {
  if (!s_.include_head || s_.discard_body) return {};
  return put(head_text(r));
}

std::error_code output::begin() {
  written_ = 0;
  failed_status_ = s_.fail_on_error && response_.status >= 400;
  discard_ = s_.discard_body || failed_status_ || (s_.drop_body && s_.drop_body(response_));
  if (s_.on_head) s_.on_head(response_);
  if (discard_) return {};
  if (auto ec = open(); ec) return ec;
  return write_head(response_);
}

std::error_code output::write(std::string_view chunk) {
  if (discard_) return {};
  if (s_.refuse_binary_tty && file_ == stdout && chunk.find('\0') != std::string_view::npos) {
    refused_binary_ = true;
    return std::make_error_code(std::errc::operation_not_permitted);
  }
  if (auto ec = put(chunk); ec) return ec;
  written_ += chunk.size();
  return {};
}

std::error_code output::finish() {
  if (file_ == nullptr || discard_) return {};
  if (std::fflush(file_) != 0) {
    const int e = errno;
    problem_ = std::string("flushing the output failed: ") + std::strerror(e);
    return {e, std::generic_category()};
  }
  return {};
}

void output::rewind() {
  written_ = 0;
  if (file_ == nullptr || file_ == stdout) return;
  std::fflush(file_);
  if (::ftruncate(::fileno(file_), start_offset_) == 0) std::fseek(file_, start_offset_, SEEK_SET);
}

bool output::close() {
  if (file_ == nullptr) return true;
  bool ok = std::fflush(file_) == 0;
  if (file_ != stdout) ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  return ok;
}

}  // namespace cf_fetch
