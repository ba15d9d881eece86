#pragma once

#include <corofetch/page/loader.hpp>
#include <corofetch/url/url.hpp>

#include <filesystem>
#include <system_error>

namespace corofetch::page {

/// Where a URL's body is saved under a folder, as `wget -p` lays a page out: the host (and
/// "_PORT" for a port that is not the scheme's default), the path's folders, then the file
/// (url::local_file_name: "index.html" for a path ending in '/'), with "?QUERY" kept at its end.
/// Segments are percent-decoded; '/', '\' and NUL in them become '_', and "." or ".." become
/// "_", so the result is always relative and never leaves the folder.
[[nodiscard]] std::filesystem::path local_path(const url::url& u);

/// Writes the document's body and every image body kept (load_options::keep_bodies, ok()
/// images only) under `folder`, at local_path() of their final URLs, creating folders as
/// needed. Errors: the file system's (the first one met; what was written before it stays).
std::error_code save(const page_result& page, const std::filesystem::path& folder);

}  // namespace corofetch::page
