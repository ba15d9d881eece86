#include <corofetch/http/request_parser.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/version.hpp>

#include "feed.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

namespace http = corofetch::http;
using cf_test::err;
using http::errc;

namespace {

http::request get(std::string target = "/") {
  http::request req(http::method::get, std::move(target));
  req.fields().add("Host", "example.com");
  return req;
}

http::serialize_options bare() {
  http::serialize_options o;
  o.user_agent.clear();
  o.accept_any = false;
  o.accept_encoding = false;
  return o;
}

// A source that fails after some bytes, as a broken file or pipe would.
class failing_source final : public http::body_source {
 public:
  std::optional<std::uint64_t> size() const noexcept override { return std::nullopt; }
  corofetch::result<std::size_t> read(std::span<char> buffer) override {
    if (calls_++ == 0) {
      buffer[0] = 'x';
      return std::size_t{1};
    }
    return std::make_error_code(std::errc::io_error);
  }

 private:
  int calls_ = 0;
};

// A source that announces more bytes than it has.
class lying_source final : public http::body_source {
 public:
  std::optional<std::uint64_t> size() const noexcept override { return 10; }
  corofetch::result<std::size_t> read(std::span<char> buffer) override {
    if (done_) return std::size_t{0};
    done_ = true;
    buffer[0] = 'a';
    return std::size_t{1};
  }

 private:
  bool done_ = false;
};

}  // namespace

TEST_CASE("the seed's request format, with the default fields", "[unit]") {
  auto bytes = http::serialize(get("/dir/file.html"));
  REQUIRE(bytes);
  CHECK(*bytes ==
        "GET /dir/file.html HTTP/1.1\r\n"
        "Host: example.com\r\n"
        "User-Agent: corofetch/" +
            std::string(corofetch::version_string) +
            "\r\n"
            "Accept: */*\r\n"
            "Accept-Encoding: gzip, deflate\r\n"
            "\r\n");
  CHECK(http::default_user_agent() == std::string("corofetch/") + corofetch::version_string);
}

TEST_CASE("fields set by the user replace the defaults and keep their order", "[unit]") {
  http::request req = get();
  req.fields().add("Accept", "text/html");
  req.fields().add("X-Two", "1");
  req.fields().add("X-Two", "2");
  req.fields().add("user-agent", "mine/1");
  http::serialize_options opts;
  opts.accept_encoding = false;  // decoding off
  auto bytes = http::serialize(req, opts);
  REQUIRE(bytes);
  CHECK(*bytes ==
        "GET / HTTP/1.1\r\nHost: example.com\r\nAccept: text/html\r\nX-Two: 1\r\nX-Two: 2\r\n"
        "user-agent: mine/1\r\n\r\n");
}

TEST_CASE("framing: Content-Length, chunked, none for GET and HEAD without a body", "[unit]") {
  http::request post(http::method::post, "/form");
  post.fields().add("Host", "h");
  CHECK(*http::serialize(post, bare()) ==
        "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
  post.set_body(std::string("a=1&b=2"));
  CHECK(*http::serialize(post, bare()) ==
        "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\na=1&b=2");

  http::request head(http::method::head, "/");
  head.fields().add("Host", "h");
  CHECK(*http::serialize(head, bare()) == "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");

  http::request put(http::method::put, "/up");
  put.fields().add("Host", "h");
  put.set_body(std::make_shared<http::memory_source>("streamed", true));
  CHECK(*http::serialize(put, bare()) ==
        "PUT /up HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\nstreamed");

  put.set_body(std::make_shared<http::memory_source>(std::string(20000, 'z'), false));
  auto chunked = http::serialize(put, bare());
  REQUIRE(chunked);
  const std::string head_part = "PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(*chunked == head_part + "4000\r\n" + std::string(16384, 'z') + "\r\ne20\r\n" +
                        std::string(3616, 'z') + "\r\n0\r\n\r\n");

  std::string out = "prefix";
  http::append_chunk(out, "");
  http::append_chunk(out, "abc");
  http::append_last_chunk(out);
  CHECK(out == "prefix3\r\nabc\r\n0\r\n\r\n");
}

