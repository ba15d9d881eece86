// The sans-I/O client session over nghttp2 (RFC 9113). nghttp2 calls back from inside
// nghttp2_session_mem_recv/mem_send; the callbacks only record what happened as events, which
// the caller takes with next_event() afterwards (STYLE 4: never user code inside a C callback).
#include <corofetch/http2/session.hpp>

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace corofetch::http2 {

namespace {

// receive() serializes up to this much of nghttp2's answer at once (frames other than DATA go
// first, so a GOAWAY it queued is among them).
constexpr std::size_t eager_output_limit = std::size_t{16} << 10U;

// RFC 9113 6.5.2: a field's size is its name's and value's octets plus 32.
constexpr std::size_t field_overhead = 32;

std::string_view as_view(const std::uint8_t* p, std::size_t n) noexcept {
  return {reinterpret_cast<const char*>(p), n};  // NOLINT: nghttp2 hands out bytes as uint8_t
}

std::error_code from_library_error(int rv, bool preface_seen) noexcept {
  switch (rv) {
    case NGHTTP2_ERR_TOO_MANY_CONTINUATIONS:
      return errc::continuation_flood;
    case NGHTTP2_ERR_HEADER_COMP:
      return errc::compression_error;
    case NGHTTP2_ERR_FLOW_CONTROL:
      return errc::flow_control_error;
    case NGHTTP2_ERR_FRAME_SIZE_ERROR:
      return preface_seen ? std::error_code(errc::frame_size_error) : errc::not_http2;
    case NGHTTP2_ERR_FLOODED:
      return errc::enhance_your_calm;
    case NGHTTP2_ERR_CALLBACK_FAILURE:
    case NGHTTP2_ERR_NOMEM:
      return errc::internal_error;
    default:
      return preface_seen ? std::error_code(errc::protocol_error) : errc::not_http2;
  }
}

// RFC 9113 8.2.2: fields that only mean something to an HTTP/1.1 connection.
bool connection_specific(std::string_view lower_name) noexcept {
  return lower_name == "connection" || lower_name == "keep-alive" ||
         lower_name == "proxy-connection" || lower_name == "transfer-encoding" ||
         lower_name == "upgrade" || lower_name == "host";
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool valid_name(std::string_view lower_name) noexcept {
  // NOLINTNEXTLINE: nghttp2 takes bytes as uint8_t
  return nghttp2_check_header_name(reinterpret_cast<const std::uint8_t*>(lower_name.data()),
                                   lower_name.size()) != 0;
}

bool valid_value(std::string_view value) noexcept {
  // NOLINTNEXTLINE: nghttp2 takes bytes as uint8_t
  return nghttp2_check_header_value(reinterpret_cast<const std::uint8_t*>(value.data()),
                                    value.size()) != 0;
}

nghttp2_nv make_nv(const std::string& name, const std::string& value) noexcept {
  // NOLINTBEGIN: nghttp2's name/value pair points at our strings, which it copies at submit
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
          value.size(), NGHTTP2_NV_FLAG_NONE};
  // NOLINTEND
}

}  // namespace

struct session::impl {
  struct stream_state {
    http::request_body body;
    std::size_t body_offset = 0;
    bool end_received = false;
    std::error_code local_error;
    std::uint32_t local_wire_code = 0;
    // The field block being received.
    std::size_t block_bytes = 0;
    int status = 0;
    http::fields fields;
    bool final_head_seen = false;
  };

  nghttp2_session* ng = nullptr;
  session_settings settings;
  std::unordered_map<std::int32_t, stream_state> streams;
  std::deque<event> events;
  std::error_code connection_error;
  bool peer_settings = false;
  bool settings_acked = false;
  bool goaway_received = false;
  bool local_goaway = false;
  std::int32_t goaway_last_stream_id = 0;
  int invalid_frame_error = 0;  // nghttp2's reason when it refused a frame
  std::string pending_output;   // serialized by receive(), handed out first by take_output()

  impl() = default;
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
  ~impl() {
    if (ng != nullptr) nghttp2_session_del(ng);
  }

  static impl& self(void* user_data) noexcept { return *static_cast<impl*>(user_data); }

  stream_state* find(std::int32_t id) noexcept {
    const auto it = streams.find(id);
    return it == streams.end() ? nullptr : &it->second;
  }

  void push(event e) { events.push_back(std::move(e)); }

  void emit_reset(std::int32_t id, std::error_code why, std::uint32_t wire_code) {
    event e;
    e.type = event::kind::stream_reset;
    e.stream_id = id;
    e.error = why;
    e.wire_code = wire_code;
    push(std::move(e));
    streams.erase(id);
  }

  // Streams nghttp2 will no longer report: the connection is over.
  void fail_all(std::error_code why) {
    std::vector<std::int32_t> ids;
    ids.reserve(streams.size());
    for (const auto& [id, s] : streams) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    for (const auto id : ids) {
      const auto* s = find(id);
      const auto reason = (s != nullptr && s->local_error) ? s->local_error : why;
      emit_reset(id, reason, 0);
    }
  }

  std::error_code close_reason(std::int32_t id, const stream_state& s, std::uint32_t code) const {
    if (s.local_error) return s.local_error;
    if (goaway_received && id > goaway_last_stream_id) return errc::unprocessed;
    if (code != NGHTTP2_NO_ERROR) return from_wire_code(code);
    if (connection_error) return connection_error;
    return errc::stream_reset;
  }

  // --- nghttp2 callbacks -----------------------------------------------------------------------

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto& self_ = self(user_data);
    if (auto* s = self_.find(frame->hd.stream_id)) {
      s->block_bytes = 0;
      s->status = 0;
      s->fields.clear();
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t, void* user_data) {
    auto& self_ = self(user_data);
    auto* s = self_.find(frame->hd.stream_id);
    if (s == nullptr || s->local_error) return 0;
    s->block_bytes += namelen + valuelen + field_overhead;
    if (s->block_bytes > self_.settings.max_header_list_size) {
      // nghttp2 resets the stream (keeping HPACK in step) and closes it afterwards.
      s->local_error = errc::header_list_too_large;
      s->local_wire_code = NGHTTP2_INTERNAL_ERROR;
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    const auto n = as_view(name, namelen);
    const auto v = as_view(value, valuelen);
    if (n == ":status") {
      int code = 0;
      for (const char c : v) code = code * 10 + (c - '0');  // nghttp2 checked: three digits
      s->status = code;
    } else if (self_.settings.deliver_content) {
      s->fields.add(n, v);
    }
    return 0;
  }

  void on_headers_frame(const nghttp2_frame& frame, stream_state& s) {
    event e;
    e.stream_id = frame.hd.stream_id;
    e.fields = std::move(s.fields);
    s.fields = {};
    if (s.status == 0) {
      e.type = event::kind::trailers;
    } else {
      e.status = s.status;
      e.type = (s.status < 200) ? event::kind::informational : event::kind::response_head;
      if (s.status >= 200) s.final_head_seen = true;
    }
    s.status = 0;
    push(std::move(e));
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto& self_ = self(user_data);
    const auto id = frame->hd.stream_id;
    switch (frame->hd.type) {
      case NGHTTP2_HEADERS:
        if (auto* s = self_.find(id); s != nullptr && !s->local_error)
          self_.on_headers_frame(*frame, *s);
        break;
      case NGHTTP2_SETTINGS: {
        event e;
        if ((frame->hd.flags & NGHTTP2_FLAG_ACK) != 0) {
          self_.settings_acked = true;
          e.type = event::kind::settings_ack;
        } else {
          self_.peer_settings = true;
          e.type = event::kind::settings;
        }
        self_.push(std::move(e));
        break;
      }
      case NGHTTP2_GOAWAY: {
        self_.goaway_received = true;
        self_.goaway_last_stream_id = frame->goaway.last_stream_id;
        event e;
        e.type = event::kind::goaway;
        e.last_stream_id = frame->goaway.last_stream_id;
        e.wire_code = frame->goaway.error_code;
        e.data.assign(as_view(frame->goaway.opaque_data, frame->goaway.opaque_data_len));
        if (e.wire_code != NGHTTP2_NO_ERROR && !self_.connection_error) {
          self_.connection_error = errc::goaway;
        }
        self_.push(std::move(e));
        break;
      }
      case NGHTTP2_PING:
        if ((frame->hd.flags & NGHTTP2_FLAG_ACK) != 0) {
          event e;
          e.type = event::kind::ping_ack;
          self_.push(std::move(e));
        }
        break;
      default:
        break;
    }
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
      if (auto* s = self_.find(id)) s->end_received = true;
    }
    return 0;
  }

  static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id,
                           const std::uint8_t* data, std::size_t len, void* user_data) {
    auto& self_ = self(user_data);
    auto* s = self_.find(id);
    if (s == nullptr || s->local_error) return 0;
    event e;
    e.type = event::kind::data;
    e.stream_id = id;
    e.data_length = len;
    if (self_.settings.deliver_content) e.data.assign(as_view(data, len));
    self_.push(std::move(e));
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t code,
                             void* user_data) {
    auto& self_ = self(user_data);
    auto* s = self_.find(id);
    if (s == nullptr) return 0;
    if (!s->local_error && code == NGHTTP2_NO_ERROR && s->end_received && s->final_head_seen) {
      event e;
      e.type = event::kind::stream_end;
      e.stream_id = id;
      self_.push(std::move(e));
      self_.streams.erase(id);
      return 0;
    }
    const auto wire = s->local_error ? s->local_wire_code : code;
    self_.emit_reset(id, self_.close_reason(id, *s, code), wire);
    return 0;
  }

  static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto& self_ = self(user_data);
    if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR &&
        !self_.connection_error) {
      // nghttp2 found the peer breaking the protocol and ends the connection (RFC 9113 5.4.1).
      // Before the peer's SETTINGS, its first frame was not HTTP/2's (RFC 9113 3.4).
      self_.connection_error = self_.peer_settings
                                   ? std::error_code(from_wire_code(frame->goaway.error_code))
                                   : std::error_code(errc::not_http2);
    }
    return 0;
  }

  static int on_invalid_frame(nghttp2_session*, const nghttp2_frame*, int lib_error,
                              void* user_data) {
    self(user_data).invalid_frame_error = lib_error;
    return 0;
  }

  static int on_frame_not_send(nghttp2_session*, const nghttp2_frame* frame, int, void* user_data) {
    auto& self_ = self(user_data);
    // A request whose HEADERS never left: no stream was opened, nghttp2 will not close it.
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    const auto id = frame->hd.stream_id;
    if (auto* s = self_.find(id)) {
      const auto why = s->local_error
                           ? s->local_error
                           : std::error_code(self_.goaway_received ? errc::unprocessed
                                                                   : errc::connection_closing);
      self_.emit_reset(id, why, 0);
    }
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto& s = *static_cast<stream_state*>(source->ptr);
    const auto& body = s.body;
    if (body.type() == http::request_body::kind::memory) {
      const auto bytes = body.bytes();
      const auto n = std::min(length, bytes.size() - s.body_offset);
      std::memcpy(buf, bytes.data() + s.body_offset, n);
      s.body_offset += n;
      if (s.body_offset == bytes.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    }
    auto* src = body.source();
    // NOLINTNEXTLINE: the buffer nghttp2 lends us, as chars
    auto got = src->read(std::span<char>(reinterpret_cast<char*>(buf), length));
    if (!got) {
      s.local_error = got.error();
      s.local_wire_code = NGHTTP2_INTERNAL_ERROR;
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // resets the stream
    }
    if (*got == 0) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(*got);
  }

  void create(const session_settings& s);
};

