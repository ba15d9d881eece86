#pragma once
// Where one transfer's response goes: the body to stdout or a file (opened when the body
// starts, so a failure before it leaves no file), the head first with -i/-I, nothing with -f
// and a status >= 400, and a refusal to write binary bytes to a terminal.

#include <corofetch/client/response.hpp>
#include <corofetch/client/sink.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace cf_fetch {

/// The response head as received: status line, fields, empty line (CRLF endings).
[[nodiscard]] std::string head_text(const corofetch::client::response& r);

class output final : public corofetch::client::body_sink {
 public:
  struct settings {
    std::string file;     ///< empty: stdout
    bool append = false;  ///< -C: append to the file
    bool include_head = false;
    bool fail_on_error = false;      ///< -f
    bool refuse_binary_tty = false;  ///< stdout is a terminal and -o - was not given
    bool discard_body = false;       ///< --json without -o: the body is only counted
    /// Decides at the head whether this response's body is dropped (a retry follows, or a
    /// resume got the whole file again).
    std::function<bool(const corofetch::client::response&)> drop_body;
    /// Called with the final response head (for -v).
    std::function<void(const corofetch::client::response&)> on_head;
  };

  output(settings s, const corofetch::client::response& r) : s_(std::move(s)), response_(r) {}
  ~output() override;
  output(const output&) = delete;
  output& operator=(const output&) = delete;

  std::error_code begin() override;
  std::error_code write(std::string_view chunk) override;
  std::error_code finish() override;

  /// Writes a head before the final one's (a redirect's, for -i -L).
  std::error_code write_head(const corofetch::client::response& r);
  /// Closes the file; false when flushing or closing failed.
  bool close();
  /// Undoes what this attempt wrote to a file (before a retry); stdout cannot be undone.
  void rewind();

  /// The failure of the last write, if any ("" otherwise).
  [[nodiscard]] const std::string& problem() const noexcept { return problem_; }
  /// True when the body was refused as binary output to a terminal.
  [[nodiscard]] bool refused_binary() const noexcept { return refused_binary_; }
  /// True when -f dropped the body of a status >= 400.
  [[nodiscard]] bool failed_status() const noexcept { return failed_status_; }
  /// Body bytes written by this attempt.
  [[nodiscard]] std::uint64_t written() const noexcept { return written_; }

 private:
  std::error_code open();
  std::error_code put(std::string_view bytes);

  settings s_;
  const corofetch::client::response& response_;
  std::FILE* file_ = nullptr;
  long start_offset_ = 0;  // NOLINT(google-runtime-int): ftell's type
  bool discard_ = false;
  bool refused_binary_ = false;
  bool failed_status_ = false;
  std::uint64_t written_ = 0;
  std::string problem_;
};

}  // namespace cf_fetch
