#include <corofetch/file/reader.hpp>

#include <catch2/catch.hpp>

#include <cerrno>

using namespace corofetch;

namespace {

url::url parse(std::string_view text) {
  auto u = url::parse(text);
  REQUIRE(u);
  return *u;
}

}  // namespace

TEST_CASE("file: URLs map to local paths, percent-decoded", "[unit]") {
  auto p = file::local_path(parse("file:///tmp/a%20b/c%C3%A9.txt"));
  REQUIRE(p);
  CHECK(p->string() == "/tmp/a b/c\xC3\xA9.txt");
  auto localhost = file::local_path(parse("file://localhost/etc/hosts"));
  REQUIRE(localhost);
  CHECK(localhost->string() == "/etc/hosts");
  auto root = file::local_path(parse("file:///"));
  REQUIRE(root);
  CHECK(root->string() == "/");
}

TEST_CASE("file: URL errors: scheme, remote host, NUL", "[unit]") {
  CHECK(file::local_path(parse("http://h/x")).error() == file::errc::not_a_file_url);
  CHECK(file::local_path(parse("file://server.example/share/x")).error() ==
        file::errc::remote_host);
  CHECK(file::local_path(parse("file:///tmp/a%00b")).error() == file::errc::invalid_path);
}

TEST_CASE("the seed's file://localhost/c:/path form: a drive letter mapped to a folder", "[unit]") {
  // The URL Standard keeps the drive letter as the first segment and drops "localhost".
  const auto u = parse("file://localhost/c:/path/file1.html");
  CHECK(u.href() == "file:///c:/path/file1.html");
  CHECK(file::local_path(u).error() == file::errc::drive_not_mapped);
  file::file_options o;
  o.drive_roots['c'] = "/mnt/c";
  auto p = file::local_path(u, o);
  REQUIRE(p);
  CHECK(p->string() == "/mnt/c/path/file1.html");
  // "C|" is the legacy spelling the parser turns into "C:"; drive_roots keys are lowercase.
  auto upper = file::local_path(parse("file:///C|/path/x"), o);
  REQUIRE(upper);
  CHECK(upper->string() == "/mnt/c/path/x");
  CHECK(file::local_path(parse("file:///d:/x"), o).error() == file::errc::drive_not_mapped);
}

TEST_CASE("errno values of open(2) become file errors", "[unit]") {
  CHECK(file::from_errno(ENOENT) == file::errc::not_found);
  CHECK(file::from_errno(ENOTDIR) == file::errc::not_found);
  CHECK(file::from_errno(EISDIR) == file::errc::is_directory);
  CHECK(file::from_errno(EACCES) == file::errc::permission_denied);
  CHECK(file::from_errno(EPERM) == file::errc::permission_denied);
  CHECK(file::from_errno(EIO) == std::error_code(EIO, std::generic_category()));
  CHECK(std::error_code(file::errc::not_found).message() == "no such file");
  CHECK(std::string(file::file_category().name()) == "corofetch.file");
}
