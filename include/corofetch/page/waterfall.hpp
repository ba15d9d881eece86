#pragma once

#include <corofetch/page/loader.hpp>

#include <cstddef>
#include <string>

namespace corofetch::page {

/// How a waterfall is drawn.
struct waterfall_options {
  std::size_t width = 100;  ///< columns in all (a terminal's width); at least 40 are used
  bool color = false;       ///< ANSI colours (SGR): phases as coloured blocks, statuses by class
};

/// The load as a waterfall, one text row per exchange (each redirect hop its own row), in the
/// order the resources were found: the start offset in milliseconds, the status (or ERR), the
/// URL's path, and a bar on a time axis scaled to the width, split into its phases: queued
/// ('.', waiting for a slot in the loader or the pool), dns ('d'), connect ('c'), tls ('s'),
/// wait ('w', the request sent until the first byte) and receive ('r'). A legend and the
/// axis' span end it. With colour the phases are coloured blocks and the status is green (2xx),
/// cyan (3xx), yellow (4xx) or red (5xx and errors). Never throws except std::bad_alloc.
[[nodiscard]] std::string render_waterfall(const page_result& page,
                                           const waterfall_options& options = {});

}  // namespace corofetch::page
