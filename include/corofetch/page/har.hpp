#pragma once

#include <corofetch/page/loader.hpp>

#include <chrono>
#include <string>

namespace corofetch::page {

/// What an HTTP Archive says about its maker and the load.
struct har_options {
  std::string creator = "corofetch";  ///< log.creator.name
  std::string version;                ///< log.creator.version
  /// The wall-clock time the load started (its offsets are added to it).
  std::chrono::system_clock::time_point started;
  std::string page_id = "page_1";
};

/// The load as an HTTP Archive, HAR 1.2 (W3C Web Performance WG draft "HTTP Archive (HAR)
/// format", and the 1.2 specification it follows), as JSON text. One page; one entry per
/// exchange, so each redirect hop is its own entry with response.redirectURL, and a resource
/// that failed is an entry with status 0, the timings it reached and "_error". Each entry has
/// the request head as written on the wire (headers, cookies from Cookie, headersSize),
/// queryString, the response's status text, headers, cookies (Set-Cookie), headersSize (the
/// head as parsed: status line, fields and blank line), bodySize (bytes on the wire; -1 for a
/// redirect hop, whose body is not kept), serverIPAddress and connection (the client's
/// connection id). Timings add up to the entry's time: blocked is the time queued for a slot
/// (the loader's per-host and global limits, then the pool's), connect includes ssl as the
/// format says, a phase not reached is -1, and a failed exchange's time spent in the phase that
/// failed counts in that phase. pageTimings: onContentLoad is when the document's HTML had been
/// read and its requisites queued (no script runs here), onLoad when the last requisite ended;
/// both from the start of the load. Custom fields start with '_': _resourceType, _source,
/// _error. Never throws except std::bad_alloc.
[[nodiscard]] std::string to_har(const page_result& page, const har_options& options);

}  // namespace corofetch::page