void session::impl::create(const session_settings& s) {
  settings = s;
  nghttp2_session_callbacks* cbs = nullptr;
  nghttp2_session_callbacks_new(&cbs);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &impl::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cbs, &impl::on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &impl::on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &impl::on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &impl::on_stream_close);
  nghttp2_session_callbacks_set_on_frame_send_callback(cbs, &impl::on_frame_send);
  nghttp2_session_callbacks_set_on_frame_not_send_callback(cbs, &impl::on_frame_not_send);
  nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(cbs, &impl::on_invalid_frame);
  nghttp2_option* opt = nullptr;
  nghttp2_option_new(&opt);
  nghttp2_option_set_max_continuations(opt, s.max_continuations);
  nghttp2_session_client_new2(&ng, cbs, this, opt);
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cbs);

  const std::array<nghttp2_settings_entry, 3> entries{{
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, s.stream_window},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, s.max_header_list_size},
  }};
  nghttp2_submit_settings(ng, NGHTTP2_FLAG_NONE, entries.data(), entries.size());
  // RFC 9113 6.9.2: the connection window starts at 65,535 whatever SETTINGS say.
  nghttp2_session_set_local_window_size(ng, NGHTTP2_FLAG_NONE, 0,
                                        static_cast<std::int32_t>(s.connection_window));
}

