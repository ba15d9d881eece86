// One exchange on a connection: the request written in one gathered write, the response read
// into the connection's buffer and parsed in place, the body decoded and delivered. This is the
// hot path of a keep-alive request: no allocation of its own in steady state (buffers, parser
// and request scratch are reused) and no timer syscall (see connection.hpp).

#include <corofetch/client/cookie_jar.hpp>
#include <corofetch/http/content_decoder.hpp>
#include <corofetch/http/status.hpp>
#include <corofetch/http/syntax.hpp>

#include "client/client_impl.hpp"
#include "client/redirect.hpp"

#include <optional>

#include <asio/experimental/as_tuple.hpp>
#include <asio/write.hpp>

namespace corofetch::client {

using detail::clock;

namespace {

constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

// Bodies of redirects that are followed are read and dropped so that the connection can be
// reused, but only up to this much: beyond it, closing is cheaper.
constexpr std::uint64_t max_discarded_body = std::uint64_t{1024} * 1024;

// The state of reading one response, kept out of the coroutine frame's hot locals.
struct reader {
  reader(detail::connection& conn, response& o, const fetch_options& opts)
      : c(conn), out(o), options(opts) {}

  detail::connection& c;
  response& out;
  const fetch_options& options;
  bool discard = false;
  bool abandoned = false;  // a redirect's body too long to drain: the connection is dropped
  bool head_done = false;
  std::optional<http::content_decoder> decoder;
  cookie_jar* jar = nullptr;  // set when the client keeps cookies
  const url::url* request_url = nullptr;

  std::error_code deliver(std::string_view data) {
    if (data.empty()) return {};
    out.body_bytes += data.size();
    if (options.sink != nullptr) {
      if (options.sink->write(data)) return errc::sink_failed;
      return {};
    }
    if (out.body_bytes > options.max_body_bytes) return errc::body_too_large;
    out.body.append(data);
    return {};
  }

  std::error_code take_piece(std::string_view piece) {
    out.wire_body_bytes += piece.size();
    if (discard) {
      abandoned = out.wire_body_bytes > max_discarded_body;
      return {};
    }
    if (!decoder) return deliver(piece);
    c.decoded.clear();
    if (auto ec = decoder->decode(piece, c.decoded); ec) return ec;
    return deliver(c.decoded);
  }

  std::error_code take_head(bool follow) {
    const http::response_head& h = c.parser.head();
    out.status = h.status;
    out.reason = h.reason;
    out.version = h.version;
    out.fields = h.fields;
    head_done = true;
    // RFC 6265 5.3: cookies are stored from every response head, a followed redirect's too.
    if (jar != nullptr) jar->store_all(h.fields, *request_url, jar->now());
    discard = follow && detail::is_redirect_status(h.status) && h.fields.contains("Location");
    if (discard) return {};
    if (options.decode_content) {
      if (auto coding = h.fields.find("Content-Encoding"); coding) {
        http::decoder_options d;
        d.max_decoded_bytes = options.max_decoded_bytes;
        auto created = http::content_decoder::create(h.fields.joined("Content-Encoding"), d);
        if (!created) return created.error();
        if (!created->is_identity()) {
          decoder.emplace(std::move(*created));
          out.decoded = true;
        }
      }
    }
    if (options.sink != nullptr && options.sink->begin()) return errc::sink_failed;
    return {};
  }

