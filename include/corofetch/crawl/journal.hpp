#pragma once

#include <corofetch/crawl/error.hpp>
#include <corofetch/crawl/frontier.hpp>
#include <corofetch/result.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace corofetch::crawl {

/// What replaying a journal found.
struct journal_replay {
  std::size_t records = 0;    ///< records read (the header line not counted)
  std::size_t queued = 0;     ///< of which "queued" records
  std::size_t finished = 0;   ///< of which "finished" records
  bool tail_dropped = false;  ///< a half-written or damaged last record was cut off
};

/// Receives a journal's records in the order they were written.
struct journal_visitor {
  /// A URL was queued.
  std::function<void(frontier_entry&& entry)> queued;
  /// A URL (its url::fingerprint) ended.
  std::function<void(std::uint64_t fingerprint, finish_kind kind)> finished;
};

/// The embedded frontier's state on disk: an append-only text journal, one record a line
/// ("Q", depth, kind, URL, referrer; or "F", fingerprint, outcome), each ending in a 32-bit
/// checksum of the line. Each append is one write(2) with no user-space buffer and no fsync,
/// so a process killed with SIGKILL loses at most the record being written (the page cache
/// keeps the rest; a power loss may lose more). Replay rebuilds the seen-set and the queue: a
/// URL queued and not finished is queued again. A damaged last line (cut by a kill) is
/// dropped and cut off the file; a damaged line before the last is errc::state_corrupt.
/// Movable, not copyable; not synchronized.
class journal {
 public:
  /// Opens `path` (created with its header when missing) and replays its records into
  /// `visitor`. Errors: errc::state_corrupt (not a journal, a bad record before the last line;
  /// `detail` says which line and why), system errors of open, read and ftruncate.
  static result<journal> open(const std::filesystem::path& path, const journal_visitor& visitor,
                              journal_replay* replay = nullptr, std::string* detail = nullptr);
  /// Replaces the journal at `path` by one holding only `finished` and `pending`
  /// (compaction), and returns it open for appending: written beside it, flushed with fsync,
  /// then renamed over it, so a crash leaves one whole file or the other. Errors: system errors.
  static result<journal> rewrite(const std::filesystem::path& path,
                                 std::span<const std::pair<std::uint64_t, finish_kind>> finished,
                                 std::span<const frontier_entry> pending);

  journal(journal&& other) noexcept;
  journal& operator=(journal&& other) noexcept;
  journal(const journal&) = delete;
  journal& operator=(const journal&) = delete;
  ~journal();

  /// Appends one "queued" record per entry, all in one write(2). Errors: system errors (a
  /// short write is errc::state_corrupt after the partial line is cut off again).
  std::error_code append_queued(std::span<const frontier_entry> entries);
  /// Appends one "finished" record. Errors as append_queued.
  std::error_code append_finished(std::uint64_t fingerprint, finish_kind kind);
  /// Appends one "finished" record per fingerprint, all ending as `kind`, in one write(2).
  /// Errors as append_queued.
  std::error_code append_finished(std::span<const std::uint64_t> fingerprints, finish_kind kind);
  /// Bytes in the file.
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

 private:
  journal(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  std::error_code write_all(const std::string& bytes);

  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string buffer_;  // one append's records, its memory reused
};

}  // namespace corofetch::crawl