session::session(session_settings settings) : impl_(std::make_unique<impl>()) {
  impl_->create(settings);
}

session::~session() = default;

namespace {

struct header_list {
  std::vector<std::string> names;
  std::vector<std::string> values;
};

std::error_code collect_fields(const request_head& head, std::string& authority, header_list& out) {
  for (const auto f : head.fields) {
    auto name = lowercase(f.name);
    if (!valid_name(name) || !valid_value(f.value)) return errc::invalid_request;
    if (name == "host") {
      if (authority.empty()) authority = f.value;
      continue;
    }
    // RFC 9113 8.2.2: TE may only say "trailers".
    if (connection_specific(name) || (name == "te" && f.value != "trailers")) continue;
    out.names.push_back(std::move(name));
    out.values.emplace_back(f.value);
  }
  return {};
}

}  // namespace

result<std::int32_t> session::submit_request(const request_head& head, http::request_body body) {
  auto& m = *impl_;
  if (m.goaway_received || m.connection_error || nghttp2_session_want_read(m.ng) == 0) {
    return errc::connection_closing;
  }
  std::string authority = head.authority;
  header_list list;
  list.names = {":method", ":scheme", ":authority", ":path"};
  list.values = {head.method, head.scheme, "", head.path};
  if (auto ec = collect_fields(head, authority, list)) return ec;
  list.values[2] = authority;
  if (head.method.empty() || head.path.empty() || !valid_name(lowercase(head.method)) ||
      !valid_value(authority) || !valid_value(head.path) || !valid_value(head.scheme)) {
    return errc::invalid_request;
  }
  if (const auto len = body.length(); len && *len > 0) {
    list.names.emplace_back("content-length");
    list.values.push_back(std::to_string(*len));
  }
  std::vector<nghttp2_nv> nva;
  nva.reserve(list.names.size());
  for (std::size_t i = 0; i < list.names.size(); ++i)
    nva.push_back(make_nv(list.names[i], list.values[i]));

  // The stream's state must exist before nghttp2 can call back about it, at an address that
  // stays put (unordered_map nodes do): it goes in under key -1, which no stream has (RFC 9113
  // 5.1.1: ids are positive), and is re-keyed to the id nghttp2 assigns.
  impl::stream_state state;
  state.body = std::move(body);
  const bool has_body = state.body.type() != http::request_body::kind::none;
  auto [it, inserted] = m.streams.try_emplace(-1, std::move(state));
  (void)inserted;
  nghttp2_data_provider provider{};
  provider.source.ptr = &it->second;
  provider.read_callback = &impl::read_body;
  const auto id = nghttp2_submit_request(m.ng, nullptr, nva.data(), nva.size(),
                                         has_body ? &provider : nullptr, nullptr);
  auto node = m.streams.extract(-1);
  if (id < 0)
    return id == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE ? errc::connection_closing
                                                     : errc::invalid_request;
  node.key() = id;
  m.streams.insert(std::move(node));
  return id;
}

