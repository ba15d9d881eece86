#pragma once

#include <corofetch/page/loader.hpp>
#include <corofetch/url/url.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace corofetch::page {

/// The longest file or folder name page::save writes, in bytes (NAME_MAX of Linux file systems).
inline constexpr std::size_t max_name_bytes = 255;

/// Where a URL's body is saved under a folder, as `wget -p` lays a page out: the host (and
/// ":PORT" for a port that is not the scheme's default), the path's folders, then the file
/// (url::local_file_name: "index.html" for a path ending in '/'), with "?QUERY" kept at its end.
/// Segments are percent-decoded; '/', '\' and NUL in them become '_', and "." or ".." become
/// "_", so the result is always relative and never leaves the folder. A name over
/// max_name_bytes keeps its first 200 bytes (whole UTF-8 characters) and ends in "~" and 16 hex
/// digits of url::fingerprint of the whole name: short, the same in every run, and distinct.
[[nodiscard]] std::filesystem::path local_path(const url::url& u);

/// How a page is saved.
struct save_options {
  /// Rewrite the saved HTML (the document, frames) and CSS so that their references point at
  /// the saved copies by relative paths, and the rest at their absolute URLs (wget
  /// --convert-links), so the copy opens offline with its images and styles.
  bool convert_links = false;
};

/// `target` (a local_path()) as a relative URL reference from the file `from` (another
/// local_path()): "../img/a.png"; bytes a URL would read otherwise ('%', '?', '#', space,
/// quotes, controls) are percent-encoded, so "p.png?v=2" is written "p.png%3Fv=2".
[[nodiscard]] std::string relative_link(const std::filesystem::path& from,
                                        const std::filesystem::path& target);

/// Writes the document's body and every requisite body kept (load_options::keep_bodies, ok()
/// requisites only) under `folder`, at local_path() of their final URLs, creating folders as
/// needed; with options.convert_links the HTML and CSS are rewritten first. Errors: the file
/// system's (the first one met; what was written before it stays).
std::error_code save(const page_result& page, const std::filesystem::path& folder,
                     const save_options& options = {});

}  // namespace corofetch::page