  std::error_code finish() {
    out.trailers = c.parser.trailers();
    if (discard) return {};
    if (decoder) {
      if (auto ec = decoder->finish(); ec) return ec;
    }
    if (options.sink != nullptr && options.sink->finish()) return errc::sink_failed;
    return {};
  }
};

}  // namespace

std::error_code client::impl::build_request(const request& req, const fetch_options& options,
                                            std::string& out) {
  http::request& r = scratch_;
  r.set_method(req.method);
  const url::url& u = req.url;
  if (proxy_ && u.scheme() == "http") {
    // Absolute-form for a forward proxy (RFC 9112 3.2.2), never with userinfo or fragment.
    std::string target;
    target.reserve(u.href().size());
    target.append(u.scheme()).append("://").append(u.host()).append(u.path_and_query());
    r.set_target(std::move(target));
  } else {
    r.set_target(std::string(u.path_and_query()));
  }
  http::fields& f = r.fields();
  f.clear();
  if (!req.fields.contains("Host")) f.add("Host", u.host());
  if (u.has_credentials() && !req.fields.contains("Authorization")) {
    // RFC 7617 Basic credentials from the URL's userinfo, percent-decoded.
    f.add("Authorization", "Basic " + http::base64_encode(http::percent_decode(u.username()) + ":" +
                                                          http::percent_decode(u.password())));
  }
  if (proxy_ && u.scheme() == "http" && proxy_->has_credentials() &&
      !req.fields.contains("Proxy-Authorization")) {
    f.add("Proxy-Authorization",
          "Basic " + http::base64_encode(http::percent_decode(proxy_->username()) + ":" +
                                         http::percent_decode(proxy_->password())));
  }
  if (options_.cookies && !req.fields.contains("Cookie")) {
    // RFC 6265 5.4: the jar's cookies for this URL, unless the request has its own.
    cookie_scratch_.clear();
    if (options_.cookies->append_cookie_header(u, options_.cookies->now(), cookie_scratch_)) {
      f.add("Cookie", cookie_scratch_);
    }
  }
  for (const http::field line : req.fields) f.add(line.name, line.value);
  r.set_body(req.body);
  out.clear();
  return http::serialize_to(r, out,
                            options.decode_content ? serialize_decoding_ : serialize_identity_);
}

asio::awaitable<detail::exchange_outcome> client::impl::exchange(detail::connection& c,
                                                                 const request& req, response& out,
                                                                 const fetch_options& options,
                                                                 clock::time_point total_deadline,
                                                                 bool follow) {
  detail::exchange_outcome result;
  if (auto ec = build_request(req, options, c.out); ec) {
    result.error = ec;
    result.reusable = true;  // nothing was written
    co_return result;
  }
  if (options.on_request_head) {
    const auto end = c.out.find("\r\n\r\n");
    options.on_request_head(
        std::string_view(c.out).substr(0, end == std::string::npos ? end : end + 4));
  }
  const auto& to = options.timeouts;
  auto bound = detail::bound_phase(to.response_head, errc::response_head_timeout, total_deadline);
  c.set_deadline(bound.deadline, bound.code);
  ++c.exchanges;

  auto mark = clock::now();
  std::error_code ec;
  if (c.is_tls()) {
    ec = (co_await c.stream().async_write(asio::buffer(c.out))).error;
  } else {
    // A request head fits the socket buffer: a non-blocking send almost always writes it all
    // at once, and then no completion goes through the scheduler (whose queued handler would
    // make the next epoll_wait a wasted non-blocking one). The rest, if any, is written async.
    auto& socket = c.stream().socket();
    const std::size_t sent = socket.send(asio::buffer(c.out), 0, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) ec.clear();
    if (!ec && sent < c.out.size()) {
      std::tie(ec, std::ignore) = co_await asio::async_write(
          socket, asio::buffer(c.out.data() + sent, c.out.size() - sent), use_tuple);
    }
  }
  if (ec) {
    result.error = c.timed_out() ? c.timed_out() : ec;
    co_return result;
  }
  auto now = clock::now();
  out.timing.sent = now - mark;
  mark = now;

  c.parser.expect(req.method);
  reader rd{c, out, options};
  if (options_.cookies) {
    rd.jar = options_.cookies.get();
    rd.request_url = &req.url;
  }
  const asio::mutable_buffer buffer(c.in.get(), detail::connection::read_buffer_size);
  for (;;) {
    std::size_t n = 0;
    if (c.is_tls()) {
      const net::io_result r = co_await c.stream().async_read_some(buffer);
      ec = r.error;
      n = r.bytes;
    } else {
      std::tie(ec, n) = co_await c.stream().socket().async_read_some(buffer, use_tuple);
    }
    if (ec) {
      if (c.timed_out()) {
        result.error = c.timed_out();
        co_return result;
      }
      const bool clean_end = ec == asio::error::eof ||
                             (ec == net::errc::tls_stream_truncated && result.any_response_byte);
      if (!clean_end) {
        result.error = ec;
        co_return result;
      }
      // The server closed: fine for a body that ends at close (RFC 9112 6.3 rule 8), a
      // truncation otherwise (never a success), empty_response when nothing arrived.
      if (auto end = c.parser.finish(); end) {
        result.error = end;
        co_return result;
      }
      if (!rd.head_done) {
        if (auto e = rd.take_head(follow); e) {
          result.error = e;
          co_return result;
        }
      }
      for (std::string_view piece : c.parser.body_pieces()) {
        if (auto e = rd.take_piece(piece); e) {
          result.error = e;
          co_return result;
        }
      }
      break;
    }
    if (!result.any_response_byte) {
      result.any_response_byte = true;
      now = clock::now();
      out.timing.first_byte = now - mark;
      mark = now;
    }
    auto consumed = c.parser.parse(std::string_view(c.in.get(), n));
    if (!consumed) {
      result.error = consumed.error();
      co_return result;
    }
    if (!rd.head_done && c.parser.head_complete()) {
      if (auto e = rd.take_head(follow); e) {
        result.error = e;
        co_return result;
      }
    }
    for (std::string_view piece : c.parser.body_pieces()) {
      if (auto e = rd.take_piece(piece); e) {
        result.error = e;
        co_return result;
      }
    }
    if (rd.abandoned) {
      result.reusable = false;
      break;
    }
    if (c.parser.complete()) {
      // Bytes after a complete response were not asked for (no pipelining): the connection's
      // framing can no longer be trusted.
      result.reusable = c.parser.keep_alive() && *consumed == n;
      break;
    }
    if (rd.head_done) {
      bound = detail::bound_phase(to.body_idle, errc::body_idle_timeout, total_deadline);
      c.set_deadline(bound.deadline, bound.code);
    }
  }
  c.clear_deadline();
  if (auto e = rd.finish(); e) {
    result.error = e;
    result.reusable = false;
    co_return result;
  }
  if (const auto connection = req.fields.find("Connection");
      connection && http::iequals(*connection, "close")) {
    result.reusable = false;  // the request asked for the connection to end (RFC 9112 9.6)
  }
  out.timing.done = clock::now() - mark;
  co_return result;
}

}  // namespace corofetch::client
