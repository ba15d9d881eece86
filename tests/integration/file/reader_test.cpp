#include <corofetch/file/reader.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace corofetch;

namespace {

// A fresh folder for one test, removed afterwards.
struct temp_folder {
  temp_folder() {
    std::string templ = (std::filesystem::temp_directory_path() / "cf_file_XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~temp_folder() {
    std::error_code ignored;
    std::filesystem::permissions(path / "secret.txt", std::filesystem::perms::owner_all, ignored);
    std::filesystem::remove_all(path, ignored);
  }
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;

  void write(const std::string& name, const std::string& content) const {
    std::ofstream out(path / name, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  [[nodiscard]] url::url url_of(const std::string& relative) const {
    auto u = url::parse("file://" + path.string() + "/" + relative);
    REQUIRE(u);
    return *u;
  }

  std::filesystem::path path;
};

std::string every_byte() {
  std::string s;
  for (int i = 0; i < 256 * 40; ++i) s.push_back(static_cast<char>(i % 256));
  return s;
}

}  // namespace

TEST_CASE("file: a local file, byte for byte, also with an escaped name", "[integration]") {
  temp_folder dir;
  const std::string content = every_byte();
  dir.write("a b.bin", content);
  auto read = file::read_all(dir.url_of("a%20b.bin"));
  REQUIRE(read);
  CHECK(*read == content);

  auto opened = file::open(dir.url_of("a%20b.bin"));
  REQUIRE(opened);
  CHECK(opened->size() == content.size());
  REQUIRE_FALSE(opened->seek(10000));
  std::string rest(1000, '\0');
  auto n = opened->read(rest);
  REQUIRE(n);
  CHECK(*n == 240);
  CHECK(rest.substr(0, 240) == content.substr(10000));
}

TEST_CASE("file: the seed's file://localhost/c:/... through a mapped drive", "[integration]") {
  temp_folder dir;
  std::filesystem::create_directories(dir.path / "path");
  dir.write("path/file1.html", "<p>from drive c</p>");
  auto u = url::parse("file://localhost/c:/path/file1.html");
  REQUIRE(u);
  file::file_options o;
  o.drive_roots['c'] = dir.path;
  auto read = file::read_all(*u, o);
  REQUIRE(read);
  CHECK(*read == "<p>from drive c</p>");
}

TEST_CASE("file: missing file, directory, limit, special file", "[integration]") {
  temp_folder dir;
  dir.write("big.txt", std::string(100, 'x'));
  CHECK(file::read_all(dir.url_of("missing.txt")).error() == file::errc::not_found);
  CHECK(file::read_all(dir.url_of("big.txt/below")).error() == file::errc::not_found);
  CHECK(file::read_all(dir.url_of("")).error() == file::errc::is_directory);
  file::file_options small;
  small.max_bytes = 99;
  CHECK(file::read_all(dir.url_of("big.txt"), small).error() == file::errc::too_large);
  small.max_bytes = 100;
  CHECK(file::read_all(dir.url_of("big.txt"), small));
  REQUIRE(::mkfifo((dir.path / "fifo").c_str(), 0600) == 0);
  CHECK(file::read_all(dir.url_of("fifo")).error() == file::errc::not_regular_file);
}

TEST_CASE("file: a file that may not be read", "[integration]") {
  if (::geteuid() == 0) {
    // root reads any file whatever its mode (CAP_DAC_OVERRIDE): the mapping of EACCES is
    // covered by the unit test of file::from_errno.
    WARN("running as root: permission_denied cannot be provoked with a file mode");
    return;
  }
  temp_folder dir;
  dir.write("secret.txt", "secret");
  std::filesystem::permissions(dir.path / "secret.txt", std::filesystem::perms::none);
  CHECK(file::read_all(dir.url_of("secret.txt")).error() == file::errc::permission_denied);
}
