#pragma once

#include <corofetch/result.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace corofetch::http {

/// Where a streamed request body comes from: a file, a generator, a pipe. The serializer (and
/// later the socket client) pulls bytes from it; a source of known size() is sent with
/// Content-Length, one of unknown size with Transfer-Encoding: chunked (RFC 9112 6.1, 7.1).
class body_source {
 public:
  virtual ~body_source() = default;

  /// The number of bytes read() will give in total, or nullopt when it is not known in advance.
  [[nodiscard]] virtual std::optional<std::uint64_t> size() const noexcept = 0;

  /// Copies up to buffer.size() next bytes into `buffer`; returns how many, 0 at the end.
  /// Errors: whatever the source reports (they abort the request). Called from one thread.
  virtual result<std::size_t> read(std::span<char> buffer) = 0;
};

/// A body_source over bytes held in memory, with or without announcing its size (the latter
/// makes the request chunked: useful to test, and for producers that append as they go).
class memory_source final : public body_source {
 public:
  explicit memory_source(std::string bytes, bool announce_size = true)
      : bytes_(std::move(bytes)), announce_size_(announce_size) {}

  [[nodiscard]] std::optional<std::uint64_t> size() const noexcept override {
    if (!announce_size_) return std::nullopt;
    return bytes_.size();
  }
  result<std::size_t> read(std::span<char> buffer) override;

 private:
  std::string bytes_;
  std::size_t offset_ = 0;
  bool announce_size_;
};

/// A request's body: none, bytes in memory, or a streamed body_source (shared, so a request
/// stays copyable; a source is read once).
class request_body {
 public:
  enum class kind : std::uint8_t { none, memory, stream };

  request_body() = default;
  /// Bytes sent as they are with Content-Length; an empty string counts as no body.
  request_body(std::string bytes)  // NOLINT: implicit, a body is naturally given as a string
      : kind_(bytes.empty() ? kind::none : kind::memory), bytes_(std::move(bytes)) {}
  /// A streamed body.
  template <std::derived_from<body_source> Source>
  request_body(std::shared_ptr<Source> source)  // NOLINT: implicit by design
      : kind_(source ? kind::stream : kind::none), source_(std::move(source)) {}

  [[nodiscard]] kind type() const noexcept { return kind_; }
  /// The body's length when known: 0 for none, the byte count in memory, the source's size().
  [[nodiscard]] std::optional<std::uint64_t> length() const noexcept;
  /// The bytes of a memory body ("" otherwise).
  [[nodiscard]] std::string_view bytes() const noexcept { return bytes_; }
  /// The source of a streamed body (nullptr otherwise).
  [[nodiscard]] body_source* source() const noexcept { return source_.get(); }

 private:
  kind kind_ = kind::none;
  std::string bytes_;
  std::shared_ptr<body_source> source_;
};

}  // namespace corofetch::http
