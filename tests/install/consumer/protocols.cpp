// The modules beyond HTTP pages, as a program uses them without servers of their own: css
// (the URLs a stylesheet names), file (a file: URL of a file written here), ftp and smtp (their
// servers' multi-line replies), redis (a Redis URL), nntp (news: URLs and overview lines).
#include "checks.hpp"

#include <corofetch/css/references.hpp>
#include <corofetch/file/reader.hpp>
#include <corofetch/ftp/reply.hpp>
#include <corofetch/nntp/client.hpp>
#include <corofetch/redis/endpoint.hpp>
#include <corofetch/smtp/reply.hpp>
#include <corofetch/url/url.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace consumer {
namespace {

void check_css() {
  const auto base = corofetch::url::parse("http://gallery.test/css/site.css");
  if (!base) return;
  const auto found = corofetch::css::extract_css_references(
      "@import url(\"print.css\") print;\n"
      "body { background: url(../img/bg.png) }\n"
      "@font-face { font-family: f; src: url('/fonts/f.woff2') }\n",
      *base);
  expect(found && found->items.size() == 3 &&
             found->items[0].kind == corofetch::css::reference_kind::import &&
             found->items[0].location.href() == "http://gallery.test/css/print.css" &&
             found->items[0].condition == "print" &&
             found->items[1].kind == corofetch::css::reference_kind::image &&
             found->items[1].location.href() == "http://gallery.test/img/bg.png" &&
             found->items[2].kind == corofetch::css::reference_kind::font &&
             found->items[2].location.href() == "http://gallery.test/fonts/f.woff2",
         "css: an @import, a background image and a font, resolved against the stylesheet");
}

void check_file(const std::string& work_dir) {
  const std::filesystem::path path = std::filesystem::absolute(work_dir) / "file module.txt";
  std::ofstream(path, std::ios::binary) << "read through a file: URL\n";
  const auto u = corofetch::url::parse("file://" + path.string());
  if (!u) {
    expect(false, "file: a file: URL of the file written");
    return;
  }
  auto opened = corofetch::file::open(*u);
  expect(opened && opened->size() == 25, "file: open() the file a file: URL names, its size");
  if (opened) {
    std::array<char, 64> buffer{};
    const auto n = opened->read(buffer);
    expect(n && std::string(buffer.data(), *n) == "read through a file: URL\n",
           "file: read() its content");
  }
  const auto missing = corofetch::url::parse("file://" + path.string() + ".missing");
  expect(missing && !corofetch::file::open(*missing), "file: a missing file is an error");
}

void check_ftp() {
  corofetch::ftp::reply_reader reader;
  std::optional<corofetch::ftp::reply> done;
  for (const char* line : {"230-Welcome", "  to the archive", "230 Login successful"}) {
    auto r = reader.feed(line);
    if (!r) break;
    if (*r) done = **r;
  }
  expect(done && done->code == 230 && done->kind() == 2, "ftp: a multi-line 230 reply");
  const corofetch::ftp::reply pasv{227, "Entering Passive Mode (127,0,0,1,19,137)"};
  const auto endpoint = corofetch::ftp::parse_pasv(pasv);
  expect(endpoint && endpoint->address.to_string() == "127.0.0.1" && endpoint->port == 5001,
         "ftp: the address and port of a PASV reply");
  const auto size = corofetch::ftp::parse_size({213, "12345"});
  expect(size && *size == 12345, "ftp: a SIZE reply");
}

void check_smtp() {
  corofetch::smtp::reply_reader reader;
  std::optional<corofetch::smtp::reply> done;
  for (const char* line : {"250-mx.gallery.test greets you", "250-PIPELINING", "250 8BITMIME"}) {
    auto r = reader.feed(line);
    if (!r) break;
    if (*r) done = **r;
  }
  expect(done && done->code == 250 && done->lines.size() == 3 && done->has_extension("8bitmime") &&
             !done->has_extension("STARTTLS"),
         "smtp: an EHLO reply and its extensions");
  expect(corofetch::smtp::encode_data("Hi\n.dot\n") == "Hi\r\n..dot\r\n.\r\n",
         "smtp: DATA with CRLF line ends, a dot-stuffed line and the terminator");
}

void check_redis() {
  const auto e = corofetch::redis::parse_url("redis://worker:s%40cret@[::1]:6380/2");
  expect(e && e->host == "::1" && e->port == 6380 && e->db == 2 && e->username == "worker" &&
             e->password == "s@cret",
         "redis: user, password, IPv6 host, port and database of a redis:// URL");
  expect(!corofetch::redis::parse_url("http://127.0.0.1:6379/"), "redis: another scheme refused");
}

void check_nntp() {
  const auto group = corofetch::url::parse("news:comp.protocols.tcp-ip");
  expect(group.has_value(), "nntp: a news: URL");
  if (group) {
    const auto target = corofetch::nntp::parse_news_url(*group);
    expect(target && !target->article && target->name == "comp.protocols.tcp-ip",
           "nntp: the newsgroup a news: URL names");
  }
  const auto over = corofetch::nntp::parse_overview_line(
      "3000\tRe: TCP\tuser@gallery.test\t6 Oct 1998 04:38:40 -0500\t<45223423@gallery.test>\t"
      "<45454@gallery.test>\t1234\t17");
  expect(over && over->number == 3000 && over->subject == "Re: TCP" &&
             over->message_id == "<45223423@gallery.test>" && over->bytes == 1234 &&
             over->lines == 17,
         "nntp: the fields of an overview line");
}

}  // namespace

void check_protocols(const std::string& work_dir) {
  check_css();
  check_file(work_dir);
  check_ftp();
  check_smtp();
  check_redis();
  check_nntp();
}

}  // namespace consumer
