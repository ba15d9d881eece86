#include <corofetch/ftp/client.hpp>

#include "integration/dns/harness.hpp"
#include "support/ftp/ftp_server.hpp"
#include "support/net/scripted_server.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace corofetch;
using corofetch::dns::testing::run;
using corofetch::test::ftp_server;
using std::chrono::milliseconds;

namespace {

// Every byte value, CR and LF included: an ASCII-mode transfer would change them.
std::string binary_content(std::size_t size) {
  std::string s;
  for (std::size_t i = 0; i < size; ++i) s.push_back(static_cast<char>((i * 7 + i / 256) % 256));
  return s;
}

dns::resolver_options offline_resolver() {
  dns::resolver_options o;
  o.servers = {"127.0.0.1:9"};  // never asked: every test URL has a literal address
  o.hosts_file.clear();
  return o;
}

struct fetched {
  ftp::transfer result;
  std::string data;
  std::vector<std::string> dialogue;
};

fetched fetch(const std::string& text, ftp::fetch_options options = {}) {
  auto u = url::parse(text);
  REQUIRE(u);
  asio::io_context io;
  dns::resolver resolver(io.get_executor(), offline_resolver());
  fetched out;
  options.log = [&](std::string_view line) { out.dialogue.emplace_back(line); };
  // A named std::function: g++ 12 can destroy a co_await call's temporaries twice.
  ftp::data_sink sink = [&](std::string_view chunk) {
    out.data.append(chunk);
    return std::error_code{};
  };
  run(io, [&]() -> asio::awaitable<void> {
    out.result = co_await ftp::async_fetch(*u, resolver, sink, options);
  });
  return out;
}

// The CRLF-terminated lines of a listing, sorted (servers list in directory order).
std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  CHECK(start == text.size());
  std::sort(lines.begin(), lines.end());
  return lines;
}

