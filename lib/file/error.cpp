#include <corofetch/detail/error_category.hpp>
#include <corofetch/file/error.hpp>

#include <cerrno>

namespace corofetch::file {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::not_a_file_url:
      return "not a file: URL";
    case errc::remote_host:
      return "file: URL names a remote host (only localhost files can be read)";
    case errc::invalid_path:
      return "file path holds a NUL byte";
    case errc::drive_not_mapped:
      return "Windows drive letter path with no local folder mapped to it";
    case errc::not_found:
      return "no such file";
    case errc::is_directory:
      return "is a directory, not a file";
    case errc::permission_denied:
      return "permission denied";
    case errc::not_regular_file:
      return "not a regular file";
    case errc::too_large:
      return "file larger than the limit";
  }
  return "unknown corofetch.file error";
}

const detail::module_category category{"corofetch.file", &describe};

}  // namespace

const std::error_category& file_category() noexcept {
  return category;
}

std::error_code from_errno(int error_number) noexcept {
  switch (error_number) {
    case ENOENT:
    case ENOTDIR:
      return errc::not_found;
    case EISDIR:
      return errc::is_directory;
    case EACCES:
    case EPERM:
      return errc::permission_denied;
    default:
      return {error_number, std::generic_category()};
  }
}

}  // namespace corofetch::file
