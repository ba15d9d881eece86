#include <corofetch/http2/session.hpp>

#include "support/http2/h2_server_session.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using corofetch::http2::errc;
using corofetch::http2::event;
using corofetch::http2::request_head;
using corofetch::http2::session;
using corofetch::test::h2_server_session;

namespace {

request_head get(std::string path) {
  request_head h;
  h.scheme = "http";
  h.authority = "example.test";
  h.path = std::move(path);
  return h;
}

std::vector<event> drain(session& s) {
  std::vector<event> out;
  while (auto e = s.next_event()) out.push_back(std::move(*e));
  return out;
}

// The events of each stream, and the connection's, by kind.
struct outcome {
  std::map<std::int32_t, int> status;
  std::map<std::int32_t, std::string> body;
  std::map<std::int32_t, event> end;  // stream_end or stream_reset
  std::vector<event> connection;
  std::vector<event> informational;
  std::map<std::int32_t, corofetch::http::fields> trailers;
};

outcome collect(session& s) {
  outcome o;
  for (auto& e : drain(s)) {
    switch (e.type) {
      case event::kind::response_head:
        o.status[e.stream_id] = e.status;
        break;
      case event::kind::informational:
        o.informational.push_back(e);
        break;
      case event::kind::data:
        o.body[e.stream_id] += e.data;
        break;
      case event::kind::trailers:
        o.trailers[e.stream_id] = e.fields;
        break;
      case event::kind::stream_end:
      case event::kind::stream_reset:
        o.end[e.stream_id] = e;
        break;
      default:
        o.connection.push_back(e);
        break;
    }
  }
  return o;
}

std::string frame(std::uint32_t length, std::uint8_t type, std::uint8_t flags, std::uint32_t id) {
  std::string f;
  f += static_cast<char>((length >> 16U) & 0xffU);
  f += static_cast<char>((length >> 8U) & 0xffU);
  f += static_cast<char>(length & 0xffU);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  f += static_cast<char>((id >> 24U) & 0x7fU);
  f += static_cast<char>((id >> 16U) & 0xffU);
  f += static_cast<char>((id >> 8U) & 0xffU);
  f += static_cast<char>(id & 0xffU);
  return f;
}

}  // namespace

