// Fuzzes the HTTP/2 client session (RFC 9113 over nghttp2) with what a hostile server sends.
// The session has three requests open (one with a body) when the server's bytes arrive; the
// first input byte says whether a valid empty SETTINGS frame (the server's preface) goes first,
// so that the fuzzer reaches the frames after it, and seeds the split sizes. The oracles:
// - each stream ends at most once, with stream_end or stream_reset, and no event names a stream
//   that was never opened; a stream_end comes after a final response head;
// - once receive() reports a connection error, every stream has ended;
// - however the bytes are split, each stream's outcome is the same (its status, body and end)
//   when no stream was reset (see same()).
#include <corofetch/http2/session.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace {

namespace http2 = corofetch::http2;

struct stream_outcome {
  int status = 0;
  std::string body;
  int ends = 0;  // stream_end and stream_reset events
  bool reset = false;
  std::error_code error;
  bool operator==(const stream_outcome&) const = default;
};

struct outcome {
  std::map<std::int32_t, stream_outcome> streams;
  std::error_code connection_error;
  bool operator==(const outcome&) const = default;
};

// The same outcome for every stream, when nothing was reset in either run. Once a stream is
// reset, what follows depends on when our RST_STREAM left (receive() writes control frames as
// soon as nghttp2 queues them, so a split gives them more chances): frames the server sends on
// that stream afterwards are ignored (RFC 9113 5.4.2) or, still in the same read, a connection
// error (5.1). Likewise bytes after a GOAWAY that ended the session break it only when read
// together with it. The safety checks above hold in every case.
bool same(const outcome& a, const outcome& b) {
  const auto any_reset = [](const outcome& o) {
    if (o.connection_error) return true;
    for (const auto& [id, st] : o.streams) {
      if (st.reset) return true;
    }
    return false;
  };
  if (any_reset(a) || any_reset(b)) return true;
  return a.streams == b.streams;
}

void check(bool ok) {
  if (!ok) std::abort();
}

void take_events(http2::session& s, outcome& o) {
  while (auto e = s.next_event()) {
    if (e->stream_id == 0) continue;  // the connection's own: SETTINGS, GOAWAY, PING
    const auto it = o.streams.find(e->stream_id);
    check(it != o.streams.end());
    stream_outcome& st = it->second;
    check(st.ends == 0);
    switch (e->type) {
      case http2::event::kind::response_head:
        st.status = e->status;
        break;
      case http2::event::kind::data:
        check(st.status != 0);
        st.body += e->data;
        break;
      case http2::event::kind::stream_end:
        check(st.status >= 200);
        ++st.ends;
        break;
      case http2::event::kind::stream_reset:
        ++st.ends;
        st.reset = true;
        st.error = e->error;
        break;
      default:
        break;
    }
  }
}

outcome run(std::string_view bytes, std::uint32_t seed) {
  http2::session_settings settings;
  settings.max_header_list_size = 4096;
  http2::session s(settings);
  outcome o;
  http2::request_head head;
  head.scheme = "https";
  head.authority = "example.test";
  for (const char* path : {"/a", "/b", "/c"}) {
    head.path = path;
    const bool post = path[1] == 'c';
    head.method = post ? "POST" : "GET";
    auto id = s.submit_request(head, post ? std::string("a body") : std::string());
    check(id.has_value());
    o.streams[*id];
  }
  std::string out;
  s.take_output(out);
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t step = bytes.size() - at;
    if (seed != 0) {
      seed = seed * 1103515245U + 12345U;
      step = std::min<std::size_t>(step, 1 + (seed >> 16U) % 23);
    }
    const std::string piece(bytes.substr(at, step));  // own allocation: ASan sees overreads
    at += step;
    const std::error_code ec = s.receive(piece);
    take_events(s, o);
    out.clear();
    s.take_output(out);
    if (ec) {
      o.connection_error = ec;
      for (const auto& [id, st] : o.streams) check(st.ends == 1);
      break;
    }
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string bytes;
  if ((data[0] & 1U) != 0) bytes.assign("\0\0\0\x04\0\0\0\0\0", 9);  // SETTINGS, empty
  // NOLINTNEXTLINE: the fuzzer's bytes as chars
  bytes.append(reinterpret_cast<const char*>(data + 1), size - 1);
  const outcome whole = run(bytes, 0);
  const outcome split = run(bytes, (data[0] >> 1U) + 1U);
  check(same(whole, split));
  return 0;
}
