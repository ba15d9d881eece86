#include <corofetch/client/sink.hpp>

#include <cerrno>
#include <utility>

#include <unistd.h>

namespace corofetch::client {

namespace {
std::error_code last_error() {
  return {errno == 0 ? EIO : errno, std::generic_category()};
}
}  // namespace

result<file_sink> file_sink::open(const std::filesystem::path& path) {
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return last_error();
  return file_sink(f);
}

file_sink::file_sink(file_sink&& other) noexcept : file_(std::exchange(other.file_, nullptr)) {}

file_sink& file_sink::operator=(file_sink&& other) noexcept {
  if (this != &other) {
    if (file_ != nullptr) std::fclose(file_);
    file_ = std::exchange(other.file_, nullptr);
  }
  return *this;
}

file_sink::~file_sink() {
  if (file_ != nullptr) std::fclose(file_);
}

std::error_code file_sink::begin() {
  errno = 0;
  if (std::fseek(file_, 0, SEEK_SET) != 0) return last_error();
  if (std::fflush(file_) != 0) return last_error();
  // A retry starts over: what an earlier attempt wrote must not stay behind.
  if (::ftruncate(::fileno(file_), 0) != 0) return last_error();
  return {};
}

std::error_code file_sink::write(std::string_view chunk) {
  errno = 0;
  if (std::fwrite(chunk.data(), 1, chunk.size(), file_) != chunk.size()) return last_error();
  return {};
}

std::error_code file_sink::finish() {
  errno = 0;
  if (std::fflush(file_) != 0) return last_error();
  return {};
}

}  // namespace corofetch::client
