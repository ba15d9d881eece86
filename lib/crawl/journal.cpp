// The crawl journal: text records, one a line, tab-separated (canonical URLs hold no tabs:
// the URL parser removes them), each closed by a checksum so that a damaged line is told from
// a good one. Reading goes by chunks, so replay needs memory for one line, not the file.
#include <corofetch/crawl/journal.hpp>
#include <corofetch/url/url.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <optional>

namespace corofetch::crawl {
namespace {

constexpr std::string_view header_line = "corofetch-crawl-journal 1";
constexpr std::size_t read_chunk = std::size_t{1} << 20;
constexpr std::size_t max_line = std::size_t{1} << 20;  // longer: damaged (URLs are far shorter)

std::error_code last_error() {
  return {errno, std::system_category()};
}

// The checksum closing a record: the low 32 bits of the url module's 64-bit hash of the line
// before it, written as 8 hex digits.
std::uint32_t checksum(std::string_view body) {
  return static_cast<std::uint32_t>(url::fingerprint(body));
}

void append_hex(std::string& out, std::uint64_t value, int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex[(value >> shift) & 0xF];
}

void close_record(std::string& out, std::size_t begin) {
  const std::uint32_t sum = checksum(std::string_view(out).substr(begin));
  out += '\t';
  append_hex(out, sum, 8);
  out += '\n';
}

char kind_letter(entry_kind k) {
  return k == entry_kind::sitemap ? 's' : 'p';
}

char outcome_letter(finish_kind k) {
  switch (k) {
    case finish_kind::fetched:
      return 'f';
    case finish_kind::failed:
      return 'e';
    case finish_kind::skipped:
      return 's';
  }
  return '?';
}

void write_queued(std::string& out, const frontier_entry& e) {
  const std::size_t begin = out.size();
  out += "Q\t";
  out += std::to_string(e.depth);
  out += '\t';
  out += kind_letter(e.kind);
  out += '\t';
  out += e.url;
  out += '\t';
  out += e.referrer;
  close_record(out, begin);
}

void write_finished(std::string& out, std::uint64_t fingerprint, finish_kind kind) {
  const std::size_t begin = out.size();
  out += "F\t";
  append_hex(out, fingerprint, 16);
  out += '\t';
  out += outcome_letter(kind);
  close_record(out, begin);
}

// Splits `line` at tabs into at most `n` fields; nullopt when the count differs.
template <std::size_t N>
std::optional<std::array<std::string_view, N>> split_fields(std::string_view line) {
  std::array<std::string_view, N> f{};
  for (std::size_t i = 0; i < N; ++i) {
    const std::size_t tab = line.find('\t');
    if (i + 1 == N) {
      if (tab != std::string_view::npos) return std::nullopt;
      f[i] = line;
    } else {
      if (tab == std::string_view::npos) return std::nullopt;
      f[i] = line.substr(0, tab);
      line.remove_prefix(tab + 1);
    }
  }
  return f;
}

template <class T>
bool read_number(std::string_view s, T& out, int base = 10) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// Checks a record's checksum and returns the line without it; "" when damaged.
std::optional<std::string_view> verified(std::string_view line) {
  const std::size_t tab = line.rfind('\t');
  if (tab == std::string_view::npos || line.size() - tab != 9) return std::nullopt;
  std::uint32_t sum = 0;
  if (!read_number(line.substr(tab + 1), sum, 16)) return std::nullopt;
  const std::string_view body = line.substr(0, tab);
  if (checksum(body) != sum) return std::nullopt;
  return body;
}

// Reads one record into `visitor`; a reason when it is damaged.
const char* apply_record(std::string_view line, const journal_visitor& visitor,
                         journal_replay& replay) {
  const auto body = verified(line);
  if (!body) return "bad checksum or truncated record";
  if (body->starts_with("Q\t")) {
    const auto f = split_fields<5>(*body);
    frontier_entry e;
    if (!f || !read_number((*f)[1], e.depth)) return "bad queued record";
    if ((*f)[2] != "p" && (*f)[2] != "s") return "bad entry kind";
    if ((*f)[3].empty()) return "empty URL";
    e.kind = (*f)[2] == "s" ? entry_kind::sitemap : entry_kind::page;
    e.url = std::string((*f)[3]);
    e.referrer = std::string((*f)[4]);
    ++replay.queued;
    if (visitor.queued) visitor.queued(std::move(e));
    return nullptr;
  }
  if (body->starts_with("F\t")) {
    const auto f = split_fields<3>(*body);
    std::uint64_t fingerprint = 0;
    if (!f || (*f)[1].size() != 16 || !read_number((*f)[1], fingerprint, 16)) {
      return "bad finished record";
    }
    finish_kind kind = finish_kind::fetched;
    if ((*f)[2] == "e") {
      kind = finish_kind::failed;
    } else if ((*f)[2] == "s") {
      kind = finish_kind::skipped;
    } else if ((*f)[2] != "f") {
      return "bad outcome";
    }
    ++replay.finished;
    if (visitor.finished) visitor.finished(fingerprint, kind);
    return nullptr;
  }
  return "unknown record type";
}

// Reads the whole file line by line. `good_end` is where the last good line ends.
struct replay_reader {
  int fd;
  const journal_visitor& visitor;
  journal_replay& replay;
  std::string* detail;
  std::uint64_t good_end = 0;

