// page::local_path and page::save: a loaded page written to disk in wget's layout.
#include <corofetch/page/save.hpp>

#include <fstream>
#include <string>
#include <string_view>

namespace corofetch::page {
namespace {

// A path segment as a file or folder name: percent-decoded, never a separator, NUL, "." or "..".
std::string segment_name(std::string_view raw) {
  std::string name = url::percent_decode(raw);
  for (char& c : name) {
    if (c == '/' || c == '\\' || c == '\0') c = '_';
  }
  if (name == "." || name == "..") return "_";
  return name;
}

std::error_code write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return ec;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return std::make_error_code(std::errc::io_error);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return std::make_error_code(std::errc::io_error);
  return {};
}

std::error_code save_resource(const resource& r, const std::filesystem::path& folder) {
  const std::string& where = r.final_url.empty() ? r.url : r.final_url;
  auto u = url::parse(where);
  if (!u) return u.error();
  return write_file(folder / local_path(*u), r.body);
}

}  // namespace

std::filesystem::path local_path(const url::url& u) {
  std::string host = segment_name(u.hostname());
  if (host.empty()) host = "_";
  if (const auto port = u.port()) host += "_" + std::to_string(*port);
  std::filesystem::path out = host;
  const std::string_view path = u.pathname();
  std::size_t at = path.empty() || path.front() != '/' ? 0 : 1;
  for (std::size_t slash = path.find('/', at); slash != std::string_view::npos;
       slash = path.find('/', at)) {
    const std::string_view dir = path.substr(at, slash - at);
    if (!dir.empty()) out /= segment_name(dir);
    at = slash + 1;
  }
  std::string file = url::local_file_name(u);
  if (const auto query = u.query(); query && !query->empty()) file += "?" + segment_name(*query);
  return out / file;
}

std::error_code save(const page_result& page, const std::filesystem::path& folder) {
  if (auto ec = save_resource(page.document, folder)) return ec;
  for (const resource& image : page.images) {
    if (!image.ok() || (image.body.empty() && image.bytes != 0)) continue;
    if (auto ec = save_resource(image, folder)) return ec;
  }
  return {};
}

}  // namespace corofetch::page
