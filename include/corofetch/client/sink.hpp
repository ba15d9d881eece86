#pragma once

#include <corofetch/result.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string_view>
#include <system_error>

namespace corofetch::client {

/// Where a response body goes chunk by chunk as it arrives (after content decoding) instead of
/// into response::body: a file, a hash, a parser. Called on the client's executor; a chunk is a
/// view valid only during the call.
class body_sink {
 public:
  virtual ~body_sink() = default;
  /// A fetch starts delivering a body (called again when a retry starts over: a sink that
  /// cannot rewind returns an error, which fails the fetch).
  virtual std::error_code begin() { return {}; }
  /// The next chunk. An error stops the fetch with errc::sink_failed (and closes the
  /// connection).
  virtual std::error_code write(std::string_view chunk) = 0;
  /// The body is complete.
  virtual std::error_code finish() { return {}; }
};

/// Calls a function with each chunk.
class callback_sink final : public body_sink {
 public:
  using callback = std::function<std::error_code(std::string_view chunk)>;
  explicit callback_sink(callback cb) : cb_(std::move(cb)) {}
  std::error_code write(std::string_view chunk) override { return cb_(chunk); }

 private:
  callback cb_;
};

/// Writes the body to a file, truncating it at begin(). Errors are the system's (ENOSPC, ...).
class file_sink final : public body_sink {
 public:
  /// Opens `path` for writing. Errors: the system error of fopen.
  static result<file_sink> open(const std::filesystem::path& path);
  file_sink(file_sink&& other) noexcept;
  file_sink& operator=(file_sink&& other) noexcept;
  file_sink(const file_sink&) = delete;
  file_sink& operator=(const file_sink&) = delete;
  ~file_sink() override;

  std::error_code begin() override;
  std::error_code write(std::string_view chunk) override;
  /// Flushes to the file (fflush); the file stays open until destruction.
  std::error_code finish() override;

 private:
  explicit file_sink(std::FILE* f) : file_(f) {}
  std::FILE* file_ = nullptr;
};

}  // namespace corofetch::client
