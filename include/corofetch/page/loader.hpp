#pragma once

#include <corofetch/client/client.hpp>
#include <corofetch/client/options.hpp>
#include <corofetch/client/response.hpp>
#include <corofetch/html/images.hpp>
#include <corofetch/http/fields.hpp>
#include <corofetch/http/version.hpp>
#include <corofetch/result.hpp>

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::page {

/// Which of a page's requisites a load fetches.
enum class requisites : std::uint8_t {
  images,  ///< the images the HTML names (html::extract_images)
  /// What a browser fetches to show the page, as wget -p does: images, stylesheets, scripts
  /// (and module preloads), icons, preloads, frames (and what their HTML names), embeds,
  /// objects, tracks, manifests; then what each stylesheet, <style> element and style
  /// attribute names through url() and @import (images, fonts, stylesheets), recursively up to
  /// load_options::max_depth. Media (<video src>, <audio src>) is left out: browsers stream it
  /// on demand, it is not needed to show the page.
  all,
};

/// What a resource is to the page.
enum class resource_kind : std::uint8_t {
  document,    ///< the page itself
  image,       ///< an image: named by the HTML or by CSS
  stylesheet,  ///< <link rel=stylesheet>, preload as=style, or a CSS @import
  script,      ///< <script src>, modulepreload, preload as=script
  font,        ///< @font-face src, preload as=font
  icon,        ///< <link rel=icon> and the touch icons
  frame,       ///< an <iframe> or <frame> document
  other,       ///< embed, object, track, manifest, other preloads, other CSS url()s
};

/// A short name, e.g. "stylesheet".
[[nodiscard]] std::string_view to_string(resource_kind kind) noexcept;

/// One HTTP exchange of a resource's fetch: each redirect hop, then the final (or failed) one.
struct exchange {
  std::string url;
  std::string method = "GET";
  std::string request_head;  ///< as written on the wire; "" when nothing was written
  int status = 0;            ///< 0 when no response came
  std::string reason;        ///< the status line's reason phrase
  http::version version;
  http::fields fields;       ///< the response head's fields
  std::string redirect_url;  ///< for a redirect hop: the absolute URL it led to
  client::timing timing;     ///< the phases reached (zero for the rest)
  bool reused = false;
  asio::ip::tcp::endpoint remote;  ///< the address connected to (zero when none was)
  std::uint64_t connection_id = 0;
  std::chrono::nanoseconds started{0};  ///< from the start of the load
};

/// One resource of a page load: the document itself or one of its requisites.
struct resource {
  static constexpr std::size_t no_parent = std::numeric_limits<std::size_t>::max();

  std::string url;  ///< the absolute URL requested
  resource_kind kind = resource_kind::image;
  /// How it was named: "document", "img src", "link stylesheet", "script src", "css @import",
  /// "css background-image", "style attribute background", ...
  std::string source;
  /// Who named it: an index into page_result::images, or no_parent for the document's own
  /// HTML (and for the document).
  std::size_t parent = no_parent;
  std::size_t depth = 0;  ///< 0 the document; 1 what it names; 2 what those name; ...
  int status = 0;         ///< the final response's status; 0 when no response came
  std::error_code error;  ///< why no response came (DNS, connect, a timeout, ...); none if one did
  std::string error_detail;  ///< the error in words, with context
  std::string content_type;
  std::uint64_t bytes = 0;       ///< body bytes after content decoding
  std::uint64_t wire_bytes = 0;  ///< body bytes as received
  std::string final_url;         ///< after redirects ("" when no response came)
  std::size_t redirects = 0;
  client::timing timing;  ///< the final exchange's phases
  bool reused = false;    ///< the final exchange ran on a pooled connection
  /// When it was found and queued (waiting for a free slot), when its fetch began and when it
  /// ended, from the start of the load.
  std::chrono::nanoseconds queued{0};
  std::chrono::nanoseconds started{0};
  std::chrono::nanoseconds finished{0};
  http::fields fields;  ///< the final response's header fields
  /// The body: always for the document, stylesheets and frames; for the others with
  /// load_options::keep_bodies.
  std::string body;
  /// Every exchange of the fetch in order: redirect hops, then the final or failed one.
  std::vector<exchange> exchanges;

  /// A response with a 2xx status came.
  [[nodiscard]] bool ok() const noexcept { return !error && status >= 200 && status < 300; }
};

/// A reference the load did not fetch, and why.
struct skipped_reference {
  std::string reference;  ///< as written (or the absolute URL, for the load's own bounds)
  std::string source;     ///< where it was named, as resource::source
  std::string reason;     ///< "unsupported scheme", "other host", "depth bound", ...
};

/// A page and its requisites, as a browser's first visit fetches them.
struct page_result {
  resource document;
  std::string title;  ///< the document's <title>, whitespace collapsed
  /// Every requisite fetched, each URL once, in the order found: the page's own first, then
  /// what stylesheets and frames name as they arrive. Images only with requisites::images.
  std::vector<resource> images;
  std::size_t inline_images = 0;           ///< data: URLs, which need no request
  std::vector<skipped_reference> skipped;  ///< references not fetched, and why
  /// The document was fetched but could not be looked into (html::errc input_too_large or
  /// nesting_too_deep, ...): the reason no requisite was taken. None otherwise.
  std::error_code extraction_error;
  /// load_options::max_resources was reached: `dropped` requisites were not fetched.
  bool truncated = false;
  std::size_t dropped = 0;
  std::chrono::nanoseconds total{0};  ///< from the start to the last requisite
  /// When the document's HTML was read and its own requisites queued (DOMContentLoaded's
  /// counterpart), from the start of the load; total is the load's end (onLoad's).
  std::chrono::nanoseconds content_loaded{0};
  std::size_t max_in_flight = 0;  ///< the most requisite fetches running at one time
  /// The process ran out of file descriptors (EMFILE, ENFILE) while other fetches were running:
  /// the load went on at this concurrency from then on, each such fetch queued again (none is
  /// lost or failed for it). 0 when it never happened.
  std::size_t lowered_concurrency = 0;

  /// Requisites that are not ok().
  [[nodiscard]] std::size_t failed() const noexcept;
  /// Body bytes of the document and every requisite (after decoding).
  [[nodiscard]] std::uint64_t bytes() const noexcept;
};

/// How a page is loaded.
struct load_options {
  std::size_t concurrency = 32;  ///< requisite fetches running at once, all hosts together
  /// Requisite fetches running at once to one host over HTTP/1.1 (as browsers); a host that
  /// answers over HTTP/2 gets every fetch at once, within `concurrency` and its stream limit.
  std::size_t per_host = 6;
  page::requisites requisites = page::requisites::images;
  /// Only requisites on the document's host (after redirects), as wget -p does by default;
  /// browsers fetch from any host.
  bool same_host = false;
  /// How deep references are followed: 1 is what the page names, 2 what its stylesheets and
  /// frames name, and so on; deeper ones are listed in skipped ("depth bound").
  std::size_t max_depth = 8;
  /// At most this many requisites; the rest are counted in page_result::dropped.
  std::size_t max_resources = 10'000;
  /// The document's fetch (redirects are followed, as a browser does).
  client::fetch_options document = following_redirects();
  /// Each requisite's fetch.
  client::fetch_options images = following_redirects();
  /// Header fields set on every request (the document's and the requisites'), replacing the
  /// loader's own (Accept, Referer); one with an empty value removes that field (curl's -H).
  http::fields extra_fields;
  /// How images are found (html::extract_options; with requisites::all, only its srcset policy
  /// and lazy_attributes are read).
  html::extract_options extract;
  /// Keep each requisite's body in resource::body (for page::save); otherwise bodies other than
  /// stylesheets' and frames' are counted and dropped as they arrive.
  bool keep_bodies = false;
  /// Called on the loader's executor as each resource is found (queued), as its fetch starts,
  /// and as it ends (the document first); never from inside the client. For progress displays.
  std::function<void(const resource&)> on_queued;
  std::function<void(const resource&)> on_started;
  std::function<void(const resource&)> on_resource;

  static client::fetch_options following_redirects() {
    client::fetch_options o;
    o.follow_redirects = true;
    return o;
  }
};

/// Loads pages through a client (its pool, DNS cache and limits): fetches the document, finds
/// the requisites it names (against the final URL after redirects), and fetches them
/// concurrently, at most load_options::concurrency at once and per_host to one host, in the
/// order found as slots free up; stylesheets and frames are read as they arrive and what they
/// name joins the queue, each URL fetched once (so CSS that imports itself ends). One loader
/// can load many pages, one after the other or at once, on the client's executor.
class loader {
 public:
  /// `c` must outlive the loader and every load.
  explicit loader(client::client& c, load_options options = {});

  [[nodiscard]] const load_options& options() const noexcept { return options_; }

  /// Loads the page at `url` (http or https). The result's document says how its fetch went:
  /// a transport failure or a non-2xx status is reported there, not as an error, and then no
  /// requisite is fetched; nor are they when the document is not HTML (Content-Type), or when
  /// it cannot be looked into (page_result::extraction_error). Each requisite's failure is its
  /// own resource's. Errors: the URL's (corofetch.url), client::errc unsupported_scheme.
  /// Cancellation: the awaiting coroutine's cancellation slot stops every fetch in flight, and
  /// the load ends with asio::error::operation_aborted.
  /// The URL is taken by value: the coroutine starts when awaited, after a temporary the caller
  /// passed would be gone.
  asio::awaitable<result<page_result>> async_load(std::string url);

 private:
  client::client& client_;
  load_options options_;
};

}  // namespace corofetch::page