TEST_CASE("request splitting is rejected before one byte is written", "[unit]") {
  auto check = [](const http::request& req, errc expected) {
    std::string out = "kept";
    CHECK(http::serialize_to(req, out) == err(expected));
    CHECK(out == "kept");
    CHECK(http::serialize_head(req, out) == err(expected));
    CHECK(out == "kept");
  };
  check(get("/a\r\nX-Injected: 1"), errc::invalid_target);
  check(get("/a b"), errc::invalid_target);
  check(get(std::string("/a\0b", 4)), errc::invalid_target);
  check(get(""), errc::invalid_target);
  {
    http::request r = get();
    r.fields().add("X-A", "v\r\nX-Injected: 1");
    check(r, errc::invalid_field_value);
  }
  {
    http::request r = get();
    r.fields().add("X-A", std::string("v\0w", 3));
    check(r, errc::invalid_field_value);
  }
  {
    http::request r = get();
    r.fields().add("X-A", "bare\nLF");
    check(r, errc::invalid_field_value);
  }
  {
    http::request r = get();
    r.fields().add("Bad Name", "v");
    check(r, errc::invalid_field_name);
  }
  {
    http::request r = get();
    r.fields().add("X-A:", "v");
    check(r, errc::invalid_field_name);
  }
  {
    http::request r = get();
    r.fields().add("", "v");
    check(r, errc::invalid_field_name);
  }
  {
    http::request r = get();
    r.fields().add("Content-Length", "5");
    check(r, errc::framing_field_set);
  }
  {
    http::request r = get();
    r.fields().add("transfer-encoding", "chunked");
    check(r, errc::framing_field_set);
  }
  {
    http::request r(http::method::get, "/");
    check(r, errc::missing_host);
    r.set_version(http::http_1_0);
    CHECK(http::serialize(r, bare()).value() == "GET / HTTP/1.0\r\n\r\n");
    r.set_body(std::make_shared<http::memory_source>("x", false));
    check(r, errc::chunked_needs_http11);
    r.set_version(http::version{2, 0});
    check(r, errc::invalid_version);
  }
  CHECK(http::method::parse("GET\r\n").error() == err(errc::invalid_method));
  CHECK(http::method::parse("GE T").error() == err(errc::invalid_method));
  CHECK(http::method::parse("").error() == err(errc::invalid_method));
  CHECK(http::method::parse(std::string("G\0T", 3)).error() == err(errc::invalid_method));
  http::serialize_options bad_agent;
  bad_agent.user_agent = "x\r\nInjected: 1";
  std::string out;
  CHECK(http::serialize_to(get(), out, bad_agent) == err(errc::invalid_field_value));
  CHECK(out.empty());
}

TEST_CASE("methods: the seed's eight and any other token", "[unit]") {
  CHECK(http::method::get.name() == "GET");
  CHECK(http::method::post.name() == "POST");
  CHECK(http::method::head.name() == "HEAD");
  CHECK(http::method::options.name() == "OPTIONS");
  CHECK(http::method::put.name() == "PUT");
  CHECK(http::method::delete_.name() == "DELETE");
  CHECK(http::method::trace.name() == "TRACE");
  CHECK(http::method::connect.name() == "CONNECT");
  auto patch = http::method::parse("PATCH");
  REQUIRE(patch);
  CHECK(patch->expects_content());
  CHECK(http::method::parse("M-SEARCH").value().name() == "M-SEARCH");
  CHECK_FALSE(http::method::parse("get").value() == http::method::get);  // case-sensitive
}