TEST_CASE("the preface carries our SETTINGS and the connection window", "[unit]") {
  session client;
  std::string out;
  client.take_output(out);
  REQUIRE(out.rfind("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0) == 0);
  h2_server_session server;
  REQUIRE(server.input(out) == static_cast<long>(out.size()));
  CHECK(nghttp2_session_get_remote_settings(server.get(), NGHTTP2_SETTINGS_ENABLE_PUSH) == 0);
  CHECK(nghttp2_session_get_remote_settings(server.get(), NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE) ==
        4U << 20U);
  CHECK(nghttp2_session_get_remote_settings(server.get(), NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE) ==
        64U << 10U);
  // RFC 9113 6.9.2: the connection window is raised by WINDOW_UPDATE, not by SETTINGS.
  CHECK(nghttp2_session_get_remote_window_size(server.get()) == 16 << 20);
}

TEST_CASE("the peer's SETTINGS and their acknowledgement are events", "[unit]") {
  session client;
  h2_server_session server(
      {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1}, {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1000}});
  CHECK_FALSE(client.peer_settings_received());
  server.pump(client);
  CHECK(client.peer_settings_received());
  CHECK(client.settings_acknowledged());
  CHECK(client.peer_max_concurrent_streams() == 1);
  CHECK(client.peer_initial_window_size() == 1000);
  const auto o = collect(client);
  REQUIRE(o.connection.size() == 2);
  CHECK(o.connection[0].type == event::kind::settings);
  CHECK(o.connection[1].type == event::kind::settings_ack);
}

TEST_CASE("streams are multiplexed and answered in any order", "[unit]") {
  session client;
  h2_server_session server;
  const auto a = client.submit_request(get("/a"));
  const auto b = client.submit_request(get("/b"));
  const auto c = client.submit_request(get("/c"));
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  CHECK(*a == 1);
  CHECK(*b == 3);
  CHECK(*c == 5);
  server.pump(client);
  REQUIRE(server.requests().size() == 3);
  CHECK(server.requests()[3].field(":path") == "/b");
  CHECK(server.requests()[3].field(":authority") == "example.test");
  CHECK(server.requests()[3].field(":scheme") == "http");
  CHECK(server.requests()[3].field(":method") == "GET");
  server.respond(5, 200, "C body");
  server.respond(1, 404, "");
  server.respond(3, 200, std::string(100000, 'b'));
  server.pump(client);
  auto o = collect(client);
  CHECK(o.status[1] == 404);
  CHECK(o.status[3] == 200);
  CHECK(o.status[5] == 200);
  CHECK(o.body[1].empty());
  CHECK(o.body[3] == std::string(100000, 'b'));
  CHECK(o.body[5] == "C body");
  for (const std::int32_t id : {1, 3, 5}) CHECK(o.end[id].type == event::kind::stream_end);
  CHECK(client.open_streams() == 0);
}

TEST_CASE("without deliver_content, events carry statuses and lengths, no fields or bytes",
          "[unit]") {
  corofetch::http2::session_settings settings;
  settings.deliver_content = false;
  session client(settings);
  h2_server_session server;
  REQUIRE(client.submit_request(get("/a")));
  server.pump(client);
  server.respond(1, 201, std::string(70000, 'z'), {{"x-field", "value"}}, {{"x-trailer", "t"}});
  server.pump(client, 10000);
  std::size_t length = 0;
  bool ended = false;
  for (const auto& e : drain(client)) {
    if (e.type == event::kind::response_head) {
      CHECK(e.status == 201);
      CHECK(e.fields.empty());
    } else if (e.type == event::kind::data) {
      CHECK(e.data.empty());
      length += e.data_length;
    } else if (e.type == event::kind::trailers) {
      CHECK(e.fields.empty());
    } else if (e.type == event::kind::stream_end) {
      ended = true;
    }
  }
  CHECK(length == 70000);
  CHECK(ended);
}

TEST_CASE("a body larger than every initial window arrives whole", "[unit]") {
  session client;
  h2_server_session server;
  REQUIRE(client.submit_request(get("/big")));
  server.pump(client);
  std::string big(std::size_t{20} << 20U,
                  'x');  // above the 4 MiB stream and 16 MiB connection windows
  for (std::size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>('a' + i % 26);
  server.respond(1, 200, big);
  server.pump(client, 100000);
  auto o = collect(client);
  CHECK(o.end[1].type == event::kind::stream_end);
  CHECK(o.body[1] == big);
}

TEST_CASE("a request body goes as DATA, memory or streamed, with its length", "[unit]") {
  session client;
  h2_server_session server;
  std::string payload(300000, 'p');
  payload[1234] = 'q';
  request_head post = get("/upload");
  post.method = "POST";
  REQUIRE(client.submit_request(post, corofetch::http::request_body(payload)));
  auto source = std::make_shared<corofetch::http::memory_source>(payload, false);
  REQUIRE(client.submit_request(post, corofetch::http::request_body(source)));
  server.pump(client, 10000);
  REQUIRE(server.requests()[1].complete);
  REQUIRE(server.requests()[3].complete);
  CHECK(server.requests()[1].body == payload);
  CHECK(server.requests()[1].field("content-length") == "300000");
  CHECK(server.requests()[3].body == payload);
  CHECK(server.requests()[3].field("content-length").empty());
}

TEST_CASE("fields are sent in lowercase without connection-specific ones", "[unit]") {
  session client;
  h2_server_session server;
  request_head h = get("/");
  h.authority.clear();
  h.fields.add("Host", "from-host.test:8080");
  h.fields.add("Connection", "keep-alive");
  h.fields.add("Transfer-Encoding", "chunked");
  h.fields.add("TE", "trailers");
  h.fields.add("X-Custom", "Value");
  REQUIRE(client.submit_request(h));
  server.pump(client);
  const auto& r = server.requests()[1];
  CHECK(r.field(":authority") == "from-host.test:8080");
  CHECK(r.field("x-custom") == "Value");
  CHECK(r.field("te") == "trailers");
  CHECK(r.field("host").empty());
  CHECK(r.field("connection").empty());
  CHECK(r.field("transfer-encoding").empty());
}

TEST_CASE("CR, LF or NUL in a request field is refused before anything is sent", "[unit]") {
  session client;
  request_head h = get("/");
  h.fields.add("X-Evil", "a\r\nInjected: yes");
  const auto r = client.submit_request(h);
  CHECK(r.error() == errc::invalid_request);
  request_head bad_path = get("/a\nb");
  CHECK(client.submit_request(bad_path).error() == errc::invalid_request);
  request_head no_path = get("");
  CHECK(client.submit_request(no_path).error() == errc::invalid_request);
  request_head bad_name = get("/");
  bad_name.fields.add("Bad Name", "x");
  CHECK(client.submit_request(bad_name).error() == errc::invalid_request);
  CHECK(client.open_streams() == 0);
}

TEST_CASE("interim responses and trailers are events of their stream", "[unit]") {
  session client;
  h2_server_session server;
  REQUIRE(client.submit_request(get("/")));
  server.pump(client);
  std::vector<std::pair<std::string, std::string>> early{{":status", "103"},
                                                         {"link", "</a.css>; rel=preload"}};
  std::vector<nghttp2_nv> nv;
  for (auto& [n, v] : early) {
    // NOLINTBEGIN
    nv.push_back({reinterpret_cast<std::uint8_t*>(n.data()),
                  reinterpret_cast<std::uint8_t*>(v.data()), n.size(), v.size(),
                  NGHTTP2_NV_FLAG_NONE});
    // NOLINTEND
  }
  REQUIRE(nghttp2_submit_headers(server.get(), NGHTTP2_FLAG_NONE, 1, nullptr, nv.data(), nv.size(),
                                 nullptr) == 0);
  server.respond(1, 200, "body", {{"content-type", "text/plain"}}, {{"x-checksum", "abc"}});
  server.pump(client);
  auto o = collect(client);
  REQUIRE(o.informational.size() == 1);
  CHECK(o.informational[0].status == 103);
  CHECK(o.informational[0].fields.find("link") == "</a.css>; rel=preload");
  CHECK(o.status[1] == 200);
  CHECK(o.body[1] == "body");
  CHECK(o.trailers[1].find("x-checksum") == "abc");
  CHECK(o.end[1].type == event::kind::stream_end);
}

TEST_CASE("RST_STREAM ends one stream with its code; the others go on", "[unit]") {
  session client;
  h2_server_session server;
  REQUIRE(client.submit_request(get("/a")));
  REQUIRE(client.submit_request(get("/b")));
  REQUIRE(client.submit_request(get("/c")));
  server.pump(client);
  nghttp2_submit_rst_stream(server.get(), NGHTTP2_FLAG_NONE, 1, NGHTTP2_REFUSED_STREAM);
  nghttp2_submit_rst_stream(server.get(), NGHTTP2_FLAG_NONE, 3, NGHTTP2_INTERNAL_ERROR);
  server.respond(5, 200, "ok");
  server.pump(client);
  auto o = collect(client);
  CHECK(o.end[1].type == event::kind::stream_reset);
  CHECK(o.end[1].error == errc::refused_stream);
  CHECK(o.end[1].wire_code == 7);
  CHECK(corofetch::http2::is_retryable(o.end[1].error));
  CHECK(o.end[3].error == errc::internal_error);
  CHECK_FALSE(corofetch::http2::is_retryable(o.end[3].error));
  CHECK(o.end[5].type == event::kind::stream_end);
  CHECK(o.body[5] == "ok");
}

TEST_CASE("GOAWAY: streams above its last id are unprocessed, no new stream starts", "[unit]") {
  session client;
  h2_server_session server;
  REQUIRE(client.submit_request(get("/a")));
  REQUIRE(client.submit_request(get("/b")));
  server.pump(client);
  nghttp2_submit_goaway(server.get(), NGHTTP2_FLAG_NONE, 1, NGHTTP2_NO_ERROR, nullptr, 0);
  server.respond(1, 200, "first");
  server.pump(client);
  auto o = collect(client);
  CHECK(o.body[1] == "first");
  CHECK(o.end[1].type == event::kind::stream_end);
  CHECK(o.end[3].type == event::kind::stream_reset);
  CHECK(o.end[3].error == errc::unprocessed);
  CHECK(corofetch::http2::is_retryable(o.end[3].error));
  REQUIRE_FALSE(o.connection.empty());
  const auto& g = o.connection.back();
  CHECK(g.type == event::kind::goaway);
  CHECK(g.last_stream_id == 1);
  CHECK(g.wire_code == 0);
  CHECK(client.going_away());
  CHECK(client.submit_request(get("/c")).error() == errc::connection_closing);
}

TEST_CASE("a GOAWAY with an error code is the connection's error", "[unit]") {
  session client;
  h2_server_session server;
  REQUIRE(client.submit_request(get("/a")));
  server.pump(client);
  const std::string debug = "overloaded";
  // NOLINTNEXTLINE
  nghttp2_submit_goaway(server.get(), NGHTTP2_FLAG_NONE, 0, NGHTTP2_ENHANCE_YOUR_CALM,
                        reinterpret_cast<const std::uint8_t*>(debug.data()), debug.size());
  server.pump(client);
  auto o = collect(client);
  CHECK(client.connection_error() == errc::goaway);
  CHECK(o.end[1].error == errc::unprocessed);
  REQUIRE(o.connection.back().type == event::kind::goaway);
  CHECK(o.connection.back().wire_code == NGHTTP2_ENHANCE_YOUR_CALM);
  CHECK(o.connection.back().data == "overloaded");
}

TEST_CASE("a response header list above our bound resets only its stream", "[unit]") {
  corofetch::http2::session_settings small;
  small.max_header_list_size = 16 * 1024;
  session client(small);
  h2_server_session server;
  REQUIRE(client.submit_request(get("/huge")));
  REQUIRE(client.submit_request(get("/fine")));
  server.pump(client);
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 40; ++i)
    many.emplace_back("x-filler-" + std::to_string(i), std::string(1000, 'f'));
  server.respond(1, 200, "never seen", many);
  server.respond(3, 200, "fine");
  server.pump(client);
  auto o = collect(client);
  CHECK(o.end[1].type == event::kind::stream_reset);
  CHECK(o.end[1].error == errc::header_list_too_large);
  CHECK(o.body[1].empty());
  CHECK(o.end[3].type == event::kind::stream_end);
  CHECK(o.body[3] == "fine");
  CHECK_FALSE(client.connection_error());
}

TEST_CASE("a CONTINUATION flood ends the connection", "[unit]") {
  session client;
  h2_server_session server;
  REQUIRE(client.submit_request(get("/")));
  server.pump(client);
  // HEADERS without END_HEADERS (":status: 200", HPACK static index 8), then empty
  // CONTINUATION frames that never end the block (the attack of CVE-2024-27316 and friends).
  std::string flood = frame(1, 0x1, 0x0, 1) + '\x88';
  for (int i = 0; i < 50; ++i) flood += frame(0, 0x9, 0x0, 1);
  const auto ec = client.receive(flood);
  CHECK(ec == errc::continuation_flood);
  CHECK(client.connection_error() == errc::continuation_flood);
  auto o = collect(client);
  CHECK(o.end[1].type == event::kind::stream_reset);
  CHECK(o.end[1].error == errc::continuation_flood);
}

TEST_CASE("a protocol violation is answered with GOAWAY and ends every stream", "[unit]") {
  session client;
  h2_server_session server;
  REQUIRE(client.submit_request(get("/")));
  server.pump(client);
  // DATA on stream 0 is a connection error of type PROTOCOL_ERROR (RFC 9113 6.1).
  const std::string bad = frame(2, 0x0, 0x0, 0) + "xx";
  const auto ec = client.receive(bad);
  CHECK(ec == errc::protocol_error);
  std::string out;
  client.take_output(out);
  REQUIRE(out.size() >= 17);
  CHECK(out[3] == '\x07');                                   // GOAWAY
  CHECK(out.substr(13, 4) == std::string("\0\0\0\x01", 4));  // PROTOCOL_ERROR
  auto o = collect(client);
  CHECK(o.end[1].error == errc::protocol_error);
  CHECK_FALSE(client.alive());
}

TEST_CASE("an HTTP/1.1 answer is not HTTP/2", "[unit]") {
  session client;
  REQUIRE(client.submit_request(get("/")));
  std::string out;
  client.take_output(out);
  const auto ec =
      client.receive(std::string("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
  CHECK(ec == errc::not_http2);
  auto o = collect(client);
  CHECK(o.end[1].error == errc::not_http2);
}

TEST_CASE("PING is answered by a ping_ack event", "[unit]") {
  session client;
  h2_server_session server;
  server.pump(client);
  (void)drain(client);
  client.ping();
  server.pump(client);
  auto o = collect(client);
  REQUIRE(o.connection.size() == 1);
  CHECK(o.connection[0].type == event::kind::ping_ack);
}

TEST_CASE("a local reset ends the stream with our reason and sends RST_STREAM", "[unit]") {
  session client;
  h2_server_session server;
  REQUIRE(client.submit_request(get("/slow")));
  server.pump(client);
  client.reset_stream(1, errc::request_timeout);
  server.pump(client);
  auto o = collect(client);
  CHECK(o.end[1].error == errc::request_timeout);
  CHECK(o.end[1].wire_code == 8);
  CHECK(server.requests()[1].reset);
  CHECK(server.requests()[1].reset_code == NGHTTP2_CANCEL);
}

TEST_CASE("error codes map from the wire and read well", "[unit]") {
  using corofetch::http2::from_wire_code;
  CHECK(from_wire_code(0x1) == errc::protocol_error);
  CHECK(from_wire_code(0x3) == errc::flow_control_error);
  CHECK(from_wire_code(0x7) == errc::refused_stream);
  CHECK(from_wire_code(0xd) == errc::http_1_1_required);
  CHECK(from_wire_code(0x0) == errc::stream_reset);
  CHECK(from_wire_code(0xff) == errc::stream_reset);
  const std::error_code ec = errc::continuation_flood;
  CHECK(std::string(ec.category().name()) == "corofetch.http2");
  CHECK(ec.message() == "too many HTTP/2 CONTINUATION frames in one header block");
}

TEST_CASE("before the peer's SETTINGS at most 100 streams are assumed", "[unit]") {
  session client;
  CHECK(client.peer_max_concurrent_streams() == 100);
  h2_server_session server({{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 250}});
  server.pump(client);
  CHECK(client.peer_max_concurrent_streams() == 250);
}
