#include "support/http2/h2_server_session.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace corofetch::test {

namespace {

std::string as_string(const std::uint8_t* p, std::size_t n) {
  return {reinterpret_cast<const char*>(p), n};  // NOLINT: nghttp2's bytes
}

std::vector<nghttp2_nv> to_nv(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::vector<nghttp2_nv> nv;
  for (const auto& [n, v] : fields) {
    // NOLINTBEGIN: nghttp2 copies the bytes at submit
    nv.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data())),
                  reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                  NGHTTP2_NV_FLAG_NONE});
    // NOLINTEND
  }
  return nv;
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
              std::size_t namelen, const std::uint8_t* value, std::size_t valuelen, std::uint8_t,
              void* user) {
  auto& reqs = *static_cast<std::map<std::int32_t, h2_server_session::request>*>(user);
  reqs[frame->hd.stream_id].fields.emplace_back(as_string(name, namelen),
                                                as_string(value, valuelen));
  return 0;
}

int on_data(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
            std::size_t len, void* user) {
  auto& reqs = *static_cast<std::map<std::int32_t, h2_server_session::request>*>(user);
  reqs[id].body += as_string(data, len);
  return 0;
}

int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  auto& reqs = *static_cast<std::map<std::int32_t, h2_server_session::request>*>(user);
  if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
      (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
    reqs[frame->hd.stream_id].complete = true;
  }
  if (frame->hd.type == NGHTTP2_RST_STREAM) {
    reqs[frame->hd.stream_id].reset = true;
    reqs[frame->hd.stream_id].reset_code = frame->rst_stream.error_code;
  }
  return 0;
}

ssize_t read_body(nghttp2_session* ng, std::int32_t id, std::uint8_t* buf, std::size_t length,
                  std::uint32_t* flags, nghttp2_data_source* source, void*) {
  auto& b = *static_cast<h2_server_session::body_state*>(source->ptr);
  const auto n = std::min(length, b.bytes.size() - b.offset);
  std::memcpy(buf, b.bytes.data() + b.offset, n);
  b.offset += n;
  if (b.offset == b.bytes.size()) {
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    if (!b.trailers.empty()) {
      *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      auto nv = to_nv(b.trailers);
      nghttp2_submit_trailer(ng, id, nv.data(), nv.size());
    }
  }
  return static_cast<ssize_t>(n);
}

}  // namespace

std::string h2_server_session::request::field(const std::string& name) const {
  for (const auto& [n, v] : fields) {
    if (n == name) return v;
  }
  return {};
}

h2_server_session::h2_server_session(std::vector<nghttp2_settings_entry> settings) {
  nghttp2_session_callbacks* cbs = nullptr;
  nghttp2_session_callbacks_new(&cbs);
  nghttp2_session_callbacks_set_on_header_callback(cbs, &on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &on_frame);
  nghttp2_option* opt = nullptr;
  nghttp2_option_new(&opt);
  nghttp2_option_set_max_send_header_block_length(opt, std::size_t{1} << 20U);
  nghttp2_session_server_new2(&ng_, cbs, &requests_, opt);
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cbs);
  nghttp2_submit_settings(ng_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
}

h2_server_session::~h2_server_session() {
  nghttp2_session_del(ng_);
}

void h2_server_session::respond(std::int32_t id, int status, std::string body,
                                std::vector<std::pair<std::string, std::string>> fields,
                                std::vector<std::pair<std::string, std::string>> trailers) {
  fields.insert(fields.begin(), {":status", std::to_string(status)});
  auto nv = to_nv(fields);
  auto& b = bodies_[id];
  b.bytes = std::move(body);
  b.trailers = std::move(trailers);
  b.owner = this;
  b.id = id;
  nghttp2_data_provider provider{};
  provider.source.ptr = &b;
  provider.read_callback = &read_body;
  const bool has_data = !b.bytes.empty() || !b.trailers.empty();
  if (nghttp2_submit_response(ng_, id, nv.data(), nv.size(), has_data ? &provider : nullptr) != 0) {
    throw std::runtime_error("nghttp2_submit_response failed");
  }
}

std::string h2_server_session::output() {
  std::string out;
  for (;;) {
    const std::uint8_t* data = nullptr;
    const auto n = nghttp2_session_mem_send(ng_, &data);
    if (n <= 0) break;
    out += as_string(data, static_cast<std::size_t>(n));
  }
  return out;
}

long h2_server_session::input(const std::string& bytes) {
  // NOLINTNEXTLINE: nghttp2 takes bytes as uint8_t
  return nghttp2_session_mem_recv(ng_, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                  bytes.size());
}

void h2_server_session::pump(http2::session& client, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    std::string to_server;
    client.take_output(to_server, std::size_t{1} << 30U);
    if (!to_server.empty()) input(to_server);
    const auto to_client = output();
    if (!to_client.empty()) {
      if (client.receive(to_client)) return;
    }
    if (to_server.empty() && to_client.empty()) return;
  }
}

}  // namespace corofetch::test
