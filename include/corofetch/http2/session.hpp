#pragma once

#include <corofetch/http/body.hpp>
#include <corofetch/http/fields.hpp>
#include <corofetch/http2/error.hpp>
#include <corofetch/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>

namespace corofetch::http2 {

/// Our side's limits, sent in the client's SETTINGS (RFC 9113 6.5.2) and enforced on receipt.
struct session_settings {
  /// SETTINGS_INITIAL_WINDOW_SIZE: how much of each response body may be in flight; large, so
  /// one stream fills a fast link (nghttp2 sends WINDOW_UPDATE as bytes are consumed).
  std::uint32_t stream_window = std::uint32_t{4} << 20U;
  /// The connection's receive window, raised from 65,535 by a WINDOW_UPDATE on stream 0.
  std::uint32_t connection_window = std::uint32_t{16} << 20U;
  /// SETTINGS_MAX_HEADER_LIST_SIZE, and our own bound on each response's (and its trailers')
  /// field bytes, counted as RFC 9113 6.5.2 does (name + value + 32 per field). Below what
  /// max_continuations frames can carry, so a large block is this error, not a flood.
  std::uint32_t max_header_list_size = std::uint32_t{64} << 10U;
  /// CONTINUATION frames allowed after one HEADERS (nghttp2's default is 8); more ends the
  /// connection with errc::continuation_flood.
  std::size_t max_continuations = 8;
  /// False: response_head, informational and trailers events carry no fields and data events
  /// no bytes, only data_length. For a caller that counts responses and never reads them (a
  /// load generator): nothing is copied or allocated per field or per DATA frame.
  bool deliver_content = true;
};

/// The pseudo-header fields and fields of a request (RFC 9113 8.3.1). Field names are sent in
/// lowercase; connection-specific fields (Connection, Keep-Alive, Proxy-Connection,
/// Transfer-Encoding, Upgrade) are dropped and Host becomes :authority when that is empty
/// (RFC 9113 8.2.2, 8.3.1).
struct request_head {
  std::string method = "GET";
  std::string scheme = "https";
  std::string authority;
  std::string path = "/";
  http::fields fields;
};

/// Something that happened on the connection, as session::next_event() yields it in order.
struct event {
  enum class kind : std::uint8_t {
    response_head,  ///< a final response's status and fields (stream_id, status, fields)
    informational,  ///< a 1xx interim response (stream_id, status, fields)
    data,           ///< response body bytes (stream_id, data)
    trailers,       ///< trailer fields after the body (stream_id, fields)
    stream_end,     ///< the response ended normally; the stream is closed
    stream_reset,   ///< the stream ended early (stream_id, error, wire_code)
    settings,       ///< the peer's SETTINGS arrived (see session::peer_max_concurrent_streams)
    settings_ack,   ///< the peer acknowledged our SETTINGS
    goaway,         ///< the peer's GOAWAY (last_stream_id, wire_code, data = debug data)
    ping_ack,       ///< the peer answered our PING
  };
  kind type = kind::stream_end;
  std::int32_t stream_id = 0;
  int status = 0;
  http::fields fields;
  std::string data;
  /// data: how many body bytes arrived (data.size() unless session_settings::deliver_content
  /// is false).
  std::size_t data_length = 0;
  /// stream_reset: why, as an errc (header_list_too_large, refused_stream, unprocessed ...).
  std::error_code error;
  /// stream_reset and goaway: the RFC 9113 7 code on the wire (0 when the reset was ours and
  /// nothing was sent).
  std::uint32_t wire_code = 0;
  /// goaway: the highest stream id the server may have processed.
  std::int32_t last_stream_id = 0;
};

/// A client HTTP/2 session without I/O (RFC 9113) over nghttp2: the caller feeds it the bytes
/// read from the connection and writes the bytes it gives; framing, HPACK and flow control are
/// nghttp2's. Every submitted stream ends with exactly one stream_end or stream_reset event.
/// Not thread-safe; not movable (nghttp2 holds a pointer to it).
class session {
 public:
  /// A session that has queued the client connection preface: the magic, our SETTINGS
  /// (ENABLE_PUSH 0, the windows and the header list bound) and the connection WINDOW_UPDATE.
  explicit session(session_settings settings = {});
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Queues a request's HEADERS and, when `body` is not none, its DATA (a memory body or a
  /// streamed body_source read as flow control allows; a source's error resets the stream).
  /// Returns the stream id. Errors: errc::invalid_request (CR, LF or NUL in a field or
  /// pseudo-header, an empty method or path), errc::connection_closing (after a GOAWAY or once
  /// the session is over).
  result<std::int32_t> submit_request(const request_head& head, http::request_body body = {});

  /// Resets a stream with RST_STREAM(`wire_code`, CANCEL by default); its stream_reset event
  /// carries `reason`. Unknown or closed streams are ignored.
  void reset_stream(std::int32_t stream_id, std::error_code reason, std::uint32_t wire_code = 8);
  /// Queues a PING (RFC 9113 6.7); its answer is a ping_ack event.
  void ping();
  /// Queues GOAWAY(NO_ERROR) with the last stream id the peer opened (none for a client):
  /// no new streams; open ones may finish (RFC 9113 6.8).
  void shutdown();
  /// Ends the session at once with GOAWAY(`wire_code`); every open stream is reset with `why`.
  void terminate(std::error_code why, std::uint32_t wire_code);

  /// Feeds bytes read from the connection. Returns the connection's error when they break it
  /// (it is also connection_error() from then on): errc::protocol_error, flow_control_error,
  /// compression_error, frame_size_error, continuation_flood, not_http2, ...
  std::error_code receive(std::span<const char> bytes);
  /// Appends the bytes to write (frames nghttp2 has ready) to `out`, up to about `limit` bytes;
  /// returns how many were appended.
  std::size_t take_output(std::string& out, std::size_t limit = std::size_t{64} << 10U);
  /// The next event, in the order things happened; nullopt when there is none.
  std::optional<event> next_event();

  /// True while the connection is alive: the session still wants to read or write.
  [[nodiscard]] bool alive() const noexcept;
  /// True when take_output() would give bytes.
  [[nodiscard]] bool wants_write() const noexcept;
  /// The error that ended the connection (ours or the peer's GOAWAY code); none while fine.
  [[nodiscard]] std::error_code connection_error() const noexcept;
  /// True once the peer's first SETTINGS frame came (its connection preface, RFC 9113 3.4).
  [[nodiscard]] bool peer_settings_received() const noexcept;
  /// True once the peer acknowledged our SETTINGS.
  [[nodiscard]] bool settings_acknowledged() const noexcept;
  /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS (nghttp2 assumes 100 until its SETTINGS come).
  [[nodiscard]] std::uint32_t peer_max_concurrent_streams() const noexcept;
  /// The peer's SETTINGS_INITIAL_WINDOW_SIZE (65,535 until it says otherwise).
  [[nodiscard]] std::uint32_t peer_initial_window_size() const noexcept;
  /// True once a GOAWAY came from the peer or was sent by us.
  [[nodiscard]] bool going_away() const noexcept;
  /// Streams opened and not yet closed.
  [[nodiscard]] std::size_t open_streams() const noexcept;
  /// The window our side grants the peer on the connection (bytes it may still send).
  [[nodiscard]] std::int32_t connection_receive_window() const noexcept;

  struct impl;  // opaque: nghttp2's session lives in lib/http2

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace corofetch::http2