bool logged(const fetched& f, const std::string& line) {
  for (const auto& l : f.dialogue) {
    if (l == line) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("ftp: a file downloaded byte for byte, with the URL's escaped user and password",
          "[integration]") {
  ftp_server server;
  const std::string content = binary_content(300000);
  server.put("dir/file1.html", content);
  // user "tone", password "s3cret:pw@1": ':' and '@' are escaped in the URL.
  auto f = fetch(server.base_url() + "/dir/file1.html", {});
  CHECK(f.result.error == ftp::errc::login_failed);  // anonymous is not allowed on this server
  auto ok = fetch("ftp://tone:s3cret%3Apw%401@127.0.0.1:" + std::to_string(server.port()) +
                  "/dir/file1.html");
  INFO(ok.result.error.message() << " / " << ok.result.server_reply);
  REQUIRE_FALSE(ok.result.error);
  CHECK(ok.data == content);
  CHECK(ok.result.bytes == content.size());
  REQUIRE(ok.result.size);
  CHECK(*ok.result.size == content.size());
  CHECK_FALSE(ok.result.listing);
  CHECK(ok.result.server_reply.rfind("226", 0) == 0);
  CHECK(logged(ok, "> USER tone"));
  CHECK(logged(ok, "> PASS ****"));  // the password never reaches the log
  CHECK(logged(ok, "> CWD dir"));
  CHECK(logged(ok, "> TYPE I"));
  CHECK(logged(ok, "> EPSV"));
  CHECK(logged(ok, "> RETR file1.html"));
  CHECK(logged(ok, "> QUIT"));
}

TEST_CASE("ftp: anonymous login, and PASV when the server does not know EPSV", "[integration]") {
  ftp_server::options o;
  o.anonymous = true;
  o.epsv = false;
  ftp_server server(o);
  server.put("pub/readme.txt", "hello\r\nworld\n");
  auto f = fetch(server.base_url() + "/pub/readme.txt");
  INFO(f.result.error.message() << " / " << f.result.server_reply);
  REQUIRE_FALSE(f.result.error);
  CHECK(f.data == "hello\r\nworld\n");
  CHECK(logged(f, "> USER anonymous"));
  CHECK(logged(f, "> EPSV"));
  CHECK(logged(f, "> PASV"));
}

TEST_CASE("ftp: a URL ending in '/' lists the folder", "[integration]") {
  ftp_server server;
  server.put("dir/a.txt", "a");
  server.put("dir/b.bin", "bb");
  server.put("dir/sub/c.txt", "c");
  const std::string base = "ftp://tone:s3cret%3Apw%401@127.0.0.1:" + std::to_string(server.port());
  ftp::fetch_options names;
  names.listing = ftp::listing_command::nlst;
  auto nlst = fetch(base + "/dir/", names);
  REQUIRE_FALSE(nlst.result.error);
  CHECK(nlst.result.listing);
  CHECK(sorted_lines(nlst.data) == std::vector<std::string>{"a.txt", "b.bin", "sub"});
  auto list = fetch(base + "/dir/");
  REQUIRE_FALSE(list.result.error);
  CHECK(logged(list, "> LIST"));
  CHECK(logged(list, "> TYPE A"));
  CHECK(list.data.find(" a.txt\r\n") != std::string::npos);
  CHECK(list.data.find(" sub\r\n") != std::string::npos);
  CHECK(sorted_lines(list.data).size() == 3);
  ftp::fetch_options facts;
  facts.listing = ftp::listing_command::mlsd;
  auto mlsd = fetch(base + "/dir/", facts);
  REQUIRE_FALSE(mlsd.result.error);
  // RFC 3659 7.2: "fact=value;...; name", facts in the server's order.
  const auto b = mlsd.data.find("; b.bin\r\n");
  REQUIRE(b != std::string::npos);
  const auto b_line = mlsd.data.substr(mlsd.data.rfind('\n', b) + 1, b - mlsd.data.rfind('\n', b));
  CHECK(b_line.find("size=2;") != std::string::npos);
  CHECK(b_line.find("type=file;") != std::string::npos);
  CHECK(mlsd.data.find("type=dir;") != std::string::npos);
}

TEST_CASE("ftp: resume with REST gives the rest of the file", "[integration]") {
  ftp_server server;
  const std::string content = binary_content(100000);
  server.put("big.bin", content);
  const std::string u =
      "ftp://tone:s3cret%3Apw%401@127.0.0.1:" + std::to_string(server.port()) + "/big.bin";
  ftp::fetch_options o;
  o.resume_from = 61234;
  auto f = fetch(u, o);
  REQUIRE_FALSE(f.result.error);
  CHECK(f.result.resumed_from == 61234);
  CHECK(f.data == content.substr(61234));
  CHECK(logged(f, "> REST 61234"));

  o.resume_from = content.size();  // already complete: nothing is transferred
  auto done = fetch(u, o);
  REQUIRE_FALSE(done.result.error);
  CHECK(done.data.empty());
  CHECK_FALSE(logged(done, "> RETR big.bin"));

  o.resume_from = content.size() + 1;
  CHECK(fetch(u, o).result.error == ftp::errc::resume_beyond_end);
}

TEST_CASE("ftp: wrong password, missing file, missing folder", "[integration]") {
  ftp_server server;
  server.put("dir/there.txt", "x");
  const std::string host = "@127.0.0.1:" + std::to_string(server.port());
  auto wrong = fetch("ftp://tone:nope" + host + "/dir/there.txt");
  CHECK(wrong.result.error == ftp::errc::login_failed);
  CHECK(wrong.result.server_reply.rfind("530", 0) == 0);
  auto missing = fetch("ftp://tone:s3cret%3Apw%401" + host + "/dir/missing.txt");
  CHECK(missing.result.error == ftp::errc::file_unavailable);
  CHECK(missing.result.server_reply.rfind("550", 0) == 0);
  auto no_folder = fetch("ftp://tone:s3cret%3Apw%401" + host + "/nowhere/there.txt");
  CHECK(no_folder.result.error == ftp::errc::file_unavailable);
  CHECK(no_folder.data.empty());
}

TEST_CASE("ftp: bad input is refused before anything is sent", "[integration]") {
  CHECK(fetch("http://127.0.0.1:1/x").result.error == ftp::errc::not_an_ftp_url);
  // A CR LF in a decoded path would smuggle a second command (RFC 959 5.3).
  CHECK(fetch("ftp://127.0.0.1:1/a%0D%0ADELE%20b").result.error == ftp::errc::invalid_argument);
}

TEST_CASE("ftp: a stalled data connection ends with data_timeout", "[integration]") {
  using corofetch::test::script;
  using corofetch::test::scripted_server;
  scripted_server data({script().stall()});
  const std::string epsv =
      "229 Entering Extended Passive Mode (|||" + std::to_string(data.port()) + "|)\r\n";
  scripted_server control({script()
                               .send("220-Welcome\r\n to the test\r\n220 ready\r\n")
                               .expect_until("\r\n")  // USER
                               .send("331 Password please\r\n")
                               .expect_until("\r\n")  // PASS
                               .send("230-Logged in\r\n230 Go ahead\r\n")
                               .expect_until("\r\n")  // TYPE I
                               .send("200 Binary\r\n")
                               .expect_until("\r\n")  // SIZE
                               .send("213 5000\r\n")
                               .expect_until("\r\n")  // EPSV
                               .send(epsv)
                               .expect_until("\r\n")  // RETR
                               .send("150 Here it comes\r\n")
                               .stall()});
  ftp::fetch_options o;
  o.data_idle_timeout = milliseconds(300);
  auto f = fetch("ftp://u:p@127.0.0.1:" + std::to_string(control.port()) + "/file.bin", o);
  CHECK(f.result.error == ftp::errc::data_timeout);
  CHECK(f.result.size == std::optional<std::uint64_t>(5000));
  CHECK(f.data.empty());
  CHECK(data.accepted() == 1);
  CHECK(control.received(0).find("RETR file.bin\r\n") != std::string::npos);
}

TEST_CASE("ftp: a silent control connection ends with reply_timeout", "[integration]") {
  using corofetch::test::script;
  using corofetch::test::scripted_server;
  scripted_server control({script().send("220 ready\r\n").stall()});
  ftp::fetch_options o;
  o.reply_timeout = milliseconds(300);
  auto f = fetch("ftp://127.0.0.1:" + std::to_string(control.port()) + "/x", o);
  CHECK(f.result.error == ftp::errc::reply_timeout);
}

TEST_CASE("ftp: a garbled reply is malformed_reply", "[integration]") {
  using corofetch::test::script;
  using corofetch::test::scripted_server;
  scripted_server control(
      {script().send("220 ready\r\n").expect_until("\r\n").send("OK, send the password\r\n")});
  auto f = fetch("ftp://127.0.0.1:" + std::to_string(control.port()) + "/x");
  CHECK(f.result.error == ftp::errc::malformed_reply);
}
