#pragma once

#include <system_error>

namespace corofetch::file {

/// Why a file: URL could not be read; the category is "corofetch.file". Other failures of the
/// file system (EIO, ELOOP, ...) keep their system error codes.
enum class errc {
  not_a_file_url = 1,  ///< the URL's scheme is not "file"
  remote_host,         ///< file://HOST/... names another machine (only "" and localhost are local)
  invalid_path,        ///< the decoded path holds a NUL byte
  drive_not_mapped,    ///< a Windows drive letter path (/c:/...) with no local folder for it
  not_found,           ///< no such file (ENOENT, or a path component that is not a folder)
  is_directory,        ///< the path names a directory, not a file
  permission_denied,   ///< the file may not be read (EACCES, EPERM)
  not_regular_file,    ///< a device, FIFO or socket, not a regular file
  too_large,           ///< the file is larger than the caller's limit
};

const std::error_category& file_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), file_category()};
}

/// The error for an errno of open(2) or stat(2): ENOENT and ENOTDIR are not_found, EISDIR
/// is_directory, EACCES and EPERM permission_denied, any other the system error itself.
[[nodiscard]] std::error_code from_errno(int error_number) noexcept;

}  // namespace corofetch::file

template <>
struct std::is_error_code_enum<corofetch::file::errc> : std::true_type {};
