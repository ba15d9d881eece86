#include <corofetch/http/serializer.hpp>

#include "client/http2_exchange.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace corofetch::client::detail {

namespace {

// The connection's byte stream for http2::connection, which owns it: its reader and writer
// run detached and keep it alive until they end, so the stream never dies under them.
class stream_transport final : public http2::transport {
 public:
  explicit stream_transport(net::stream s) : stream_(std::move(s)) {}

  [[nodiscard]] asio::any_io_executor get_executor() override { return stream_.get_executor(); }

  asio::awaitable<std::pair<std::error_code, std::size_t>> async_read_some(
      asio::mutable_buffer buffer) override {
    const net::io_result got = co_await stream_.async_read_some(buffer);
    co_return std::pair<std::error_code, std::size_t>{got.error, got.bytes};
  }

  asio::awaitable<std::error_code> async_write(asio::const_buffer buffer) override {
    const net::io_result written = co_await stream_.async_write(buffer);
    co_return written.error;
  }

  void close() noexcept override { stream_.close(); }

 private:
  net::stream stream_;
};

// The policy's receiver as an HTTP/2 response handler, with the phase bounds of HTTP/1.1: the
// head within timeouts::response_head of the request, then no silence longer than
// timeouts::body_idle between DATA frames, all within the total.
class receiver_handler final : public http2::response_handler {
 public:
  receiver_handler(response_receiver& rx, const timeouts& to, clock::time_point total) noexcept
      : rx_(rx),
        to_(to),
        total_(total),
        head_bound_(bound_phase(to.response_head, errc::response_head_timeout, total)) {}

  void on_submitted() noexcept override { rx_.mark_sent(); }
  std::error_code on_interim(const http::response_head& /*head*/) override {
    first_byte();
    return {};
  }
  std::error_code on_head(const http::response_head& head) override {
    first_byte();
    return rx_.on_head(head);
  }
  std::error_code on_data(std::string_view piece) override {
    last_data_ = clock::now();
    if (auto ec = rx_.on_body(piece); ec) return ec;
    // A followed redirect's body too long to drain: only its stream is reset.
    if (rx_.abandoned()) return abandon_;
    return {};
  }
  std::error_code on_trailers(const http::fields& trailers) override {
    trailers_ = trailers;
    return {};
  }
  [[nodiscard]] bound current_bound() const noexcept override {
    if (!any_byte_) return {head_bound_.deadline, head_bound_.code};
    if (to_.body_idle.count() <= 0 || total_ <= last_data_ + to_.body_idle) {
      return {total_, errc::total_timeout};
    }
    return {last_data_ + to_.body_idle, errc::body_idle_timeout};
  }

  [[nodiscard]] bool any_byte() const noexcept { return any_byte_; }
  [[nodiscard]] bool abandoned(std::error_code ec) const noexcept { return ec == abandon_; }
  [[nodiscard]] const http::fields& trailers() const noexcept { return trailers_; }

 private:
  void first_byte() noexcept {
    if (any_byte_) return;
    any_byte_ = true;
    last_data_ = clock::now();
    rx_.mark_first_byte();
  }

  // Only compared with, never reported: the redirect's drain is over.
  const std::error_code abandon_ = std::make_error_code(std::errc::operation_canceled);
  response_receiver& rx_;
  const timeouts& to_;
  clock::time_point total_;
  phase_bound head_bound_;
  clock::time_point last_data_{};
  bool any_byte_ = false;
  http::fields trailers_;
};

// The message as HTTP/2 sends it: the serializer's defaults (User-Agent, Accept,
// Accept-Encoding) made explicit; Host becomes :authority in the session.
http::request h2_message(const exchange_request& r) {
  http::request m(r.message.method(), std::string(r.message.target()));
  http::fields& f = m.fields();
  f = r.message.fields();
  http::for_each_default_field(
      r.message.fields(), r.serialize,
      [&f](std::string_view name, std::string_view value) { f.add(name, value); });
  m.set_body(r.message.body());
  return m;
}

// What a verbose log shows of the request (curl -v prints HTTP/2 requests the same way).
std::string head_text(const http::request& m) {
  std::string text;
  text.append(m.method().name()).append(" ").append(m.target()).append(" HTTP/2\r\n");
  for (const http::field line : m.fields()) {
    text.append(line.name).append(": ").append(line.value).append("\r\n");
  }
  text.append("\r\n");
  return text;
}

}  // namespace

asio::awaitable<result<std::unique_ptr<exchange>>> http2_exchange::async_open(
    net::stream s, http2::connection_options options, std::size_t max_streams) {
  auto t = std::make_unique<stream_transport>(std::move(s));
  // The operands are named: g++ 12 can destroy temporaries of a co_await expression twice.
  auto start = http2::connection::async_start(std::move(t), std::move(options));
  auto started = co_await std::move(start);
  if (!started) co_return started.error();
  std::unique_ptr<exchange> x = std::make_unique<http2_exchange>(std::move(*started), max_streams);
  co_return x;
}

http2_exchange::http2_exchange(std::shared_ptr<http2::connection> c,
                               std::size_t max_streams) noexcept
    : conn_(std::move(c)), max_streams_(std::max<std::size_t>(max_streams, 1)) {}

http2_exchange::~http2_exchange() {
  conn_->close();
}

std::size_t http2_exchange::capacity() const noexcept {
  const std::size_t peer = conn_->max_concurrent_streams();
  return std::max<std::size_t>(1, std::min(peer, max_streams_));
}

asio::awaitable<exchange_outcome> http2_exchange::async_exchange(const exchange_request& r,
                                                                 response_receiver& rx) {
  exchange_outcome result;
  // Built before the first suspension (exchange_request::message).
  http::request message = h2_message(r);
  if (r.options.on_request_head) r.options.on_request_head(head_text(message));
  const auto conn = conn_;  // the connection outlives this exchange's suspension
  receiver_handler handler(rx, r.options.timeouts, r.total_deadline);
  rx.mark_start();
  const http2::fetch_options bounds;  // the handler's bounds apply (current_bound)
  auto fetch = conn->async_fetch(std::move(message), bounds, handler);
  const std::error_code ec = co_await std::move(fetch);
  // A stream's failure leaves the connection to the others; a connection's ends it for all.
  result.reusable = conn->is_open();
  // A stream reset on a live connection is the server's answer, not a stale connection's
  // symptom: no retry (one the server did not process is `unprocessed`).
  result.any_response_byte = handler.any_byte() || result.reusable;
  if (ec && !handler.abandoned(ec)) {
    result.error = ec;
    result.unprocessed = http2::is_retryable(ec);
    co_return result;
  }
  if (auto end = rx.on_end(handler.trailers()); end) {
    result.error = end;
    co_return result;
  }
  rx.mark_done();
  co_return result;
}

}  // namespace corofetch::client::detail
