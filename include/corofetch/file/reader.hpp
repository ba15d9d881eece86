#pragma once

#include <corofetch/file/error.hpp>
#include <corofetch/result.hpp>
#include <corofetch/url/url.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>

namespace corofetch::file {

/// How file: URLs map to this machine's files.
struct file_options {
  /// Folders that stand for Windows drives, keyed by lowercase letter ('c' -> "/mnt/c", as WSL
  /// mounts them). The URL Standard keeps a drive letter as the first path segment
  /// (file://localhost/c:/path parses to path "/c:/path"); on a POSIX system such a path means
  /// nothing unless it is mapped here, and gives errc::drive_not_mapped.
  std::map<char, std::filesystem::path> drive_roots;
  /// The largest file read_all() reads; 0: no limit.
  std::uint64_t max_bytes = 0;
};

/// The local path a file: URL names (URL Standard 4.4, "file state"; RFC 8089 2): the host
/// must be empty (the parser already turned "localhost" into empty), the path is
/// percent-decoded, and a leading drive letter segment ("/c:/...") maps to
/// file_options::drive_roots. Errors: not_a_file_url, remote_host, invalid_path (a NUL byte),
/// drive_not_mapped. Pure: the file system is not touched.
[[nodiscard]] result<std::filesystem::path> local_path(const url::url& u,
                                                       const file_options& options = {});

/// A regular file opened for reading (an owned file descriptor). Move-only.
class reader {
 public:
  reader() noexcept = default;
  reader(reader&& other) noexcept;
  reader& operator=(reader&& other) noexcept;
  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;
  ~reader();

  /// The size when the file was opened (fstat).
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /// Reads the next bytes into `buffer`; 0 at the end of the file. Errors: a system error (EIO).
  result<std::size_t> read(std::span<char> buffer);
  /// Skips to byte `offset` (a resumed transfer, curl's -C). Errors: a system error.
  std::error_code seek(std::uint64_t offset);

 private:
  friend result<reader> open(const url::url&, const file_options&);
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::filesystem::path path_;
};

/// Opens the file a file: URL names, following symbolic links: local_path()'s errors, then
/// not_found, is_directory, permission_denied, not_regular_file, or a system error. Blocking
/// (local files need no event loop).
[[nodiscard]] result<reader> open(const url::url& u, const file_options& options = {});

/// The whole content of the file a file: URL names: open()'s errors, and too_large when it is
/// over file_options::max_bytes.
[[nodiscard]] result<std::string> read_all(const url::url& u, const file_options& options = {});

}  // namespace corofetch::file
