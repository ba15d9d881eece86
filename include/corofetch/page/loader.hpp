#pragma once

#include <corofetch/client/client.hpp>
#include <corofetch/client/options.hpp>
#include <corofetch/client/response.hpp>
#include <corofetch/html/images.hpp>
#include <corofetch/http/fields.hpp>
#include <corofetch/result.hpp>

#include <asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace corofetch::page {

/// One resource of a page load: the document itself or one of its images.
struct resource {
  std::string url;        ///< the absolute URL requested
  std::string source;     ///< "document", or where the page named the image ("img src", ...)
  int status = 0;         ///< the final response's status; 0 when no response came
  std::error_code error;  ///< why no response came (DNS, connect, a timeout, ...); none if one did
  std::string error_detail;  ///< the error in words, with context
  std::string content_type;
  std::uint64_t bytes = 0;       ///< body bytes after content decoding
  std::uint64_t wire_bytes = 0;  ///< body bytes as received
  std::string final_url;         ///< after redirects ("" when no response came)
  std::size_t redirects = 0;
  client::timing timing;                 ///< the final exchange's phases
  bool reused = false;                   ///< the final exchange ran on a pooled connection
  std::chrono::nanoseconds started{0};   ///< when its fetch began, from the start of the load
  std::chrono::nanoseconds finished{0};  ///< when it ended, from the start of the load
  http::fields fields;                   ///< the final response's header fields
  std::string body;  ///< the body: always for the document, for images with keep_bodies

  /// A response with a 2xx status came.
  [[nodiscard]] bool ok() const noexcept { return !error && status >= 200 && status < 300; }
};

/// A page and its images, as a browser's first visit fetches them.
struct page_result {
  resource document;
  std::string title;              ///< the document's <title>, whitespace collapsed
  std::vector<resource> images;   ///< each distinct image to fetch, in the page's order
  std::size_t inline_images = 0;  ///< data: images, which need no request
  std::vector<html::skipped_reference> skipped;  ///< references not fetched, and why
  std::chrono::nanoseconds total{0};             ///< from the start to the last image
  std::size_t max_in_flight = 0;                 ///< the most image fetches running at one time

  /// Images that are not ok().
  [[nodiscard]] std::size_t failed() const noexcept;
  /// Body bytes of the document and every image (after decoding).
  [[nodiscard]] std::uint64_t bytes() const noexcept;
};

/// How a page is loaded.
struct load_options {
  std::size_t concurrency = 32;  ///< image fetches running at once, all hosts together
  std::size_t per_host = 6;      ///< image fetches running at once to one host (as browsers)
  /// The document's fetch (redirects are followed, as a browser does).
  client::fetch_options document = following_redirects();
  /// Each image's fetch.
  client::fetch_options images = following_redirects();
  /// Which references count as images (html::extract_options).
  html::extract_options extract;
  /// Keep each image's body in resource::body (for page::save); otherwise bodies are counted
  /// and dropped as they arrive.
  bool keep_bodies = false;
  /// Called on the loader's executor as each resource ends, the document first; never from
  /// inside the client. For progress displays.
  std::function<void(const resource&)> on_resource;

  static client::fetch_options following_redirects() {
    client::fetch_options o;
    o.follow_redirects = true;
    return o;
  }
};

/// Loads pages through a client (its pool, DNS cache and limits): fetches the document, finds
/// the images it names (html::extract_images, against the final URL after redirects), and
/// fetches them all concurrently, at most load_options::concurrency at once and per_host to
/// one host, in the page's order as slots free up. One loader can load many pages, one after
/// the other or at once, on the client's executor.
class loader {
 public:
  /// `c` must outlive the loader and every load.
  explicit loader(client::client& c, load_options options = {});

  [[nodiscard]] const load_options& options() const noexcept { return options_; }

  /// Loads the page at `url` (http or https). The result's document says how its fetch went:
  /// a transport failure or a non-2xx status is reported there, not as an error, and then no
  /// image is fetched; nor are they when the document is not HTML (Content-Type). Each image's
  /// failure is its own resource's. Errors: the URL's (corofetch.url), client::errc
  /// unsupported_scheme, html::errc when the document is too large to look into.
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