void session::reset_stream(std::int32_t stream_id, std::error_code reason,
                           std::uint32_t wire_code) {
  auto& m = *impl_;
  auto* s = m.find(stream_id);
  if (s == nullptr) return;
  s->local_error = reason;
  s->local_wire_code = wire_code;
  nghttp2_submit_rst_stream(m.ng, NGHTTP2_FLAG_NONE, stream_id, wire_code);
}

void session::ping() {
  nghttp2_submit_ping(impl_->ng, NGHTTP2_FLAG_NONE, nullptr);
}

void session::shutdown() {
  auto& m = *impl_;
  m.local_goaway = true;
  nghttp2_submit_goaway(m.ng, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(m.ng),
                        NGHTTP2_NO_ERROR, nullptr, 0);
}

void session::terminate(std::error_code why, std::uint32_t wire_code) {
  auto& m = *impl_;
  if (!m.connection_error) m.connection_error = why;
  m.local_goaway = true;
  nghttp2_session_terminate_session(m.ng, wire_code);
  m.fail_all(why);
}

std::error_code session::receive(std::span<const char> bytes) {
  auto& m = *impl_;
  if (m.connection_error && nghttp2_session_want_read(m.ng) == 0) return m.connection_error;
  // NOLINTNEXTLINE: nghttp2 reads bytes as uint8_t
  const auto rv = nghttp2_session_mem_recv(
      m.ng, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  if (rv < 0) {
    const auto ec = from_library_error(static_cast<int>(rv), m.peer_settings);
    if (!m.connection_error) m.connection_error = ec;
    m.fail_all(m.connection_error);
    return m.connection_error;
  }
  // What nghttp2 queued in answer (SETTINGS ACK, PING ACK, a GOAWAY for a violation) is
  // serialized now, control frames first, so that a connection error is known here.
  std::size_t eager = 0;
  while (eager < eager_output_limit && nghttp2_session_want_write(m.ng) != 0) {
    const std::uint8_t* data = nullptr;
    const auto n = nghttp2_session_mem_send(m.ng, &data);
    if (n <= 0) break;
    m.pending_output.append(as_view(data, static_cast<std::size_t>(n)));
    eager += static_cast<std::size_t>(n);
  }
  if (m.connection_error) {
    m.fail_all(m.connection_error);
    return m.connection_error;
  }
  if (nghttp2_session_want_read(m.ng) == 0 && !m.local_goaway && !m.goaway_received) {
    // nghttp2 answered a violation with GOAWAY (RFC 9113 5.4.1), to be sent by take_output:
    // the streams it left open are over.
    if (!m.connection_error) {
      m.connection_error = !m.peer_settings ? std::error_code(errc::not_http2)
                           : m.invalid_frame_error != 0
                               ? from_library_error(m.invalid_frame_error, true)
                               : std::error_code(errc::protocol_error);
    }
    m.fail_all(m.connection_error);
    return m.connection_error;
  }
  return {};
}

std::size_t session::take_output(std::string& out, std::size_t limit) {
  auto& m = *impl_;
  std::size_t taken = m.pending_output.size();
  out.append(m.pending_output);
  m.pending_output.clear();
  while (taken < limit) {
    const std::uint8_t* data = nullptr;
    const auto n = nghttp2_session_mem_send(m.ng, &data);
    if (n < 0) {
      if (!m.connection_error) m.connection_error = errc::internal_error;
      m.fail_all(m.connection_error);
      break;
    }
    if (n == 0) break;
    out.append(as_view(data, static_cast<std::size_t>(n)));
    taken += static_cast<std::size_t>(n);
  }
  return taken;
}

std::optional<event> session::next_event() {
  auto& q = impl_->events;
  if (q.empty()) return std::nullopt;
  event e = std::move(q.front());
  q.pop_front();
  return e;
}

bool session::alive() const noexcept {
  return nghttp2_session_want_read(impl_->ng) != 0 || wants_write();
}

bool session::wants_write() const noexcept {
  return !impl_->pending_output.empty() || nghttp2_session_want_write(impl_->ng) != 0;
}

std::error_code session::connection_error() const noexcept {
  return impl_->connection_error;
}

bool session::peer_settings_received() const noexcept {
  return impl_->peer_settings;
}

bool session::settings_acknowledged() const noexcept {
  return impl_->settings_acked;
}

std::uint32_t session::peer_max_concurrent_streams() const noexcept {
  return nghttp2_session_get_remote_settings(impl_->ng, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
}

std::uint32_t session::peer_initial_window_size() const noexcept {
  return nghttp2_session_get_remote_settings(impl_->ng, NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE);
}

bool session::going_away() const noexcept {
  return impl_->goaway_received || nghttp2_session_want_read(impl_->ng) == 0;
}

std::size_t session::open_streams() const noexcept {
  return impl_->streams.size();
}

std::int32_t session::connection_receive_window() const noexcept {
  return nghttp2_session_get_local_window_size(impl_->ng);
}

}  // namespace corofetch::http2
