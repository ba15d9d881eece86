// The policy's side of a response (exchange.hpp): cookies, redirect draining, decoding,
// delivery and timing, the same for every protocol.

#include <corofetch/client/cookie_jar.hpp>
#include <corofetch/client/sink.hpp>

#include "client/exchange.hpp"
#include "client/redirect.hpp"

namespace corofetch::client::detail {

namespace {

// Bodies of redirects that are followed are read and dropped so that the connection can be
// reused, but only up to this much: beyond it, closing is cheaper.
constexpr std::uint64_t max_discarded_body = std::uint64_t{1024} * 1024;

}  // namespace

phase_bound bound_phase(std::chrono::milliseconds phase, errc phase_code,
                        clock::time_point total_deadline) noexcept {
  clock::time_point deadline = clock::time_point::max();
  if (phase.count() > 0) deadline = clock::now() + phase;
  if (total_deadline <= deadline) return {total_deadline, errc::total_timeout};
  return {deadline, phase_code};
}

response_receiver::response_receiver(response& out, const fetch_options& options, bool follow,
                                     cookie_jar* jar, const url::url& request_url,
                                     std::string& decode_scratch) noexcept
    : out_(out),
      options_(options),
      jar_(jar),
      request_url_(request_url),
      decoded_(decode_scratch),
      mark_(clock::now()),
      follow_(follow) {}

void response_receiver::mark_sent() noexcept {
  const auto now = clock::now();
  out_.timing.sent = now - mark_;
  mark_ = now;
}

void response_receiver::mark_first_byte() noexcept {
  const auto now = clock::now();
  out_.timing.first_byte = now - mark_;
  mark_ = now;
}

void response_receiver::mark_done() noexcept {
  out_.timing.done = clock::now() - mark_;
}

std::error_code response_receiver::deliver(std::string_view data) {
  if (data.empty()) return {};
  out_.body_bytes += data.size();
  if (options_.sink != nullptr) {
    if (options_.sink->write(data)) return errc::sink_failed;
    return {};
  }
  if (out_.body_bytes > options_.max_body_bytes) return errc::body_too_large;
  out_.body.append(data);
  return {};
}

std::error_code response_receiver::on_body(std::string_view piece) {
  out_.wire_body_bytes += piece.size();
  if (discard_) {
    abandoned_ = out_.wire_body_bytes > max_discarded_body;
    return {};
  }
  if (!decoder_) return deliver(piece);
  decoded_.clear();
  if (auto ec = decoder_->decode(piece, decoded_); ec) return ec;
  return deliver(decoded_);
}

std::error_code response_receiver::on_head(const http::response_head& h) {
  out_.status = h.status;
  out_.reason = h.reason;
  out_.version = h.version;
  out_.fields = h.fields;
  head_done_ = true;
  // RFC 6265 5.3: cookies are stored from every response head, a followed redirect's too.
  if (jar_ != nullptr) jar_->store_all(h.fields, request_url_, jar_->now());
  discard_ = follow_ && is_redirect_status(h.status) && h.fields.contains("Location");
  if (discard_) return {};
  if (options_.decode_content) {
    if (auto coding = h.fields.find("Content-Encoding"); coding) {
      http::decoder_options d;
      d.max_decoded_bytes = options_.max_decoded_bytes;
      auto created = http::content_decoder::create(h.fields.joined("Content-Encoding"), d);
      if (!created) return created.error();
      if (!created->is_identity()) {
        decoder_.emplace(std::move(*created));
        out_.decoded = true;
      }
    }
  }
  if (options_.sink != nullptr && options_.sink->begin()) return errc::sink_failed;
  return {};
}

std::error_code response_receiver::on_end(const http::fields& trailers) {
  out_.trailers = trailers;
  if (discard_) return {};
  if (decoder_) {
    if (auto ec = decoder_->finish(); ec) return ec;
  }
  if (options_.sink != nullptr && options_.sink->finish()) return errc::sink_failed;
  return {};
}

}  // namespace corofetch::client::detail