TEST_CASE("a body source's failure or wrong length leaves the buffer as it was", "[unit]") {
  http::request r(http::method::post, "/");
  r.fields().add("Host", "h");
  r.set_body(std::make_shared<failing_source>());
  std::string out = "kept";
  CHECK(http::serialize_to(r, out) == std::make_error_code(std::errc::io_error));
  CHECK(out == "kept");
  r.set_body(std::make_shared<lying_source>());
  CHECK(http::serialize_to(r, out) == err(errc::body_length_mismatch));
  CHECK(out == "kept");
}

TEST_CASE("round trip: serialized requests parse back identically in llhttp request mode",
          "[unit]") {
  struct sample {
    http::method method;
    std::string target;
    http::request_body body;
  };
  const std::vector<sample> samples{
      {http::method::get, "/index.html?q=1&r=%20", {}},
      {http::method::post, "/submit", std::string("name=value&x=%41")},
      {http::method::put, "/file", std::make_shared<http::memory_source>("streamed body", true)},
      {http::method::put, "/chunks",
       std::make_shared<http::memory_source>(std::string(40000, 'c'), false)},
      {http::method::delete_, "/item/7", {}},
      {http::method::options, "*", {}},
      {http::method::connect, "example.com:443", {}},
      {http::method::parse("PATCH").value(), "/p", std::string("{}")},
  };
  for (const sample& s : samples) {
    http::request req(s.method, s.target);
    req.fields().add("Host", "example.com:8080");
    req.fields().add("X-Repeated", "1");
    req.fields().add("X-Repeated", "2");
    req.fields().add("Cookie", "a=b; c=d");
    req.set_body(s.body);
    auto bytes = http::serialize(req);
    REQUIRE(bytes);
    INFO(*bytes);
    // Whole, and split at every point for the small ones.
    const std::size_t step = bytes->size() > 2000 ? 997 : 1;
    for (std::size_t k = 0; k < bytes->size(); k += step) {
      http::request_parser parser;
      auto a = parser.parse(std::string(bytes->substr(0, k)));
      REQUIRE(a);
      auto b = parser.parse(std::string(bytes->substr(k)));
      REQUIRE(b);
      REQUIRE(parser.complete());
      const http::received_request& got = parser.get();
      CHECK(got.method == s.method.name());
      CHECK(got.target == s.target);
      CHECK(got.version == http::http_1_1);
      CHECK(got.fields.find("host") == "example.com:8080");
      CHECK(got.fields.find_all("X-Repeated") == std::vector<std::string_view>{"1", "2"});
      CHECK(got.fields.find("cookie") == "a=b; c=d");
      CHECK(got.fields.find("user-agent") == http::default_user_agent());
      CHECK(got.keep_alive);
      if (s.target == "/chunks") {
        CHECK(got.body == std::string(40000, 'c'));
        CHECK(got.fields.find("Transfer-Encoding") == "chunked");
      } else if (s.target == "/file") {
        CHECK(got.body == "streamed body");
      } else {
        CHECK(got.body == s.body.bytes());
      }
    }
  }
}

TEST_CASE("request_parser: pipelined requests and errors", "[unit]") {
  const std::string two =
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi";
  http::request_parser parser;
  auto n = parser.parse(two);
  REQUIRE(n);
  REQUIRE(parser.complete());
  CHECK(parser.get().target == "/a");
  parser.next();
  auto m = parser.parse(std::string_view(two).substr(*n));
  REQUIRE(m);
  REQUIRE(parser.complete());
  CHECK(parser.get().method == "POST");
  CHECK(parser.get().body == "hi");
  CHECK(parser.get().version == http::http_1_0);
  CHECK_FALSE(parser.get().keep_alive);

  CHECK(http::parse_request("G@T / HTTP/1.1\r\n\r\n").error() == err(errc::invalid_method));
  CHECK(http::parse_request("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n").error() ==
        err(errc::invalid_header));
  CHECK(http::parse_request("GET / HTTP/1.1\r\nHost: h\r\n").error() == err(errc::truncated));
}
