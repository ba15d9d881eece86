// The crawl journal and the embedded frontier's resume: records written and replayed in order,
// a half-written or damaged last record tolerated and cut off, a damaged record before the
// last refused with its line, compaction, and a frontier reopened on its journal going on with
// exactly the URLs that had not finished.
#include <corofetch/crawl/embedded_frontier.hpp>
#include <corofetch/crawl/journal.hpp>
#include <corofetch/url/url.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace crawl = corofetch::crawl;
namespace fs = std::filesystem;
using crawl::finish_kind;
using crawl::frontier_entry;

namespace {

// A fresh file path in a directory removed at the end of the test.
struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() /
           ("cf-journal-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  [[nodiscard]] fs::path file(const std::string& name) const { return path / name; }
};

frontier_entry entry(const std::string& url, std::uint32_t depth = 0,
                     const std::string& referrer = "") {
  frontier_entry e;
  e.url = url;
  e.depth = depth;
  e.referrer = referrer;
  return e;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// What a replay saw, in order: "Q depth url referrer" and "F fingerprint kind" lines.
struct recorded {
  std::vector<std::string> events;
  crawl::journal_replay replay;
  std::error_code error;
  std::string detail;
};

recorded replay(const fs::path& p) {
  recorded r;
  crawl::journal_visitor v;
  v.queued = [&](frontier_entry&& e) {
    r.events.push_back("Q " + std::to_string(e.depth) + " " + e.url + " " + e.referrer);
  };
  v.finished = [&](std::uint64_t f, finish_kind k) {
    r.events.push_back("F " + std::to_string(f) + " " + std::to_string(static_cast<int>(k)));
  };
  auto j = crawl::journal::open(p, v, &r.replay, &r.detail);
  if (!j) r.error = j.error();
  return r;
}

std::string finished_event(const std::string& url, finish_kind k) {
  return "F " + std::to_string(corofetch::url::fingerprint(url)) + " " +
         std::to_string(static_cast<int>(k));
}

}  // namespace

TEST_CASE("journal: records come back in the order they were written", "[unit]") {
  temp_dir dir;
  const fs::path p = dir.file("state");
  {
    crawl::journal_visitor none;
    auto j = crawl::journal::open(p, none);
    REQUIRE(j);
    const std::vector<frontier_entry> batch{entry("http://h.test/"),
                                            entry("http://h.test/a", 1, "http://h.test/")};
    CHECK_FALSE(j->append_queued(batch));
    CHECK_FALSE(
        j->append_finished(corofetch::url::fingerprint("http://h.test/"), finish_kind::fetched));
    const std::vector<std::uint64_t> skipped{corofetch::url::fingerprint("http://x.test/")};
    CHECK_FALSE(j->append_finished(skipped, finish_kind::skipped));
    CHECK(j->size() == fs::file_size(p));
  }
  const recorded r = replay(p);
  REQUIRE_FALSE(r.error);
  CHECK(r.events ==
        std::vector<std::string>{"Q 0 http://h.test/ ", "Q 1 http://h.test/a http://h.test/",
                                 finished_event("http://h.test/", finish_kind::fetched),
                                 finished_event("http://x.test/", finish_kind::skipped)});
  CHECK(r.replay.records == 4);
  CHECK(r.replay.queued == 2);
  CHECK(r.replay.finished == 2);
  CHECK_FALSE(r.replay.tail_dropped);
  CHECK(read_all(p).rfind("corofetch-crawl-journal 1\n", 0) == 0);
}

TEST_CASE("journal: a half-written last record is dropped and cut off", "[unit]") {
  temp_dir dir;
  const fs::path p = dir.file("state");
  {
    crawl::journal_visitor none;
    auto j = crawl::journal::open(p, none);
    REQUIRE(j);
    const std::vector<frontier_entry> batch{entry("http://h.test/1"), entry("http://h.test/2")};
    REQUIRE_FALSE(j->append_queued(batch));
  }
  const std::string whole = read_all(p);
  SECTION("cut inside the line") {
    write_all(p, whole.substr(0, whole.size() - 7));  // "Q\t0\tp\thttp://h.test/2\t\tabc" ...
  }
  SECTION("a damaged last line with its newline") {
    std::string damaged = whole;
    damaged[damaged.size() - 3] = damaged[damaged.size() - 3] == '0' ? '1' : '0';
    write_all(p, damaged);
  }
  const recorded r = replay(p);
  REQUIRE_FALSE(r.error);
  CHECK(r.events == std::vector<std::string>{"Q 0 http://h.test/1 "});
  CHECK(r.replay.tail_dropped);
  // The file was cut back to its last good record, and appending goes on after it.
  {
    crawl::journal_visitor none;
    auto j = crawl::journal::open(p, none);
    REQUIRE(j);
    const std::vector<frontier_entry> batch{entry("http://h.test/3")};
    REQUIRE_FALSE(j->append_queued(batch));
  }
  const recorded again = replay(p);
  REQUIRE_FALSE(again.error);
  CHECK(again.events == std::vector<std::string>{"Q 0 http://h.test/1 ", "Q 0 http://h.test/3 "});
  CHECK_FALSE(again.replay.tail_dropped);
}

TEST_CASE("journal: a damaged record before the last is state_corrupt with its line", "[unit]") {
  temp_dir dir;
  const fs::path p = dir.file("state");
  {
    crawl::journal_visitor none;
    auto j = crawl::journal::open(p, none);
    REQUIRE(j);
    for (int i = 0; i < 4; ++i) {
      const std::vector<frontier_entry> one{entry("http://h.test/" + std::to_string(i))};
      REQUIRE_FALSE(j->append_queued(one));
    }
  }
  std::string text = read_all(p);
  const std::size_t third = text.find("http://h.test/1");  // line 3: header, /0, /1
  REQUIRE(third != std::string::npos);
  text[third + 7] = 'X';
  write_all(p, text);
  const recorded r = replay(p);
  CHECK(r.error == crawl::errc::state_corrupt);
  CHECK(r.detail == "line 3: bad checksum or truncated record");
  CHECK(fs::file_size(p) == text.size());  // left as it was
}

TEST_CASE("journal: a file that is no journal is refused, an empty one started", "[unit]") {
  temp_dir dir;
  const fs::path p = dir.file("notes.txt");
  write_all(p, "hello\nworld\n");
  const recorded r = replay(p);
  CHECK(r.error == crawl::errc::state_corrupt);
  CHECK(r.detail == "line 1: not a crawl journal");
  CHECK(read_all(p) == "hello\nworld\n");

  const fs::path empty = dir.file("empty");
  write_all(empty, "");
  REQUIRE_FALSE(replay(empty).error);
  CHECK(read_all(empty) == "corofetch-crawl-journal 1\n");
  const fs::path half = dir.file("half-header");
  write_all(half, "corofetch-cra");
  REQUIRE_FALSE(replay(half).error);
  CHECK(read_all(half) == "corofetch-crawl-journal 1\n");
}

namespace {

std::unique_ptr<crawl::embedded_frontier> open_frontier(const fs::path& p,
                                                        std::size_t compact_after = 100'000) {
  crawl::embedded_frontier_options o;
  o.state_file = p;
  o.politeness.per_host = 100;
  o.politeness.delay = std::chrono::milliseconds(0);
  o.compact_after_records = compact_after;
  auto f = crawl::embedded_frontier::open(o);
  REQUIRE(f);
  return std::move(*f);
}

std::vector<std::string> take_all(crawl::embedded_frontier& f,
                                  std::vector<crawl::frontier_lease>* leases = nullptr) {
  std::vector<crawl::frontier_lease> out;
  f.take(1000, out);
  std::vector<std::string> urls;
  for (const auto& l : out) urls.push_back(l.entry.url);
  if (leases != nullptr) *leases = std::move(out);
  return urls;
}

}  // namespace

TEST_CASE("embedded_frontier: a restart queues again exactly what had not finished", "[unit]") {
  temp_dir dir;
  const fs::path p = dir.file("state");
  {
    auto f = open_frontier(p);
    std::vector<frontier_entry> batch{entry("http://h.test/0"), entry("http://h.test/1"),
                                      entry("http://h.test/2"), entry("http://h.test/0")};
    auto pushed = f->push(batch);
    REQUIRE(pushed);
    CHECK(*pushed == 3);  // the duplicate is dropped by the seen-set
    std::vector<crawl::frontier_lease> leases;
    CHECK(take_all(*f, &leases).size() == 3);
    CHECK_FALSE(f->finish(leases[0], finish_kind::fetched, true));  // /0 done
    // /1 and /2 are in flight when the process dies.
    std::vector<frontier_entry> links{entry("http://h.test/3", 1, "http://h.test/0")};
    REQUIRE(f->push(links));
    std::vector<frontier_entry> skipped{entry("http://other.test/", 1, "http://h.test/0")};
    CHECK_FALSE(f->record_skipped(skipped));
    CHECK(skipped.size() == 1);
  }
  auto f = open_frontier(p);
  CHECK(f->resumed().pending == 3);
  CHECK(f->resumed().replay.finished == 2);
  CHECK(f->seen().size() == 5);
  CHECK(f->stats().fetched == 1);
  CHECK(f->stats().skipped == 1);
  CHECK(take_all(*f) ==
        std::vector<std::string>{"http://h.test/1", "http://h.test/2", "http://h.test/3"});
  std::vector<frontier_entry> again{entry("http://h.test/0"), entry("http://other.test/")};
  auto pushed = f->push(again);
  REQUIRE(pushed);
  CHECK(*pushed == 0);
}

TEST_CASE("embedded_frontier: a journal mostly about finished URLs is compacted", "[unit]") {
  temp_dir dir;
  const fs::path p = dir.file("state");
  {
    auto f = open_frontier(p);
    std::vector<frontier_entry> batch;
    for (int i = 0; i < 40; ++i) batch.push_back(entry("http://h.test/" + std::to_string(i)));
    REQUIRE(f->push(batch));
    std::vector<crawl::frontier_lease> leases;
    REQUIRE(take_all(*f, &leases).size() == 40);
    for (std::size_t i = 0; i < 35; ++i)
      REQUIRE_FALSE(f->finish(leases[i], finish_kind::fetched, true));
  }
  const auto before = fs::file_size(p);
  {
    auto f = open_frontier(p, 10);
    CHECK(f->resumed().compacted);
    CHECK(f->resumed().pending == 5);
    CHECK(fs::file_size(p) < before);
    CHECK_FALSE(fs::exists(dir.file("state.compacting")));
    std::vector<crawl::frontier_lease> leases;
    REQUIRE(take_all(*f, &leases).size() == 5);
    REQUIRE_FALSE(f->finish(leases[0], finish_kind::failed, true));
  }
  auto f = open_frontier(p, 1000);
  CHECK_FALSE(f->resumed().compacted);
  CHECK(f->resumed().pending == 4);
  CHECK(f->seen().size() == 40);
  CHECK(f->stats().fetched == 35);
  CHECK(f->stats().failed == 1);
  CHECK(take_all(*f).front() == "http://h.test/36");
}
