#include <corofetch/file/reader.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <string_view>
#include <utility>

namespace corofetch::file {
namespace {

// URL Standard 4.4: "a Windows drive letter is two code points, of which the first is an ASCII
// alpha and the second is ':' or '|'"; the parser normalised '|' to ':'.
bool starts_with_drive_letter(std::string_view path) {
  return path.size() >= 3 && path[0] == '/' && std::isalpha(static_cast<unsigned char>(path[1])) &&
         path[2] == ':' && (path.size() == 3 || path[3] == '/');
}

result<std::filesystem::path> map_drive(std::string_view decoded, const file_options& options) {
  const char letter = static_cast<char>(std::tolower(static_cast<unsigned char>(decoded[1])));
  const auto root = options.drive_roots.find(letter);
  if (root == options.drive_roots.end()) return errc::drive_not_mapped;
  std::string_view rest = decoded.substr(3);
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  return root->second / std::filesystem::path(rest);
}

}  // namespace

result<std::filesystem::path> local_path(const url::url& u, const file_options& options) {
  if (u.scheme() != "file") return errc::not_a_file_url;
  if (!u.hostname().empty()) return errc::remote_host;
  std::string decoded = url::percent_decode(u.pathname());
  if (decoded.find('\0') != std::string::npos) return errc::invalid_path;
  if (decoded.empty()) decoded.push_back('/');  // not = "/": g++ 12 false -Wrestrict
  if (starts_with_drive_letter(decoded)) return map_drive(decoded, options);
  return std::filesystem::path(std::move(decoded));
}

reader::reader(reader&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_), path_(std::move(other.path_)) {}

reader& reader::operator=(reader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    path_ = std::move(other.path_);
  }
  return *this;
}

reader::~reader() {
  if (fd_ >= 0) ::close(fd_);
}

result<std::size_t> reader::read(std::span<char> buffer) {
  for (;;) {
    const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return std::error_code(errno, std::generic_category());
  }
}

std::error_code reader::seek(std::uint64_t offset) {
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    return {errno, std::generic_category()};
  }
  return {};
}

result<reader> open(const url::url& u, const file_options& options) {
  auto path = local_path(u, options);
  if (!path) return path.error();
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked right after.
  const int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return from_errno(errno);
  reader r;
  r.fd_ = fd;
  r.path_ = std::move(*path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::error_code(errno, std::generic_category());
  if (S_ISDIR(st.st_mode)) return errc::is_directory;
  if (!S_ISREG(st.st_mode)) return errc::not_regular_file;
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  r.size_ = static_cast<std::uint64_t>(st.st_size);
  return r;
}

result<std::string> read_all(const url::url& u, const file_options& options) {
  auto r = open(u, options);
  if (!r) return r.error();
  if (options.max_bytes != 0 && r->size() > options.max_bytes) return errc::too_large;
  std::string content;
  content.reserve(static_cast<std::size_t>(r->size()));
  char buffer[65536];  // NOLINT(cppcoreguidelines-avoid-c-arrays): a read buffer
  for (;;) {
    auto n = r->read(buffer);
    if (!n) return n.error();
    if (*n == 0) break;
    content.append(buffer, *n);
    if (options.max_bytes != 0 && content.size() > options.max_bytes) return errc::too_large;
  }
  return content;
}

}  // namespace corofetch::file