  std::error_code run() {
    std::string buffer;
    std::uint64_t offset = 0;  // of buffer[0] in the file
    std::size_t line_number = 0;
    std::optional<std::string> pending_bad;  // a damaged line, fatal unless it is the last
    for (;;) {
      const std::size_t old = buffer.size();
      buffer.resize(old + read_chunk);
      const ssize_t n = ::read(fd, buffer.data() + old, read_chunk);
      if (n < 0) return last_error();
      buffer.resize(old + static_cast<std::size_t>(n));
      std::size_t pos = 0;
      for (;;) {
        const std::size_t nl = buffer.find('\n', pos);
        if (nl == std::string::npos) break;
        if (pending_bad) return corrupt(*pending_bad);
        ++line_number;
        const std::string_view line(buffer.data() + pos, nl - pos);
        if (const char* why = check_line(line, line_number)) {
          pending_bad = "line " + std::to_string(line_number) + ": " + why;
          if (line_number == 1) return corrupt(*pending_bad);
        } else {
          good_end = offset + nl + 1;
        }
        pos = nl + 1;
      }
      buffer.erase(0, pos);
      offset += pos;
      if (n == 0) break;
      if (buffer.size() > max_line) {
        pending_bad = "line " + std::to_string(line_number + 1) + ": line too long";
        break;
      }
    }
    if (line_number == 0) {  // no whole line: a new file, or its header cut short
      const std::size_t n = std::min(buffer.size(), header_line.size());
      if (std::string_view(buffer).substr(0, n) != header_line.substr(0, n)) {
        return corrupt("line 1: not a crawl journal");
      }
    }
    // A damaged line followed by anything more was not the last one written.
    if (pending_bad && !buffer.empty()) return corrupt(*pending_bad);
    replay.tail_dropped = pending_bad.has_value() || !buffer.empty();
    return {};
  }

  const char* check_line(std::string_view line, std::size_t number) {
    if (number == 1) return line == header_line ? nullptr : "not a crawl journal";
    const char* why = apply_record(line, visitor, replay);
    if (why == nullptr) ++replay.records;
    return why;
  }

  std::error_code corrupt(const std::string& why) {
    if (detail != nullptr) *detail = why;
    return errc::state_corrupt;
  }
};

int open_file(const std::filesystem::path& path, int flags) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

std::error_code write_fd(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

result<journal> journal::open(const std::filesystem::path& path, const journal_visitor& visitor,
                              journal_replay* replay, std::string* detail) {
  const int fd = open_file(path, O_RDWR | O_CREAT | O_APPEND);
  if (fd < 0) return last_error();
  journal j(fd, 0);
  journal_replay local;
  replay_reader reader{fd, visitor, replay != nullptr ? *replay : local, detail};
  if (const std::error_code ec = reader.run()) return ec;
  if (reader.good_end == 0) {  // a new (or empty) file: its header first
    if (::ftruncate(fd, 0) != 0) return last_error();
    const std::string header = std::string(header_line) + "\n";
    if (const std::error_code ec = write_fd(fd, header)) return ec;
    j.size_ = header.size();
    return j;
  }
  const off_t end = ::lseek(fd, 0, SEEK_END);
  if (end < 0) return last_error();
  if (static_cast<std::uint64_t>(end) != reader.good_end) {  // cut the damaged tail off
    if (::ftruncate(fd, static_cast<off_t>(reader.good_end)) != 0) return last_error();
  }
  j.size_ = reader.good_end;
  return j;
}

result<journal> journal::rewrite(const std::filesystem::path& path,
                                 std::span<const std::pair<std::uint64_t, finish_kind>> finished,
                                 std::span<const frontier_entry> pending) {
  std::filesystem::path temporary = path;
  temporary += ".compacting";
  const int fd = open_file(temporary, O_RDWR | O_CREAT | O_TRUNC | O_APPEND);
  if (fd < 0) return last_error();
  journal j(fd, 0);
  std::string out = std::string(header_line) + "\n";
  const auto flush = [&]() -> std::error_code {
    if (const std::error_code ec = write_fd(fd, out)) return ec;
    j.size_ += out.size();
    out.clear();
    return {};
  };
  for (const auto& [fingerprint, kind] : finished) {
    write_finished(out, fingerprint, kind);
    if (out.size() >= read_chunk) {
      if (const std::error_code ec = flush()) return ec;
    }
  }
  for (const frontier_entry& e : pending) {
    write_queued(out, e);
    if (out.size() >= read_chunk) {
      if (const std::error_code ec = flush()) return ec;
    }
  }
  if (const std::error_code ec = flush()) return ec;
  if (::fsync(fd) != 0) return last_error();
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) return ec;
  return j;
}

journal::journal(journal&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_), buffer_(std::move(other.buffer_)) {}

journal& journal::operator=(journal&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

journal::~journal() {
  if (fd_ >= 0) ::close(fd_);
}

// One write(2) for the whole append; a failure part-way cuts the partial record off again,
// so the file never holds half a record while this process lives.
std::error_code journal::write_all(const std::string& bytes) {
  if (const std::error_code ec = write_fd(fd_, bytes)) {
    (void)::ftruncate(fd_, static_cast<off_t>(size_));
    return ec;
  }
  size_ += bytes.size();
  return {};
}

std::error_code journal::append_queued(std::span<const frontier_entry> entries) {
  if (entries.empty()) return {};
  buffer_.clear();
  for (const frontier_entry& e : entries) write_queued(buffer_, e);
  return write_all(buffer_);
}

std::error_code journal::append_finished(std::uint64_t fingerprint, finish_kind kind) {
  buffer_.clear();
  write_finished(buffer_, fingerprint, kind);
  return write_all(buffer_);
}

std::error_code journal::append_finished(std::span<const std::uint64_t> fingerprints,
                                         finish_kind kind) {
  if (fingerprints.empty()) return {};
  buffer_.clear();
  for (const std::uint64_t f : fingerprints) write_finished(buffer_, f, kind);
  return write_all(buffer_);
}

}  // namespace corofetch::crawl
