// file: URLs (RFC 8089, URL Standard "file state"): the local file, read as curl reads it.
#include "cf-fetch/schemes.hpp"

#include "common/exit_codes.hpp"

#include <corofetch/file/reader.hpp>

#include <array>
#include <cctype>

namespace cf_fetch {

namespace file = corofetch::file;
namespace tool = corofetch::tool;

namespace {

// --file-drive C=/mnt/c: the folder a drive letter of file://localhost/c:/... stands for.
std::optional<std::string> drive_roots(const options& o, file::file_options& out) {
  for (const std::string& d : o.file_drives) {
    if (d.size() < 3 || d[1] != '=' || std::isalpha(static_cast<unsigned char>(d[0])) == 0) {
      return "--file-drive '" + d + "': expected LETTER=FOLDER (C=/mnt/c)";
    }
    const auto letter = static_cast<char>(std::tolower(static_cast<unsigned char>(d[0])));
    out.drive_roots[letter] = d.substr(2);
  }
  return std::nullopt;
}

int file_exit_code(std::error_code ec) {
  if (ec == file::errc::remote_host || ec == file::errc::invalid_path) return tool::exit_bad_url;
  if (ec == file::errc::too_large) return tool::exit_file_too_large;
  return exit_file_couldnt_read;
}

scheme_result failed(int code, std::string message) {
  scheme_result r;
  r.exit_code = code;
  r.message = std::move(message);
  return r;
}

// The file's bytes from `offset` to the sink.
scheme_result copy(file::reader& in, const scheme_job& job) {
  scheme_result r;
  if (job.offset > in.size()) {
    return failed(exit_bad_download_resume, "Offset (" + std::to_string(job.offset) +
                                                ") was beyond file size (" +
                                                std::to_string(in.size()) + ")");
  }
  if (job.offset > 0) {
    if (auto ec = in.seek(job.offset); ec) {
      return failed(exit_file_couldnt_read,
                    "Couldn't seek in " + in.path().string() + ": " + ec.message());
    }
  }
  std::array<char, 65536> buffer{};
  for (;;) {
    auto n = in.read(buffer);
    if (!n) {
      return failed(exit_file_couldnt_read,
                    "Couldn't read file " + in.path().string() + ": " + n.error().message());
    }
    if (*n == 0) break;
    if (auto ec = job.sink(std::string_view(buffer.data(), *n)); ec) {
      return failed(tool::exit_write_error, "writing the output failed: " + ec.message());
    }
  }
  return r;
}

}  // namespace

asio::awaitable<scheme_result> fetch_file(const scheme_job& job) {
  file::file_options fo;
  if (auto problem = drive_roots(job.ctx.opts, fo)) co_return failed(tool::exit_usage, *problem);
  auto path = file::local_path(job.url, fo);
  auto in = file::open(job.url, fo);
  if (!in) {
    const std::string name = path ? path->string() : std::string(job.url.href());
    // curl's words for its exit 37, with the reason (curl says nothing of it).
    co_return failed(file_exit_code(in.error()),
                     "Couldn't open file " + name + ": " + in.error().message());
  }
  auto r = copy(*in, job);
  r.details["path"] = in->path().string();
  r.details["file_size"] = in->size();
  co_return r;
}

}  // namespace cf_fetch
